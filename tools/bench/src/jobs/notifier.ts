import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { MemoryBus } from '@ediflow/bus';
import { silentLogger } from '@ediflow/logger';
import { DESTINATIONS, contentDigestOf, publishEnvelope, transactionIdFor, type Envelope } from '@ediflow/messages';
import { createNotifier, envSecretReader, parseSubscriptions } from '@ediflow/notifier';
import { EmbeddedObjectStore } from '@ediflow/store';
import { startSink } from './sink';
import type { Job } from './types';

const SECRET = `whsec_${Buffer.from('bench-notifier-hmac-secret-32byt').toString('base64')}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The notifier with a MemoryBus and an embedded store, HMAC-signed 1 KB callbacks to a local sink.
 * `count` TransactionTranslated messages are published as fast as the bus takes them; the rate is
 * messages received by the healthy sink / seconds from the first publish to the last receipt, and
 * latency is publish -> sink receipt per message. With `slowEndpoint`, a second subscription
 * (same messages) answers every callback after `slowDelayMs`.
 */
export const notifierCallbacks: Job = async (params) => {
  const count = params.count as number;
  const slow = params.slowEndpoint === true;
  const slowDelayMs = (params.slowDelayMs as number | undefined) ?? 2000;
  const concurrency = (params.concurrency as number | undefined) ?? 16;
  /** Offered load: publish at this rate (one producer) instead of as fast as possible. */
  const rate = params.ratePerSecond as number | undefined;
  const root = await mkdtemp(join(tmpdir(), 'bench-notifier-'));
  const store = new EmbeddedObjectStore({ root });
  const bus = new MemoryBus();
  await bus.connect();
  const healthy = await startSink(0);
  const sluggish = slow ? await startSink(slowDelayMs) : undefined;
  const sub = (id: string, url: string): Record<string, unknown> => ({ id, partnerId: 'bench', url, auth: [{ type: 'hmac', secrets: [{ env: 'BENCH_HOOK_SECRET' }] }] });
  const subscriptions = parseSubscriptions(
    { version: 1, subscriptions: [sub('healthy', healthy.url), ...(sluggish ? [sub('slow', sluggish.url)] : [])] },
    envSecretReader({ BENCH_HOOK_SECRET: SECRET }),
  );
  const notifier = createNotifier({
    bus,
    store,
    logger: silentLogger(),
    registry: new Registry(),
    subscriptions,
    settings: { concurrency, fanoutPrefetch: 200, timeoutMs: slowDelayMs + 8000, circuitFailureThreshold: 1000 },
  });
  await notifier.start();
  // ~1 KB envelope: a claim-like body padded to size.
  const filler = 'x'.repeat(760);
  const published = new Map<string, number>();
  let envelopeBytes = 0;
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push(transactionIdFor({ partnerId: 'bench', interchangeControlNumber: `B${i}`, groupControlNumber: '1', transactionControlNumber: String(1000 + i), transactionIndex: 1, contentDigest: contentDigestOf(Buffer.from(String(i))) }));
    const started = performance.now();
    let next = 0;
    const producer = async (): Promise<void> => {
      while (next < count) {
        const i = next;
        next += 1;
        const envelope: Envelope = {
          type: 'TransactionTranslated',
          version: 1,
          id: ids[i],
          fileId: 'file-bench',
          partnerId: 'bench',
          occurredAt: new Date().toISOString(),
          body: { transactionSet: '837', claim: { patientControlNumber: `PCN${i}`, totalCharge: 100 + i, note: filler } },
        };
        envelopeBytes = Buffer.byteLength(JSON.stringify(envelope));
        if (rate !== undefined) {
          const due = started + (i * 1000) / rate;
          const ahead = due - performance.now();
          if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
        }
        published.set(ids[i], performance.now());
        await publishEnvelope({ bus, store }, DESTINATIONS.transactionTranslated, envelope);
      }
    };
    await Promise.all(Array.from({ length: rate === undefined ? 8 : 1 }, () => producer()));
    const deadline = Date.now() + 120_000;
    while (healthy.received.size < count) {
      if (Date.now() > deadline) throw new Error(`notifier bench timed out: ${healthy.received.size}/${count} callbacks`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (Math.max(...healthy.received.values()) - started) / 1000;
    const latencies = ids.map((id) => (healthy.received.get(id) as number) - (published.get(id) as number)).sort((a, b) => a - b);
    return {
      seconds,
      bytes: count * envelopeBytes,
      envelopeBytes,
      count,
      perSecond: count / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      slowReceived: sluggish?.received.size ?? 0,
    };
  } finally {
    // The slow endpoint's backlog is abandoned: stop() waits only for the callbacks in flight.
    await notifier.stop();
    await bus.close();
    await healthy.close();
    await sluggish?.close();
    await rm(root, { recursive: true, force: true });
  }
};
