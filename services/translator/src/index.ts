export { createTranslatorService, type TranslatorService, type TranslatorServiceDeps } from './service';
export { createTranslator, type FileOutcome, type OutboundEncryptor, type TranslatorDeps } from './domain/translate-file';
export type { TranslatorMetrics } from './domain/metrics';
export { prometheusTranslatorMetrics } from './adapters/metrics';
export { fileControlNumbers } from './domain/control-numbers';
export { createPgpOutboundEncryptor } from './adapters/pgp-outbound';
export { translatorConfigSchema, loadTranslatorConfig, type TranslatorConfig } from './config';
