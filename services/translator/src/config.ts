import { commonEnvShape, envInt, loadConfig, z, type Env } from '@ediflow/config';

export const translatorConfigSchema = z.object({
  ...commonEnvShape,
  PARTNERS_FILE: z.string().default('var/partners.json'),
  /** Signs the acknowledgments we send back (armored private key). */
  PGP_PRIVATE_KEY_FILE: z.string().default('var/keys/platform.key.asc'),
  PGP_PASSPHRASE: z.string().optional(),
  /** KMS-wrapped key document instead of a plain key file (see shared/platform-key). */
  PGP_PRIVATE_KEY_WRAPPED_FILE: z.string().optional(),
  /** Encryption context of the wrapped key, `k=v,k=v`; required with PGP_PRIVATE_KEY_WRAPPED_FILE. */
  PGP_KEY_KMS_CONTEXT: z.string().optional(),
  /** Files translated at once per process. */
  TRANSLATOR_PREFETCH: envInt(2, 1),
  TRANSLATOR_MAX_ATTEMPTS: envInt(5, 1),
  TRANSLATOR_RETRY_BASE_DELAY_MS: envInt(1000, 0),
  ALERT_TOPIC_ARN: z.string().optional(),
});

export type TranslatorConfig = z.infer<typeof translatorConfigSchema>;

export const loadTranslatorConfig = (env: Env): TranslatorConfig => loadConfig(translatorConfigSchema, env);
