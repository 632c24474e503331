/**
 * Benchmark: bridged throughput of persistent messages (1 KB by default) against the raw
 * producer-to-consumer rate on one broker. Both runs use the same producer (receipts,
 * `window` sends in flight) and a consumer with client acks.
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { createBus, type Bus } from '@ediflow/bus';
import { silentLogger, type Logger } from '@ediflow/logger';
import { parseRoutes } from './adapters/routes-file';
import { createBridgeService } from './service';

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
  logger?: Logger;
}

export interface ThroughputResult {
  count: number;
  bodyBytes: number;
  /** Producer to consumer on the source broker alone, messages per second. */
  rawPerSecond: number;
  /** Producer on the source, through the bridge, to a consumer on the target, messages per second. */
  bridgedPerSecond: number;
  /** bridged / raw. */
  ratio: number;
  rawMs: number;
  bridgedMs: number;
}

async function produce(bus: Bus, destination: string, count: number, body: Buffer, window: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      await bus.publish(destination, body, { binary: true, contentType: 'application/octet-stream', headers: { 'x-seq': String(i) } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, () => worker()));
}

/** Resolves with elapsed ms when `count` distinct messages arrived on `destination`. */
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
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const subscription = await options.consumer.subscribe(
    options.to,
    async (message) => {
      seen.add(message.headers['x-seq']);
      if (seen.size >= options.count) done();
    },
    { prefetch: 200 },
  );
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([produce(options.producer, options.from, options.count, options.body, options.window), finished]),
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
    const rawMs = await timedRun({ producer: source, consumer: source, from: `bench.raw.${run}`, to: `bench.raw.${run}`, count, body, window, timeoutMs });

    const routes = parseRoutes({
      endpoints: { source: { urls: [options.sourceUrl] }, target: { urls: [options.targetUrl] } },
      routes: [{ name: 'bench', from: { endpoint: 'source', destination: `bench.in.${run}` }, to: { endpoint: 'target', destination: `bench.out.${run}` }, prefetch: options.prefetch ?? 100, order: options.order ?? 'group' }],
    });
    const bridge = createBridgeService({ routes, logger, registry: new Registry() });
    await bridge.start();
    let bridgedMs: number;
    try {
      bridgedMs = await timedRun({ producer: source, consumer: target, from: `bench.in.${run}`, to: `bench.out.${run}`, count, body, window, timeoutMs });
    } finally {
      await bridge.stop();
    }
    const rawPerSecond = Math.round((count * 1000) / rawMs);
    const bridgedPerSecond = Math.round((count * 1000) / bridgedMs);
    return { count, bodyBytes, rawPerSecond, bridgedPerSecond, ratio: Math.round((bridgedPerSecond / rawPerSecond) * 100) / 100, rawMs, bridgedMs };
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}
