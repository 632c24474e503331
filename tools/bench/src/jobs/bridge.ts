import { removeBrokerDir, startBroker, type BrokerHandle } from '@ediflow/activemq';
import { measureBridgeThroughput } from '@ediflow/bridge';
import type { Job } from './types';

/**
 * Two ActiveMQ brokers (started here, stopped at the end): the raw producer-to-consumer rate on
 * the source broker, then the rate through the bridge to the target broker, for route order
 * 'group' (messages without a group id: all in parallel) and 'all' (one send at a time).
 */
export const bridgeThroughput: Job = async (params) => {
  const count = params.count as number;
  const started = process.hrtime.bigint();
  const brokers: BrokerHandle[] = [];
  try {
    brokers.push(...(await Promise.all([startBroker({ name: 'bench-source' }), startBroker({ name: 'bench-target' })])));
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [source, target] = brokers;
    const group = await measureBridgeThroughput({ sourceUrl: source.url, targetUrl: target.url, count, order: 'group' });
    const all = await measureBridgeThroughput({ sourceUrl: source.url, targetUrl: target.url, count, order: 'all' });
    return {
      seconds: (group.rawMs + group.bridgedMs + all.rawMs + all.bridgedMs) / 1000,
      bytes: count * group.bodyBytes,
      brokerStartSeconds: startSeconds,
      count,
      bodyBytes: group.bodyBytes,
      groupRawPerSecond: group.rawPerSecond,
      groupBridgedPerSecond: group.bridgedPerSecond,
      groupRatio: group.ratio,
      allRawPerSecond: all.rawPerSecond,
      allBridgedPerSecond: all.bridgedPerSecond,
      allRatio: all.ratio,
    };
  } finally {
    await Promise.all(brokers.map((b) => b.stop()));
    await Promise.all(brokers.map((b) => removeBrokerDir(b.dir)));
  }
};
