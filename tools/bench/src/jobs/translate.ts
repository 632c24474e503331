import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elapsed, type Job } from './types';

/** The partner a translator run is for (as the registry holds it). */
export interface BenchPartner {
  split?: 'transaction' | 'claim';
  lenient?: boolean;
  acknowledgments?: string[];
}

/**
 * The translator service's file path as it runs on a FileReceived, in the checkout `root` (this
 * one or the build the bench compares with): its createTranslator on an embedded store holding
 * the file, a bus that takes every message and keeps nothing (bodies inline, never claim-checked),
 * and one partner, with the translation threads the service keeps (where the checkout has them). Timed: translate() of the message (both reads of the file, the guide checks,
 * the documents, publishing, the acknowledgments and the outcome written to the store). Loads
 * that checkout's modules only; `storeRoot`: a store that holds the file (translatorStore).
 */
export const translatorFile: Job = async (params) => {
  const file = params.file as string;
  const root = params.root as string;
  const partner = (params.partner ?? {}) as BenchPartner;
  const load = createRequire(join(root, 'package.json'));
  // the modules of the checkout being measured (this one or the build before), resolved from its root
  const translatorModule = load('@ediflow/translator') as Record<string, (...args: unknown[]) => unknown>;
  const { EmbeddedObjectStore } = load('@ediflow/store') as {
    EmbeddedObjectStore: new (s: { root: string }) => {
      put(key: string, body: unknown): Promise<unknown>;
      head(key: string): Promise<unknown>;
      list(prefix: string): AsyncIterable<{ key: string }>;
      delete(key: string): Promise<void>;
    };
  };
  const { createLogger, memoryDestination } = load('@ediflow/logger') as { createLogger: (s: unknown) => unknown; memoryDestination: () => unknown };
  const { createLogAlerts } = load('@ediflow/alerts') as { createLogAlerts: (l: unknown) => unknown };
  const { parseRegistry, staticRegistry } = load('@ediflow/partners') as { parseRegistry: (j: unknown) => unknown; staticRegistry: (r: unknown) => unknown };
  const { Registry } = load('prom-client') as { Registry: new () => unknown };
  const { KEYS } = load('@ediflow/messages') as { KEYS: { source: (fileId: string) => string } };
  // the translation threads the service keeps (TRANSLATOR_THREADS at its default), where the checkout has them
  const { TranslationThreads } = load('@ediflow/hipaa') as { TranslationThreads?: new () => { close(): Promise<void> } };
  const threads = TranslationThreads === undefined ? undefined : new TranslationThreads();
  // a store that holds the file already (prepared once for every run, so that a run's peak RSS is the translator's), or a new one
  const dir = (params.storeRoot as string | undefined) ?? mkdtempSync(join(tmpdir(), 'bench-translator-'));
  try {
    const store = new EmbeddedObjectStore({ root: dir });
    const sourceKey = KEYS.source('bench');
    if ((await store.head(sourceKey)) === undefined) await store.put(sourceKey, createReadStream(file, { highWaterMark: 1024 * 1024 }));
    // what an earlier run of the store left (the file's outcome, its acknowledgments, the interchange register) goes:
    // with the outcome there, translate() would answer from it and publish nothing (idempotent, as the service is)
    const left: string[] = [];
    for await (const o of store.list('')) if (o.key !== sourceKey) left.push(o.key);
    for (const key of left) await store.delete(key);
    let messages = 0;
    let bodyBytes = 0;
    const bus = {
      connect: async () => undefined,
      publish: async (_destination: string, body: string | Buffer) => {
        messages++;
        bodyBytes += typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      },
      subscribe: async () => ({ unsubscribe: async () => undefined }),
      isConnected: () => true,
      close: async () => undefined,
    };
    const logger = createLogger({ service: 'bench', level: 'warn', destination: memoryDestination() });
    const registry = new Registry();
    const translator = translatorModule.createTranslator({
      store,
      bus,
      logger,
      // this checkout's counters port, or (the build before it) the registry it made its counters in
      registry,
      ...(translatorModule.prometheusTranslatorMetrics === undefined ? {} : { metrics: translatorModule.prometheusTranslatorMetrics(registry) }),
      partners: staticRegistry(parseRegistry({
        version: 1,
        partners: [{ id: 'bench', name: 'Bench', isaSenders: [{ qualifier: 'ZZ', id: 'BENCHSUBMITTER' }], requireSignature: false, allowPlaintext: true, acknowledgments: ['999'], ...partner }],
      })),
      alerts: createLogAlerts(logger),
      encryptOutbound: async (_partner: unknown, plain: Uint8Array) => ({ bytes: plain, suffix: '' }),
      clock: () => new Date('2026-01-01T00:00:00Z'),
      inlineLimitBytes: Number.MAX_SAFE_INTEGER,
      ...(threads === undefined ? {} : { threads }),
    }) as { translate(m: unknown): Promise<{ state: string; transactions: { accepted: number; rejected: number }; claimsHeldBack: number }> };
    const message = {
      type: 'FileReceived', version: 1, id: 'bench', fileId: 'bench', partnerId: 'bench', occurredAt: '2026-01-01T00:00:00.000Z',
      body: { sourceKey, size: statSync(file).size, channel: 'bench' },
    };
    const start = process.hrtime.bigint();
    const outcome = await translator.translate(message);
    const seconds = elapsed(start);
    if (outcome.state !== 'translated' || outcome.transactions.rejected > 0 || messages === 0) {
      throw new Error(`the translator ${outcome.state} the file: ${outcome.transactions.accepted} sets accepted, ${outcome.transactions.rejected} rejected, ${messages} messages`);
    }
    return { seconds, bytes: statSync(file).size, sets: outcome.transactions.accepted, documents: messages, bodyBytes, claimsHeldBack: outcome.claimsHeldBack };
  } finally {
    await threads?.close();
    if (params.storeRoot === undefined) rmSync(dir, { recursive: true, force: true });
  }
};

/** Puts the file into an embedded store of this checkout at `storeRoot` (what translatorFile runs read). */
export const translatorStore: Job = async (params) => {
  const file = params.file as string;
  const { EmbeddedObjectStore } = await import('@ediflow/store');
  const { KEYS } = await import('@ediflow/messages');
  const start = process.hrtime.bigint();
  await new EmbeddedObjectStore({ root: params.storeRoot as string }).put(KEYS.source('bench'), createReadStream(file, { highWaterMark: 1024 * 1024 }));
  return { seconds: elapsed(start), bytes: statSync(file).size };
};
