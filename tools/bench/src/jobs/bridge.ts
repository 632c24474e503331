import { availableParallelism } from 'node:os';
import { removeBrokerDir, startBroker, type BrokerHandle } from '@ediflow/activemq';
import { measureBridgeThroughput } from '../measure/bridge';
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
    // each broker on its own core when there are two (separate hosts in production): the bridged run
    // needs both brokers' full work per message, which otherwise competes for the same cores
    const pin = (cpu: number): { cpus?: string } => (availableParallelism() >= 2 ? { cpus: String(cpu) } : {});
    brokers.push(...(await Promise.all([startBroker({ name: 'bench-source', ...pin(0) }), startBroker({ name: 'bench-target', ...pin(1) })])));
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [source, target] = brokers;
    const group = await measureBridgeThroughput({ sourceUrl: source.url, targetUrl: target.url, count, order: 'group', warmup: 3 * count, rounds: 3 });
    const all = await measureBridgeThroughput({ sourceUrl: source.url, targetUrl: target.url, count, order: 'all', warmup: 3 * count, rounds: 3 });
    return {
      seconds: Number(process.hrtime.bigint() - started) / 1e9, // the whole job: broker start, warm-ups and every run
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
