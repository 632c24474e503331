import { existsSync } from 'node:fs';
import { ACTIVEMQ_JAR } from '@ediflow/activemq';
import { RABBITMQ_SERVER } from '@ediflow/rabbitmq';
import { runJob, type JobResult } from '../child';
import { fmt, type BenchOptions, type Section, type SectionResult } from '../section';

const TARGET = 'bridged >= 90 % of raw, group order kept';

/** The JMS bridge: real brokers, 1 KB persistent messages, raw rate on the source broker vs through the bridge. */
export function bridgeSection(count = 2000): Section {
  return {
    name: 'bridge',
    title: `Bridge: ${count} persistent 1 KB messages in 32 groups, ActiveMQ and RabbitMQ on loopback`,
    async run(options: BenchOptions): Promise<SectionResult> {
      const columns = ['path', 'route order', 'raw msg/s', 'bridged msg/s', 'bridged / raw', 'group order breaks', 'peak RSS MB'];
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      if ((!existsSync(ACTIVEMQ_JAR) || !existsSync(RABBITMQ_SERVER)) && !isRoot) {
        return {
          columns,
          rows: [{ label: 'not measured', cells: { path: `ActiveMQ or RabbitMQ is not installed; npm run system-packages` }, targets: [{ text: TARGET, pass: undefined }] }],
          notes: ['Needs Debian packages activemq and rabbitmq-server; not installed and not root, so not measured.'],
        };
      }
      options.log('bridge: starting two ActiveMQ brokers and a RabbitMQ, then raw and bridged runs per path ...');
      const r: JobResult | string = await runJob('bridge-throughput', { count }, { timeoutMs: 900_000 }).catch((err: unknown) => (err as Error).message);
      if (typeof r === 'string') {
        return { columns, rows: [{ label: 'failed', cells: { path: r }, targets: [{ text: TARGET, pass: undefined }] }], notes: ['The bridge job failed (message above).'] };
      }
      const row = (label: string, path: string, order: string, key: string, target: boolean) => ({
        label,
        cells: {
          path,
          'route order': order,
          'raw msg/s': `${fmt(r[`${key}RawPerSecond`])} (${fmt(r[`${key}RawSlowestPerSecond`])})`,
          'bridged msg/s': `${fmt(r[`${key}BridgedPerSecond`])} (${fmt(r[`${key}BridgedSlowestPerSecond`])})`,
          'bridged / raw': `${fmt(r[`${key}Ratio`] * 100)} %`,
          'group order breaks': String(r[`${key}OrderBreaks`]),
          'peak RSS MB': fmt(r.maxRssMb),
        },
        targets: target
          ? [{ text: TARGET, pass: r[`${key}Ratio`] >= 0.9 && r[`${key}OrderBreaks`] === 0 }]
          : [{ text: order === "'all'" ? 'informational (one send at a time)' : 'informational (raw = the source broker)', pass: undefined }],
      });
      return {
        columns,
        rows: [
          row('bridge, ActiveMQ -> ActiveMQ, order group', 'ActiveMQ -> ActiveMQ (STOMP)', "'group' (default)", 'group', true),
          row('bridge, ActiveMQ -> ActiveMQ, order all', 'ActiveMQ -> ActiveMQ (STOMP)', "'all'", 'all', false),
          row('bridge, RabbitMQ -> ActiveMQ, STOMP', 'RabbitMQ -> ActiveMQ (STOMP)', "'group' (default)", 'rabbitStomp', false),
          row('bridge, RabbitMQ -> ActiveMQ, AMQP 1.0', 'RabbitMQ (AMQP 1.0) -> ActiveMQ', "'group' (default)", 'rabbitAmqp', false),
        ],
        notes: [
          `Two ActiveMQ 5.17 brokers and one RabbitMQ 3.10 started in the job (${fmt(r.brokerStartSeconds)} s) and stopped after; ${count} persistent ${r.bodyBytes}-byte bytes messages per run,`,
          '  producer with receipts / accepted outcomes (32 sends in flight, one per group: x-group g0..g31, each group sent in order).',
          'Each ActiveMQ JVM runs on its own core (taskset), as separate hosts would: the bridged path needs the full work of both brokers per',
          '  message, which on a 2-core machine otherwise competes for the same cores as the raw run of one broker (measured: 2.85 vs 1.28 ms CPU/msg).',
          `Before timing, ${3 * count} messages go raw through each broker and ${3 * count} through the bridge (JIT warm-up).`,
          'raw msg/s: producer -> consumer (client acks) on the source broker alone; bridged msg/s: producer on the source -> @ediflow/bridge',
          '  route -> consumer on the target broker (measureBridgeThroughput). Raw and bridged runs alternate 4 times; each figure is the fastest',
          '  run (other tenants only slow runs down), the slowest in brackets.',
          "group order breaks: bridged messages that arrived after a later message of their group (must be 0 with order 'group').",
          "Target row: ActiveMQ -> ActiveMQ with the route default (order 'group'). The 'all' row keeps strict source order (one send at a time);",
          '  the RabbitMQ rows compare with RabbitMQ\'s own raw rate (STOMP, or AMQP 1.0 producer and consumer) and are shown for information.',
          'Peak RSS is the job process (producers, consumers and bridge; the brokers are separate processes).',
        ],
      };
    },
  };
}
