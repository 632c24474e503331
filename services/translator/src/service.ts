import { noTracking, type TrackingEmitter } from '@ediflow/tracking';
import { createTranslator, type TranslatorDeps } from './domain/translate-file';
import { createFileReceivedConsumer } from './entry-points/file-received-consumer';

export interface TranslatorServiceDeps extends Omit<TranslatorDeps, 'clock' | 'tracking'> {
  clock?: () => Date;
  /** Where files, sets and claims are recorded (the tracking service); nowhere when omitted. */
  tracking?: TrackingEmitter;
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
}

/** The translator service: the FileReceived consumer around the translation use case. */
export function createTranslatorService(deps: TranslatorServiceDeps) {
  const translator = createTranslator({ ...deps, clock: deps.clock ?? (() => new Date()), tracking: deps.tracking ?? noTracking });
  const consumer = createFileReceivedConsumer(deps.bus, translator, {
    prefetch: deps.prefetch,
    maxAttempts: deps.maxAttempts,
    retryBaseDelayMs: deps.retryBaseDelayMs,
  });
  return { translate: translator.translate, start: consumer.start, stop: consumer.stop };
}

export type TranslatorService = ReturnType<typeof createTranslatorService>;
