import { commonEnvShape, envBoolean, envInt, loadConfig, z, type Env } from '@ediflow/config';
import { platformKeyEnvShape } from '@ediflow/platform-key';

export const ingestConfigSchema = z.object({
  ...commonEnvShape,
  /** The partner registry JSON document (see shared/partners). */
  PARTNERS_FILE: z.string().default('var/partners.json'),
  /** When set, the registry is read from this object-store key instead of PARTNERS_FILE (re-read when its ETag changes). */
  PARTNERS_OBJECT_KEY: z.string().optional(),
  ...platformKeyEnvShape,
  INGEST_POLL_INTERVAL_MS: envInt(1000, 50),
  INGEST_CONCURRENCY: envInt(4, 1),
  /** Largest decrypted file accepted, and the cap on decompression. */
  INGEST_MAX_FILE_BYTES: envInt(2 * 1024 ** 3, 1),
  /** Plaintext bytes per ciphertext byte past which a compressed file is a decompression bomb (checked from 1 MiB of plaintext). */
  INGEST_MAX_EXPANSION_RATIO: envInt(250, 2),
  /** Claim lease per file; a replica that dies holding a file is taken over after this long. */
  INGEST_CLAIM_LEASE_MS: envInt(60_000, 1000),
  /** How often the reconciler looks for received files that have no outcome yet. */
  INGEST_RECONCILE_INTERVAL_MS: envInt(60_000, 100),
  /** A received file with no outcome this long after receipt (or its last republish) has its FileReceived published again. */
  INGEST_RECONCILE_AFTER_MS: envInt(15 * 60_000, 100),
  /** Mount POST /v1/files (partner bearer tokens) on the service's HTTP port. */
  INGEST_HTTP_SUBMISSION: envBoolean(false),
  /** Embedded SFTP server (on-premises; AWS uses Transfer Family): listens only when SFTP_PORT is set. */
  SFTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SFTP_HOST: z.string().default('127.0.0.1'),
  /** Host key (OpenSSH private key); an ed25519 key is created there on first start. */
  SFTP_HOST_KEY_FILE: z.string().default('var/keys/sftp_host_ed25519'),
  /** Written into uploads' user-agent-id metadata as `<user>@<SFTP_SERVER_ID>`, like Transfer Family's server id. */
  SFTP_SERVER_ID: z.string().default('s-embedded'),
  /** A connection that has not logged in this long after it opened is closed. */
  SFTP_AUTH_TIMEOUT_MS: envInt(30_000, 100),
  /** SFTP connections at once, and from one address; more are closed at once. */
  SFTP_MAX_CONNECTIONS: envInt(100, 1),
  SFTP_MAX_CONNECTIONS_PER_ADDRESS: envInt(10, 1),
  /** Authentication requests one connection may make. */
  SFTP_MAX_AUTH_ATTEMPTS: envInt(6, 1),
});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;

export const loadIngestConfig = (env: Env): IngestConfig => loadConfig(ingestConfigSchema, env);
