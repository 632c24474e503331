import type { Registry } from 'prom-client';
import { DEFAULT_THREADS, TranslationThreads } from '@ediflow/hipaa';
import { createTranslator, type TranslatorDeps } from './domain/translate-file';
import { prometheusTranslatorMetrics } from './adapters/metrics';
import { createFileReceivedConsumer } from './entry-points/file-received-consumer';

export interface TranslatorServiceDeps extends Omit<TranslatorDeps, 'clock' | 'metrics' | 'threads'> {
  /** Threads that translate the sets of large files (the service's own among them; 1: only it; 0 or unset: DEFAULT_THREADS), kept for the service's life. */
  threads?: number;
  clock?: () => Date;
  /** The process's Prometheus registry: the translator's counters go there. */
  registry: Registry;
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
}

/** The translator service: the FileReceived consumer around the translation use case. */
export function createTranslatorService(deps: TranslatorServiceDeps) {
  const size = deps.threads === undefined || deps.threads === 0 ? DEFAULT_THREADS : deps.threads;
  const threads = size > 1 ? new TranslationThreads(size) : undefined;
  const translator = createTranslator({ ...deps, threads, metrics: prometheusTranslatorMetrics(deps.registry), clock: deps.clock ?? (() => new Date()) });
  const consumer = createFileReceivedConsumer(deps.bus, translator, {
    prefetch: deps.prefetch,
    maxAttempts: deps.maxAttempts,
    retryBaseDelayMs: deps.retryBaseDelayMs,
  });
  return {
    translate: translator.translate,
    start: consumer.start,
    async stop(): Promise<void> {
      await consumer.stop();
      await threads?.close();
    },
  };
}

export type TranslatorService = ReturnType<typeof createTranslatorService>;
