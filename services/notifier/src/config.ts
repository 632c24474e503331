import { commonEnvShape, envInt, loadConfig, z, type Env } from '@ediflow/config';
import { DESTINATIONS } from '@ediflow/messages';
import type { NotifierSettings } from './notifier';

/** Environment of the notifier service. Names and defaults are listed in README.md. */
export const notifierConfigSchema = z.object({
  ...commonEnvShape,
  /** The partner registry whose `subscriptions` the notifier delivers to (as ingest and translator read it). */
  PARTNERS_FILE: z.string().default('var/partners.json'),
  /** When set, the registry is read from this object-store key instead of PARTNERS_FILE. */
  PARTNERS_OBJECT_KEY: z.string().optional(),
  /** A separate subscriptions document (each subscription with its partnerId) used instead of the registry's. */
  NOTIFIER_SUBSCRIPTIONS_FILE: z.string().min(1).optional(),
  NOTIFIER_MAX_ATTEMPTS: envInt(8, 1),
  NOTIFIER_MAX_AGE_MS: envInt(24 * 60 * 60_000, 1),
  NOTIFIER_RETRY_BASE_MS: envInt(1000, 0),
  NOTIFIER_RETRY_MAX_MS: envInt(5 * 60_000, 0),
  NOTIFIER_TIMEOUT_MS: envInt(10_000, 1),
  NOTIFIER_CONCURRENCY: envInt(4, 1),
  NOTIFIER_CIRCUIT_FAILURES: envInt(5, 1),
  NOTIFIER_CIRCUIT_OPEN_MS: envInt(30_000, 1),
  NOTIFIER_FANOUT_PREFETCH: envInt(20, 1),
  NOTIFIER_INPUT_QUEUE: z.string().min(1).default(DESTINATIONS.transactionTranslated),
  NOTIFIER_ALERT_INTERVAL_MS: envInt(5 * 60_000, 0),
  /** Bearer token for the dead-letter endpoint; the endpoint is off when unset. */
  NOTIFIER_REPLAY_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
});

export type NotifierConfig = z.infer<typeof notifierConfigSchema>;

/** Pure: validates the environment (throws ConfigError naming variables, never values). */
export function loadNotifierConfig(env: Env): NotifierConfig {
  return loadConfig(notifierConfigSchema, env);
}

/** The delivery settings from a loaded config. */
export function settingsFromConfig(c: NotifierConfig): NotifierSettings {
  return {
    maxAttempts: c.NOTIFIER_MAX_ATTEMPTS,
    maxAgeMs: c.NOTIFIER_MAX_AGE_MS,
    retryBaseDelayMs: c.NOTIFIER_RETRY_BASE_MS,
    retryMaxDelayMs: c.NOTIFIER_RETRY_MAX_MS,
    timeoutMs: c.NOTIFIER_TIMEOUT_MS,
    concurrency: c.NOTIFIER_CONCURRENCY,
    circuitFailureThreshold: c.NOTIFIER_CIRCUIT_FAILURES,
    circuitOpenMs: c.NOTIFIER_CIRCUIT_OPEN_MS,
    alertIntervalMs: c.NOTIFIER_ALERT_INTERVAL_MS,
    fanoutPrefetch: c.NOTIFIER_FANOUT_PREFETCH,
    replayToken: c.NOTIFIER_REPLAY_TOKEN,
    inputDestination: c.NOTIFIER_INPUT_QUEUE,
  };
}

/** The notifier's settings when nothing is configured: the schema's defaults (one place for them). */
export const DEFAULT_SETTINGS: NotifierSettings = settingsFromConfig(loadNotifierConfig({}));
