import { availableParallelism } from 'node:os';
import { removeBrokerDir, startBroker, type BrokerHandle } from '@ediflow/activemq';
import { measureBridgeThroughput, type ThroughputResult } from '../measure/bridge';
import { removeRabbitDir, startRabbitMQ, type RabbitHandle } from '@ediflow/rabbitmq';
import type { Job } from './types';

/**
 * Two ActiveMQ brokers and one RabbitMQ (started here, stopped at the end). For each pair, the
 * raw producer-to-consumer rate on the source broker, then the rate through the bridge to the
 * target: ActiveMQ -> ActiveMQ with the default route order ('group') and with 'all';
 * RabbitMQ -> ActiveMQ over STOMP; RabbitMQ -> ActiveMQ with the source over AMQP 1.0.
 */
export const bridgeThroughput: Job = async (params) => {
  const count = params.count as number;
  const started = process.hrtime.bigint();
  const brokers: BrokerHandle[] = [];
  let rabbit: RabbitHandle | undefined;
  try {
    // each ActiveMQ on its own core when there are two (separate hosts in production): the bridged run
    // needs both brokers' full work per message, which otherwise competes for the same cores
    const pin = (cpu: number): { cpus?: string } => (availableParallelism() >= 2 ? { cpus: String(cpu) } : {});
    const [brokersUp, rabbitUp] = await Promise.all([
      Promise.all([startBroker({ name: 'bench-source', ...pin(0) }), startBroker({ name: 'bench-target', ...pin(1) })]),
      startRabbitMQ({ name: 'bench' }),
    ]);
    brokers.push(...brokersUp);
    rabbit = rabbitUp;
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [source, target] = brokers;
    const common = { count, warmup: 3 * count, rounds: 4 };
    const guest = { login: 'guest', passcode: 'guest' };
    const row = (name: string, r: ThroughputResult): Record<string, number> => ({
      [`${name}RawPerSecond`]: r.rawPerSecond,
      [`${name}BridgedPerSecond`]: r.bridgedPerSecond,
      [`${name}Ratio`]: r.ratio,
      [`${name}RawSlowestPerSecond`]: r.rawSlowestPerSecond,
      [`${name}BridgedSlowestPerSecond`]: r.bridgedSlowestPerSecond,
      [`${name}OrderBreaks`]: r.orderBreaks,
    });
    const group = await measureBridgeThroughput({ ...common, source: source.url, target: target.url });
    const all = await measureBridgeThroughput({ ...common, source: source.url, target: target.url, order: 'all' });
    const rabbitStomp = await measureBridgeThroughput({ ...common, source: { urls: [rabbit.stompUrl], kind: 'rabbitmq', ...guest }, target: target.url });
    const rabbitAmqp = await measureBridgeThroughput({ ...common, source: { urls: [rabbit.amqpUrl], kind: 'rabbitmq', ...guest }, target: target.url });
    return {
      seconds: Number(process.hrtime.bigint() - started) / 1e9, // the whole job: broker start, warm-ups and every run
      bytes: count * group.bodyBytes,
      brokerStartSeconds: startSeconds,
      count,
      bodyBytes: group.bodyBytes,
      ...row('group', group),
      ...row('all', all),
      ...row('rabbitStomp', rabbitStomp),
      ...row('rabbitAmqp', rabbitAmqp),
    };
  } finally {
    await Promise.all([...brokers.map((b) => b.stop()), rabbit?.stop()]);
    await Promise.all([...brokers.map((b) => removeBrokerDir(b.dir)), rabbit === undefined ? undefined : removeRabbitDir(rabbit.dir)]);
  }
};
