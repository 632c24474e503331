/**
 * Benchmark: bridged throughput of persistent messages (1 KB by default) against the raw
 * producer-to-consumer rate on the source broker. Both runs use the same producer (receipts
 * or accepted outcomes, `window` sends in flight) and a consumer with client acks. Messages
 * carry one of `groups` group ids (x-group) in per-group order; the consumer counts order
 * breaks per group.
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import type { Bus } from '@ediflow/bus';
import { silentLogger, type Logger } from '@ediflow/logger';
import { connectEndpoint, createBridgeService, parseRoutes, type RoutesDocumentInput } from '@ediflow/bridge';

/** An endpoint as in the routes file (URLs, kind, ...) with its credentials inline (benchmarks only). */
export type ThroughputEndpoint = RoutesDocumentInput['endpoints'][string] & { login?: string; passcode?: string };

export interface ThroughputOptions {
  /** Source broker; the raw rate is measured here. A URL is an ActiveMQ STOMP endpoint. */
  source: string | ThroughputEndpoint;
  /** Target broker. */
  target: string | ThroughputEndpoint;
  /** Messages per run; default 2000. */
  count?: number;
  /** Body size in bytes; default 1024. */
  bodyBytes?: number;
  /** Producer sends in flight at once; default 32. */
  window?: number;
  /** Bridge route prefetch; default 100. */
  prefetch?: number;
  /** Route ordering: "group" (the route default) or "all" (one send at a time, source order). */
  order?: 'all' | 'group';
  /** Group ids the messages are spread over (x-group, sent in order per group); default 32. */
  groups?: number;
  /** Bound for each run; default 120 s. */
  timeoutMs?: number;
  /**
   * Messages sent untimed first, raw on each broker and through the bridge, so that the timed runs
   * do not measure the brokers' JIT warm-up (which otherwise slows whichever run comes first); default 0.
   */
  warmup?: number;
  /**
   * Raw and bridged runs in turn this many times; the result is the fastest of each (other
   * tenants of a shared machine only ever slow a run down), the slowest is reported too. Default 1.
   */
  rounds?: number;
  logger?: Logger;
}

export interface ThroughputResult {
  count: number;
  rounds: number;
  bodyBytes: number;
  /** Producer to consumer on the source broker alone, messages per second. */
  rawPerSecond: number;
  /** Producer on the source, through the bridge, to a consumer on the target, messages per second. */
  bridgedPerSecond: number;
  /** bridged / raw. */
  ratio: number;
  /** Messages of the bridged runs that arrived before an earlier message of their group. */
  orderBreaks: number;
  /** Fastest ms of the raw and of the bridged runs. */
  rawMs: number;
  bridgedMs: number;
  /** Slowest runs, messages per second (how far the machine spread them). */
  rawSlowestPerSecond: number;
  bridgedSlowestPerSecond: number;
}


/** `window` sends in flight, each group's messages one after another (so the source holds them in group order). */
async function produce(bus: Bus, destination: string, count: number, body: Buffer, window: number, groups: number, tag: string): Promise<void> {
  const nextOf = new Array<number>(groups).fill(0);
  const worker = async (group: number): Promise<void> => {
    for (let i = group; i < count; i += groups) {
      nextOf[group] = i;
      await bus.publish(destination, body, { binary: true, contentType: 'application/octet-stream', headers: { 'x-seq': `${tag}:${i}`, 'x-group': `g${group}` } });
    }
  };
  // Each group's sender is one lane; with more lanes than the window, lanes take turns in slices.
  const lanes = Array.from({ length: groups }, (_, g) => g);
  for (let start = 0; start < lanes.length; start += window) await Promise.all(lanes.slice(start, start + window).map((g) => worker(g)));
}

/** Resolves with elapsed ms when `count` distinct messages of this run arrived on `destination` (others, e.g. late copies of a warm-up, are skipped). */
async function timedRun(options: {
  producer: Bus;
  consumer: Bus;
  from: string;
  to: string;
  count: number;
  body: Buffer;
  window: number;
  groups: number;
  timeoutMs: number;
  /** Counts order breaks per group into this object. */
  breaks: { count: number };
}): Promise<number> {
  const seen = new Set<string>();
  const lastOf = new Map<string, number>();
  const tag = randomBytes(4).toString('hex');
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const subscription = await options.consumer.subscribe(
    options.to,
    async (message) => {
      const seq = message.headers['x-seq'];
      if (seq?.startsWith(`${tag}:`) !== true || seen.has(seq)) return;
      seen.add(seq);
      const n = Number(seq.slice(tag.length + 1));
      const group = message.headers['x-group'] ?? '';
      if ((lastOf.get(group) ?? -1) > n) options.breaks.count += 1;
      lastOf.set(group, Math.max(lastOf.get(group) ?? -1, n));
      if (seen.size >= options.count) done();
    },
    { prefetch: 200 },
  );
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([produce(options.producer, options.from, options.count, options.body, options.window, options.groups, tag), finished]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`benchmark run timed out with ${seen.size}/${options.count} messages`)), options.timeoutMs);
      }),
    ]);
    return Date.now() - started;
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
}

export async function measureBridgeThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const count = options.count ?? 2000;
  const bodyBytes = options.bodyBytes ?? 1024;
  const window = options.window ?? 32;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const logger = options.logger ?? silentLogger();
  const groups = options.groups ?? 32;
  const body = randomBytes(bodyBytes);
  const run = randomBytes(4).toString('hex');
  const endpointOf = (e: string | ThroughputEndpoint): ThroughputEndpoint => (typeof e === 'string' ? { urls: [e] } : e);
  const [sourceEndpoint, targetEndpoint] = [endpointOf(options.source), endpointOf(options.target)];
  const busOf = (name: string, e: ThroughputEndpoint): Bus => {
    const { login, passcode, ...config } = e;
    const parsed = parseRoutes({ endpoints: { [name]: config, other: { urls: ['memory'] } }, routes: [{ name: 'x', from: { endpoint: name, destination: 'a' }, to: { endpoint: 'other', destination: 'b' } }] });
    return connectEndpoint({ name, config: parsed.endpoints[name], login, passcode }, { logger });
  };
  const source = busOf('source', sourceEndpoint);
  const target = busOf('target', targetEndpoint);
  await Promise.all([source.connect(), target.connect()]);
  const breaks = { count: 0 };
  try {
    const warmup = options.warmup ?? 0;
    const rounds = options.rounds ?? 1;
    const runOn = (producer: Bus, consumer: Bus, from: string, to: string, n: number): Promise<number> =>
      timedRun({ producer, consumer, from, to, count: n, body, window, groups, timeoutMs, breaks });
    if (warmup > 0) {
      await runOn(source, source, `bench.warm.${run}`, `bench.warm.${run}`, warmup);
      await runOn(target, target, `bench.warm.${run}`, `bench.warm.${run}`, warmup);
    }
    // Credentials go through the environment, as in a routes file.
    const asRouteEndpoint = (side: 'SOURCE' | 'TARGET', e: ThroughputEndpoint): RoutesDocumentInput['endpoints'][string] => {
      const { login, passcode: _passcode, ...config } = e;
      return { ...config, ...(login === undefined ? {} : { loginEnv: `BENCH_${side}_LOGIN`, passcodeEnv: `BENCH_${side}_PASSCODE` }) };
    };
    const routes = parseRoutes({
      endpoints: { source: asRouteEndpoint('SOURCE', sourceEndpoint), target: asRouteEndpoint('TARGET', targetEndpoint) },
      routes: [
        {
          name: 'bench',
          from: { endpoint: 'source', destination: `bench.in.${run}` },
          to: { endpoint: 'target', destination: `bench.out.${run}` },
          prefetch: options.prefetch ?? 100,
          ...(options.order === undefined ? {} : { order: options.order }),
        },
      ],
    });
    const env = {
      BENCH_SOURCE_LOGIN: sourceEndpoint.login,
      BENCH_SOURCE_PASSCODE: sourceEndpoint.passcode,
      BENCH_TARGET_LOGIN: targetEndpoint.login,
      BENCH_TARGET_PASSCODE: targetEndpoint.passcode,
    };
    const bridge = createBridgeService({ routes, logger, registry: new Registry(), env });
    await bridge.start();
    const raw: number[] = [];
    const bridged: number[] = [];
    try {
      if (warmup > 0) await runOn(source, target, `bench.in.${run}`, `bench.out.${run}`, warmup);
      breaks.count = 0;
      // raw and bridged runs in turn, so that a slow spell of a shared machine hits both
      for (let i = 0; i < rounds; i++) {
        const rawBreaks = breaks.count;
        raw.push(await runOn(source, source, `bench.raw.${run}`, `bench.raw.${run}`, count));
        breaks.count = rawBreaks; // only the bridged runs' order counts
        bridged.push(await runOn(source, target, `bench.in.${run}`, `bench.out.${run}`, count));
      }
    } finally {
      await bridge.stop();
    }
    const rawMs = Math.min(...raw);
    const bridgedMs = Math.min(...bridged);
    const perSecond = (ms: number): number => Math.round((count * 1000) / ms);
    const rawPerSecond = Math.round((count * 1000) / rawMs);
    const bridgedPerSecond = Math.round((count * 1000) / bridgedMs);
    return {
      count,
      bodyBytes,
      rounds,
      rawPerSecond,
      bridgedPerSecond,
      ratio: Math.round((bridgedPerSecond / rawPerSecond) * 100) / 100,
      rawMs,
      bridgedMs,
      rawSlowestPerSecond: perSecond(Math.max(...raw)),
      bridgedSlowestPerSecond: perSecond(Math.max(...bridged)),
      orderBreaks: breaks.count,
    };
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}
