import type { Registry } from 'prom-client';
import type { Bus } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { RegistrySource } from '@ediflow/partners';
import type { AlertSink } from '@ediflow/alerts';
import { createTranslator, type OutboundEncryptor } from './domain/translate-file';
import { createFileReceivedConsumer } from './entry-points/file-received-consumer';

export interface TranslatorServiceDeps {
  store: ObjectStore;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  partners: RegistrySource;
  alerts: AlertSink;
  encryptOutbound: OutboundEncryptor;
  clock?: () => Date;
  inlineLimitBytes?: number;
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
}

/** The translator service: the FileReceived consumer around the translation use case. */
export function createTranslatorService(deps: TranslatorServiceDeps) {
  const translator = createTranslator({ ...deps, clock: deps.clock ?? (() => new Date()) });
  const consumer = createFileReceivedConsumer(deps.bus, translator, {
    prefetch: deps.prefetch,
    maxAttempts: deps.maxAttempts,
    retryBaseDelayMs: deps.retryBaseDelayMs,
  });
  return { translate: translator.translate, start: consumer.start, stop: consumer.stop };
}

export type TranslatorService = ReturnType<typeof createTranslatorService>;
