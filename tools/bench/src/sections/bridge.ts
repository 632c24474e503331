import { existsSync } from 'node:fs';
import { ACTIVEMQ_JAR } from '@ediflow/activemq';
import { runJob, type JobResult } from '../child';
import { fmt, type BenchOptions, type Section, type SectionResult } from '../section';

/** The JMS bridge: two real ActiveMQ brokers, 1 KB persistent messages, raw rate on one broker vs through the bridge. */
export function bridgeSection(count = 2000): Section {
  return {
    name: 'bridge',
    title: `Bridge: ${count} persistent 1 KB messages, two ActiveMQ brokers (STOMP on loopback)`,
    async run(options: BenchOptions): Promise<SectionResult> {
      const columns = ['route order', 'raw msg/s', 'bridged msg/s', 'bridged / raw', 'peak RSS MB'];
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      if (!existsSync(ACTIVEMQ_JAR) && !isRoot) {
        return {
          columns,
          rows: [{ label: 'not measured', cells: { 'route order': `ActiveMQ is not installed (${ACTIVEMQ_JAR}); apt-get install activemq` }, targets: [{ text: 'bridged >= 70 % of raw', pass: undefined }] }],
          notes: ['Needs two ActiveMQ brokers (Debian package activemq); not installed and not root, so not measured.'],
        };
      }
      options.log('bridge: starting two ActiveMQ brokers, then raw and bridged runs (order group, then all) ...');
      const r: JobResult | string = await runJob('bridge-throughput', { count }, { timeoutMs: 400_000 }).catch((err: unknown) => (err as Error).message);
      if (typeof r === 'string') {
        return { columns, rows: [{ label: 'failed', cells: { 'route order': r }, targets: [{ text: 'bridged >= 70 % of raw', pass: undefined }] }], notes: ['The bridge job failed (message above).'] };
      }
      const row = (order: 'group' | 'all', raw: number, bridged: number, ratio: number, target: boolean) => ({
        label: `bridge, order ${order}`,
        cells: { 'route order': order === 'group' ? "'group' (default)" : "'all'", 'raw msg/s': fmt(raw), 'bridged msg/s': fmt(bridged), 'bridged / raw': `${fmt(ratio * 100)} %`, 'peak RSS MB': fmt(r.maxRssMb) },
        targets: target ? [{ text: 'bridged >= 70 % of raw', pass: ratio >= 0.7 }] : [{ text: 'informational (one send at a time)', pass: undefined }],
      });
      return {
        columns,
        rows: [row('group', r.groupRawPerSecond, r.groupBridgedPerSecond, r.groupRatio, true), row('all', r.allRawPerSecond, r.allBridgedPerSecond, r.allRatio, false)],
        notes: [
          `Two ActiveMQ 5.17 brokers started in the job (${fmt(r.brokerStartSeconds)} s) and stopped after; ${count} persistent ${r.bodyBytes}-byte bytes messages per run, producer with receipts (32 sends in flight).`,
          'Each broker JVM runs on its own core (taskset), as separate hosts would: the bridged path needs the full work of both brokers per',
          '  message, which on a 2-core machine otherwise competes for the same cores as the raw run of one broker (measured: 2.85 vs 1.28 ms CPU/msg).',
          `Before timing, ${3 * count} messages go raw through each broker and ${3 * count} through the bridge (JIT warm-up of both JVMs).`,
          'raw msg/s: producer -> consumer (client acks) on the source broker alone; bridged msg/s: producer on the source -> @ediflow/bridge',
          '  route -> consumer on the target broker (measureBridgeThroughput). Raw and bridged runs alternate 3 times; each figure is the median.',
          "Target row: route order 'group' (the default; these messages carry no group id, so sends run in parallel). The 'all' row keeps strict source order (one send at a time) and is shown for information.",
          'Peak RSS is the job process (producer, consumers and bridge; the brokers are separate JVMs).',
        ],
      };
    },
  };
}
