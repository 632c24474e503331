export { createIngestService, type IngestService, type IngestServiceDeps } from './service';
export { createIngest, type IngestDeps, type IngestOutcome, type FileRecord } from './domain/ingest-file';
export { QUARANTINE_CODES, parseInboundKey, readIsaSender } from './domain/inbound';
export type { Decryptor, DecryptResult } from './domain/ports';
export { createPgpDecryptor } from './adapters/pgp-decryptor';
export { ingestConfigSchema, loadIngestConfig, type IngestConfig } from './config';
