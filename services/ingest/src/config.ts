import { commonEnvShape, envInt, loadConfig, z, type Env } from '@ediflow/config';

export const ingestConfigSchema = z.object({
  ...commonEnvShape,
  /** The partner registry JSON document (see shared/partners). */
  PARTNERS_FILE: z.string().default('var/partners.json'),
  /** Our PGP private key (armored); partners encrypt to its public half. */
  PGP_PRIVATE_KEY_FILE: z.string().default('var/keys/platform.key.asc'),
  PGP_PASSPHRASE: z.string().optional(),
  INGEST_POLL_INTERVAL_MS: envInt(1000, 50),
  INGEST_CONCURRENCY: envInt(4, 1),
  /** Largest decrypted file accepted, and the cap on decompression. */
  INGEST_MAX_FILE_BYTES: envInt(2 * 1024 ** 3, 1),
  /** SNS topic for quarantine alerts; alerts go to the log when unset. */
  ALERT_TOPIC_ARN: z.string().optional(),
});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;

export const loadIngestConfig = (env: Env): IngestConfig => loadConfig(ingestConfigSchema, env);
