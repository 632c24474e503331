import type { Registry } from 'prom-client';
import { MemoryBus, type Bus } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { RegistrySource } from '@ediflow/partners';
import { createLogAlerts, type AlertSink } from '@ediflow/alerts';
import type { PrivateKey } from '@ediflow/pgp';
import type { TrackingEmitter } from '@ediflow/tracking';
import { createIngestService, createPgpDecryptor } from '@ediflow/ingest';
import { createPgpOutboundEncryptor, createTranslatorService } from '@ediflow/translator';
import { createNotifier, type NotifierSettings, type SubscriptionsDocument } from '@ediflow/notifier';

export interface PipelineDeps {
  bus: Bus;
  store: ObjectStore;
  logger: Logger;
  registry: Registry;
  partners: RegistrySource;
  /** The platform's PGP private key: decrypts partner files, signs what goes back. */
  platformKey: PrivateKey;
  subscriptions: SubscriptionsDocument;
  alerts?: AlertSink;
  /** Where files, sets, claims and callbacks are recorded (the tracking service); nowhere when omitted. */
  tracking?: TrackingEmitter;
  bucket: string;
  inlineLimitBytes?: number;
  ingest?: Partial<IngestSettings>;
  translator?: Partial<TranslatorSettings>;
  notifier?: Partial<NotifierSettings>;
  /** How long stop() waits for the in-memory bus to empty. */
  drainTimeoutMs?: number;
}

/** Ingest's knobs in one process (`npm start` takes them from the INGEST_* variables). */
export interface IngestSettings {
  pollIntervalMs: number;
  concurrency: number;
  maxFileBytes: number;
  /** Plaintext bytes per ciphertext byte that make a decompression bomb. */
  maxExpansionRatio: number;
  claimLeaseMs: number;
  reconcileIntervalMs: number;
  reconcileAfterMs: number;
  /** How long stopping ingest waits for files in progress before it releases them. */
  stopTimeoutMs: number;
}

export interface TranslatorSettings {
  prefetch: number;
  /** Threads that translate the sets of large files (the service's own among them; 1: only it; 0 or unset: hipaa's DEFAULT_THREADS). */
  threads?: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
}

const INGEST_DEFAULTS: IngestSettings = {
  pollIntervalMs: 250,
  concurrency: 4,
  maxFileBytes: 2 * 1024 ** 3,
  maxExpansionRatio: 250,
  claimLeaseMs: 60_000,
  reconcileIntervalMs: 60_000,
  reconcileAfterMs: 15 * 60_000,
  stopTimeoutMs: 8_000,
};

const TRANSLATOR_DEFAULTS: TranslatorSettings = { prefetch: 2, maxAttempts: 5, retryBaseDelayMs: 500 };

/**
 * ingest -> translator -> notifier in one process over the given bus and store: what
 * `npm start` runs, and what the end-to-end tests run against real ActiveMQ and S3.
 * Each service is the same factory its own Fargate main.ts uses.
 */
export function createPipeline(deps: PipelineDeps) {
  const alerts = deps.alerts ?? createLogAlerts(deps.logger);
  const ing = { ...INGEST_DEFAULTS, ...deps.ingest };
  const tr = { ...TRANSLATOR_DEFAULTS, ...deps.translator };
  const ingest = createIngestService({
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger.child({ component: 'ingest' }),
    registry: deps.registry,
    partners: deps.partners,
    alerts,
    tracking: deps.tracking,
    decryptor: createPgpDecryptor({ privateKey: deps.platformKey, maxDecompressedBytes: ing.maxFileBytes, maxExpansionRatio: ing.maxExpansionRatio }),
    bucket: deps.bucket,
    maxFileBytes: ing.maxFileBytes,
    pollIntervalMs: ing.pollIntervalMs,
    concurrency: ing.concurrency,
    claimLeaseMs: ing.claimLeaseMs,
    reconcileIntervalMs: ing.reconcileIntervalMs,
    reconcileAfterMs: ing.reconcileAfterMs,
    inlineLimitBytes: deps.inlineLimitBytes,
    stopTimeoutMs: ing.stopTimeoutMs,
  });
  const translator = createTranslatorService({
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger.child({ component: 'translator' }),
    registry: deps.registry,
    partners: deps.partners,
    alerts,
    tracking: deps.tracking,
    encryptOutbound: createPgpOutboundEncryptor(deps.platformKey),
    inlineLimitBytes: deps.inlineLimitBytes,
    prefetch: tr.prefetch,
    ...(tr.threads === undefined ? {} : { threads: tr.threads }),
    maxAttempts: tr.maxAttempts,
    retryBaseDelayMs: tr.retryBaseDelayMs,
  });
  const notifier = createNotifier({
    bus: deps.bus,
    store: deps.store,
    logger: deps.logger,
    registry: deps.registry,
    subscriptions: deps.subscriptions,
    tracking: deps.tracking,
    settings: { retryBaseDelayMs: 250, ...deps.notifier },
  });
  return {
    ingest,
    translator,
    notifier,
    /** Consumers first, then the poller that feeds them. */
    async start(): Promise<void> {
      await notifier.start();
      await translator.start();
      await ingest.start();
    },
    /**
     * Stop taking files first, then the consumers. A broker or the embedded bus's journal keeps
     * what is not acknowledged, and a handler cut short by the stop bound leaves its message to
     * be delivered again after a restart. Only the journal-less memory bus (tests) keeps
     * nothing, so it is emptied (bounded) first.
     */
    async stop(): Promise<void> {
      await ingest.stop();
      if (deps.bus instanceof MemoryBus && !deps.bus.durable && !(await deps.bus.drain(deps.drainTimeoutMs ?? 15_000))) {
        deps.logger.warn('in-memory bus not empty at shutdown; undelivered messages are dropped');
      }
      await Promise.all([translator.stop(), notifier.stop()]);
    },
  };
}

export type Pipeline = ReturnType<typeof createPipeline>;
