import { commonEnvShape, envInt, loadConfig, z, type Env } from '@ediflow/config';

/** Environment of the tracking service (and of tracking inside `npm start`). Names and defaults are in README.md. */
export const trackingEnvShape = {
  /** postgres://user@host:port/db (Amazon RDS / Aurora); unset: the embedded database in TRACKING_DIR. */
  TRACKING_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
  TRACKING_DATABASE_SSL: z.enum(['disable', 'require', 'verify']).default('verify'),
  /** PEM bundle to trust for TLS (the RDS CA bundle); the system's CAs when unset. */
  TRACKING_DATABASE_CA_FILE: z.string().optional(),
  /** Password (Secrets Manager injects it); otherwise the URL's, or IAM. */
  TRACKING_DATABASE_PASSWORD: z.string().optional(),
  /** IAM database authentication in this region: a fresh RDS auth token per connection. */
  TRACKING_DATABASE_IAM_REGION: z.string().optional(),
  TRACKING_DATABASE_POOL_SIZE: envInt(10, 1),
  /** Folder of the embedded database (PGlite) when TRACKING_DATABASE_URL is unset. */
  TRACKING_DIR: z.string().default('var/tracking'),
  /** Bearer token (32+ characters) of the tracking API; the API is off when unset. */
  TRACKING_API_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Rows older than this many days are deleted. */
  TRACKING_RETENTION_DAYS: envInt(400, 1),
  /** How often the purge (and the matching of late payer statuses) runs. */
  TRACKING_MAINTENANCE_INTERVAL_MS: envInt(3_600_000, 1000),
};

export const trackingConfigSchema = z.object({ ...commonEnvShape, ...trackingEnvShape });
export type TrackingConfig = z.infer<typeof trackingConfigSchema>;
export const loadTrackingConfig = (env: Env): TrackingConfig => loadConfig(trackingConfigSchema, env);

/** The database the configuration names. */
export function databaseSettings(c: Pick<TrackingConfig, keyof typeof trackingEnvShape>): { kind: 'embedded'; dir: string } | { kind: 'postgres'; url: string; ssl: 'disable' | 'require' | 'verify'; caFile?: string; password?: string; iamRegion?: string; poolSize: number } {
  if (c.TRACKING_DATABASE_URL === undefined) return { kind: 'embedded', dir: c.TRACKING_DIR };
  return {
    kind: 'postgres',
    url: c.TRACKING_DATABASE_URL,
    ssl: c.TRACKING_DATABASE_SSL,
    caFile: c.TRACKING_DATABASE_CA_FILE,
    password: c.TRACKING_DATABASE_PASSWORD,
    iamRegion: c.TRACKING_DATABASE_IAM_REGION,
    poolSize: c.TRACKING_DATABASE_POOL_SIZE,
  };
}
