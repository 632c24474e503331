export { createTranslatorService, type TranslatorService, type TranslatorServiceDeps } from './service';
export { createTranslator, type FileOutcome, type OutboundEncryptor, type TranslatorDeps } from './domain/translate-file';
export { toDocument, type TranslatedDocument } from './domain/document';
export { fileControlNumbers } from './domain/control-numbers';
export { createPgpOutboundEncryptor } from './adapters/pgp-outbound';
export { translatorConfigSchema, loadTranslatorConfig, type TranslatorConfig } from './config';
