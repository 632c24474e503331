/**
 * Benchmark: bridged throughput of persistent messages (1 KB by default) against the raw
 * producer-to-consumer rate on one broker. Both runs use the same producer (receipts,
 * `window` sends in flight) and a consumer with client acks.
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { createBus, type Bus } from '@ediflow/bus';
import { silentLogger, type Logger } from '@ediflow/logger';
import { createBridgeService, parseRoutes } from '@ediflow/bridge';

export interface ThroughputOptions {
  /** Source broker (STOMP URL); the raw rate is measured here. */
  sourceUrl: string;
  /** Target broker (STOMP URL). */
  targetUrl: string;
  /** Messages per run; default 2000. */
  count?: number;
  /** Body size in bytes; default 1024. */
  bodyBytes?: number;
  /** Producer sends in flight at once; default 32. */
  window?: number;
  /** Bridge route prefetch; default 100. */
  prefetch?: number;
  /** Route ordering: "all" (one send at a time, source order) or "group" (default here: the messages carry no group, so all in parallel). */
  order?: 'all' | 'group';
  /** Bound for each run; default 120 s. */
  timeoutMs?: number;
  /**
   * Messages sent untimed first, raw on each broker and through the bridge, so that the timed runs
   * do not measure the brokers' JIT warm-up (which otherwise slows whichever run comes first); default 0.
   */
  warmup?: number;
  /** Raw and bridged runs in turn this many times; the result is the median of each. Default 1. */
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
  /** Median ms of the raw and of the bridged runs. */
  rawMs: number;
  bridgedMs: number;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

async function produce(bus: Bus, destination: string, count: number, body: Buffer, window: number, tag: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      await bus.publish(destination, body, { binary: true, contentType: 'application/octet-stream', headers: { 'x-seq': `${tag}:${i}` } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, () => worker()));
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
  timeoutMs: number;
}): Promise<number> {
  const seen = new Set<string>();
  const tag = randomBytes(4).toString('hex');
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const subscription = await options.consumer.subscribe(
    options.to,
    async (message) => {
      const seq = message.headers['x-seq'];
      if (seq?.startsWith(`${tag}:`) !== true) return;
      seen.add(seq);
      if (seen.size >= options.count) done();
    },
    { prefetch: 200 },
  );
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([produce(options.producer, options.from, options.count, options.body, options.window, tag), finished]),
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
  const body = randomBytes(bodyBytes);
  const run = randomBytes(4).toString('hex');
  const source = createBus(options.sourceUrl, { logger });
  const target = createBus(options.targetUrl, { logger });
  await Promise.all([source.connect(), target.connect()]);
  try {
    const warmup = options.warmup ?? 0;
    const rounds = options.rounds ?? 1;
    const runOn = (producer: Bus, consumer: Bus, from: string, to: string, n: number): Promise<number> =>
      timedRun({ producer, consumer, from, to, count: n, body, window, timeoutMs });
    if (warmup > 0) {
      await runOn(source, source, `bench.warm.${run}`, `bench.warm.${run}`, warmup);
      await runOn(target, target, `bench.warm.${run}`, `bench.warm.${run}`, warmup);
    }
    const routes = parseRoutes({
      endpoints: { source: { urls: [options.sourceUrl] }, target: { urls: [options.targetUrl] } },
      routes: [{ name: 'bench', from: { endpoint: 'source', destination: `bench.in.${run}` }, to: { endpoint: 'target', destination: `bench.out.${run}` }, prefetch: options.prefetch ?? 100, order: options.order ?? 'group' }],
    });
    const bridge = createBridgeService({ routes, logger, registry: new Registry() });
    await bridge.start();
    const raw: number[] = [];
    const bridged: number[] = [];
    try {
      if (warmup > 0) await runOn(source, target, `bench.in.${run}`, `bench.out.${run}`, warmup);
      // raw and bridged runs in turn, so that a slow spell of a shared machine hits both
      for (let i = 0; i < rounds; i++) {
        raw.push(await runOn(source, source, `bench.raw.${run}`, `bench.raw.${run}`, count));
        bridged.push(await runOn(source, target, `bench.in.${run}`, `bench.out.${run}`, count));
      }
    } finally {
      await bridge.stop();
    }
    const rawMs = median(raw);
    const bridgedMs = median(bridged);
    const rawPerSecond = Math.round((count * 1000) / rawMs);
    const bridgedPerSecond = Math.round((count * 1000) / bridgedMs);
    return { count, bodyBytes, rounds, rawPerSecond, bridgedPerSecond, ratio: Math.round((bridgedPerSecond / rawPerSecond) * 100) / 100, rawMs, bridgedMs };
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}
