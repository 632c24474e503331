import type { Registry } from 'prom-client';
import { createTranslator, type TranslatorDeps } from './domain/translate-file';
import { prometheusTranslatorMetrics } from './adapters/metrics';
import { createFileReceivedConsumer } from './entry-points/file-received-consumer';

export interface TranslatorServiceDeps extends Omit<TranslatorDeps, 'clock' | 'metrics'> {
  clock?: () => Date;
  /** The process's Prometheus registry: the translator's counters go there. */
  registry: Registry;
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
}

/** The translator service: the FileReceived consumer around the translation use case. */
export function createTranslatorService(deps: TranslatorServiceDeps) {
  const translator = createTranslator({ ...deps, metrics: prometheusTranslatorMetrics(deps.registry), clock: deps.clock ?? (() => new Date()) });
  const consumer = createFileReceivedConsumer(deps.bus, translator, {
    prefetch: deps.prefetch,
    maxAttempts: deps.maxAttempts,
    retryBaseDelayMs: deps.retryBaseDelayMs,
  });
  return { translate: translator.translate, start: consumer.start, stop: consumer.stop };
}

export type TranslatorService = ReturnType<typeof createTranslatorService>;
