import type { Registry } from 'prom-client';
import { MemoryBus, type Bus } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { RegistrySource } from '@ediflow/partners';
import { createLogAlerts, type AlertSink } from '@ediflow/alerts';
import type { PrivateKey } from '@ediflow/pgp';
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
  bucket: string;
  pollIntervalMs?: number;
  maxFileBytes?: number;
  inlineLimitBytes?: number;
  translatorRetryBaseDelayMs?: number;
  notifier?: Partial<NotifierSettings>;
  /** How long stop() waits for the in-memory bus to empty. */
  drainTimeoutMs?: number;
}

/**
 * ingest -> translator -> notifier in one process over the given bus and store: what
 * `npm start` runs, and what the end-to-end tests run against real ActiveMQ and S3.
 * Each service is the same factory its own Fargate main.ts uses.
 */
export function createPipeline(deps: PipelineDeps) {
  const alerts = deps.alerts ?? createLogAlerts(deps.logger);
  const maxFileBytes = deps.maxFileBytes ?? 2 * 1024 ** 3;
  const ingest = createIngestService({
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger.child({ component: 'ingest' }),
    registry: deps.registry,
    partners: deps.partners,
    alerts,
    decryptor: createPgpDecryptor({ privateKey: deps.platformKey, maxDecompressedBytes: maxFileBytes }),
    bucket: deps.bucket,
    maxFileBytes,
    pollIntervalMs: deps.pollIntervalMs ?? 250,
    concurrency: 4,
    inlineLimitBytes: deps.inlineLimitBytes,
  });
  const translator = createTranslatorService({
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger.child({ component: 'translator' }),
    registry: deps.registry,
    partners: deps.partners,
    alerts,
    encryptOutbound: createPgpOutboundEncryptor(deps.platformKey),
    inlineLimitBytes: deps.inlineLimitBytes,
    prefetch: 2,
    maxAttempts: 5,
    retryBaseDelayMs: deps.translatorRetryBaseDelayMs ?? 500,
  });
  const notifier = createNotifier({
    bus: deps.bus,
    store: deps.store,
    logger: deps.logger,
    registry: deps.registry,
    subscriptions: deps.subscriptions,
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
     * Stop taking files first, then drain downstream. The in-memory bus keeps nothing
     * across a restart, so it is emptied (bounded) before its consumers stop; a broker
     * keeps unconsumed messages itself.
     */
    async stop(): Promise<void> {
      await ingest.stop();
      if (deps.bus instanceof MemoryBus && !(await deps.bus.drain(deps.drainTimeoutMs ?? 15_000))) {
        deps.logger.warn('in-memory bus not empty at shutdown; undelivered messages are dropped');
      }
      await translator.stop();
      await notifier.stop();
    },
  };
}

export type Pipeline = ReturnType<typeof createPipeline>;
