import { figuresFromStatistics } from '../../src/adapters/activemq-stats';

/** One answer of ActiveMQ 5.17's statistics plugin (jms-map-json), as captured from a local broker. */
const ANSWER = JSON.stringify({
  map: {
    entry: [
      { string: 'dequeueCount', long: 4 },
      { string: 'averageMessageSize', long: 1035 },
      { string: ['brokerId', 'ID:vm-38619-1796644218864-0:1'] },
      { string: 'consumerCount', long: 1 },
      { string: 'minEnqueueTime', double: 0 },
      { string: 'memoryPercentUsage', int: 0 },
      { string: 'size', long: 3 },
      { string: ['destinationName', 'queue://edi.file.received'] },
      { string: ['brokerName', 'probe'] },
      { string: 'enqueueCount', long: 7 },
    ],
  },
});

describe('figuresFromStatistics', () => {
  it("when the statistics plugin answers for a queue, then its name, size, consumers and counts are read", () => {
    expect(figuresFromStatistics(ANSWER)).toEqual({ destination: 'queue://edi.file.received', size: 3, consumers: 1, enqueued: 7, dequeued: 4 });
  });

  it('when the answer is the empty end-of-list message, then there is no queue in it', () => {
    expect(figuresFromStatistics('{"map":""}')).toBeUndefined();
    expect(figuresFromStatistics('{"map":{}}')).toBeUndefined();
  });
});
