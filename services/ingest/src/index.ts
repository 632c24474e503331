// The ingest service: pipeline, replicas' claim protocol, entry points (poller, SFTP, HTTP) and operator functions.
export { createIngestService, type IngestService, type IngestServiceDeps, type ClaimedOutcome } from './service';
export {
  createIngest,
  cipherLimitFor,
  type IngestDeps,
  type IngestOutcome,
  type FileRecord,
  type ProcessOptions,
  type QuarantineReason,
} from './domain/ingest-file';
export { QUARANTINE_CODES, USER_AGENT_ID_METADATA, parseInboundKey, readIsaParties, sftpUserOf } from './domain/inbound';
export { EnvelopeScanner, EnvelopeUnreadableError, type InterchangeParties, type GroupParties } from './domain/envelope-scan';
export { createClaims, claimKey, CLAIMS_PREFIX, LeaseLostError, type Claims, type ClaimResult, type Lease, type LeaseRecord } from './domain/claims';
export type { Decryptor, DecryptResult } from './domain/ports';
export type { IngestMetrics } from './domain/metrics';
export { prometheusIngestMetrics } from './adapters/metrics';
export { createPgpDecryptor } from './adapters/pgp-decryptor';
export { onboardPartner, homeDirectoryMappings, type OnboardingSettings, type OnboardingReport, type OnboardedUser } from './adapters/transfer-onboarding';
export {
  validateRegistryText,
  validateRegistryFile,
  summarisePartners,
  formatPartnerTable,
  type RegistryReport,
  type PartnerSummary,
} from './adapters/registry-check';
export { createSubmissionRouter, type SubmissionRouterOptions } from './entry-points/http-submission';
export { startSftpServer, ensureSftpHostKey, generateSshKeyPair, type SftpServer, type SftpServerOptions } from './entry-points/sftp-server';
export { ingestConfigSchema, loadIngestConfig, type IngestConfig } from './config';
