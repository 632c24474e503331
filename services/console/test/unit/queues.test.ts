import { DESTINATIONS } from '@ediflow/messages';
import { downsample, queueName, QueueHistory, ratePerMinute } from '../../src/domain/queues';

const point = (at: number, enqueued: number, dequeued = 0, size = 0) => ({ at, enqueued, dequeued, size });

describe('queueName', () => {
  it.each([
    ['queue://edi.file.received', 'edi.file.received'],
    ['/queue/edi.file.received', 'edi.file.received'],
    ['queue://DLQ./queue/edi.file.received', 'DLQ.edi.file.received'],
    ['DLQ./queue/edi.notifier.endpoint.erp', 'DLQ.edi.notifier.endpoint.erp'],
    ['ActiveMQ.DLQ', 'ActiveMQ.DLQ'],
  ])('when a broker names %s, then the console calls it %s', (destination, name) => {
    expect(queueName(destination)).toBe(name);
  });
});

describe('ratePerMinute', () => {
  it('when more than a minute of samples exists, then the rate is the counter delta over the last minute', () => {
    const points = [point(0, 0), point(30_000, 50), point(60_000, 100), point(90_000, 160), point(120_000, 220)];
    expect(ratePerMinute(points, 'enqueued')).toBe(120);
  });

  it('when less than a minute exists, then the rate is scaled from what there is; under a second of history it is unknown', () => {
    expect(ratePerMinute([point(0, 0), point(10_000, 5)], 'enqueued')).toBe(30);
    expect(ratePerMinute([point(0, 0), point(500, 5)], 'enqueued')).toBeNull();
    expect(ratePerMinute([], 'enqueued')).toBeNull();
  });

  it('when the counter went down (the broker restarted), then the rate is unknown rather than negative', () => {
    expect(ratePerMinute([point(0, 500, 500), point(10_000, 3, 1)], 'dequeued')).toBeNull();
  });
});

describe('downsample', () => {
  it('when there are more samples than points, then each point is the peak of its bucket', () => {
    const values = Array.from({ length: 720 }, (_, i) => (i === 500 ? 99 : 1));
    const out = downsample(values, 60);
    expect(out).toHaveLength(60);
    expect(Math.max(...out)).toBe(99);
    expect(downsample([1, 2, 3], 60)).toEqual([1, 2, 3]);
  });
});

describe('QueueHistory', () => {
  const catalogue = Object.values(DESTINATIONS).map(queueName);

  it('when a broker reports its queues, then every catalogue queue has a row, with its DLQ depth as the failed count, and others are left out', () => {
    const h = new QueueHistory(catalogue);
    h.record({ broker: 'a', at: 0, queues: [{ destination: 'queue://edi.file.received', size: 4, consumers: 1, enqueued: 10, dequeued: 6 }] });
    h.record({
      broker: 'a',
      at: 30_000,
      queues: [
        { destination: 'queue://edi.file.received', size: 3, consumers: 2, enqueued: 20, dequeued: 17 },
        { destination: 'queue://DLQ./queue/edi.file.received', size: 2, consumers: 0, enqueued: 2, dequeued: 0 },
        { destination: 'queue://edi.notifier.endpoint.erp', size: 0, consumers: 1, enqueued: 0, dequeued: 0 },
        { destination: 'queue://ActiveMQ.Statistics.Destination.>', size: 0, consumers: 0, enqueued: 1, dequeued: 1 },
      ],
    });
    const [view] = h.view(['a']);
    expect(view.rows.map((r) => r.queue)).toEqual([...catalogue, 'edi.notifier.endpoint.erp']);
    expect(view.rows[0]).toEqual({
      broker: 'a', queue: 'edi.file.received', present: true, size: 3, consumers: 2, inPerMinute: 20, outPerMinute: 22, oldestAgeMs: null, failed: 2, depthHistory: [4, 3],
    });
    expect(view.rows.find((r) => r.queue === 'edi.outbound.requests')).toMatchObject({ present: false, inPerMinute: null });
  });

  it('when a broker cannot be read, then its view carries the error and samples older than the window are dropped', () => {
    const h = new QueueHistory(['edi.file.received'], 60_000);
    h.record({ broker: 'a', at: 0, queues: [{ destination: '/queue/edi.x', size: 1, consumers: 0, enqueued: 1, dequeued: 0 }] });
    h.record({ broker: 'a', at: 90_000, queues: [{ destination: '/queue/edi.x', size: 2, consumers: 0, enqueued: 2, dequeued: 0 }] });
    expect(h.view(['a'])[0].rows.find((r) => r.queue === 'edi.x')?.depthHistory).toEqual([2]);
    h.record({ broker: 'a', at: 95_000, queues: [], error: 'connection refused' });
    h.record({ broker: 'b', at: 95_000, queues: [], error: 'timed out' });
    expect(h.view(['a', 'b', 'c']).map((v) => [v.broker, v.error, v.rows.length])).toEqual([
      ['a', 'connection refused', 0],
      ['b', 'timed out', 0],
      ['c', undefined, 0],
    ]);
  });
});
