import { commonEnvShape, envInt, loadConfig, z, type Env } from '@ediflow/config';

export const translatorConfigSchema = z.object({
  ...commonEnvShape,
  PARTNERS_FILE: z.string().default('var/partners.json'),
  /** Signs the acknowledgments we send back (armored private key). */
  PGP_PRIVATE_KEY_FILE: z.string().default('var/keys/platform.key.asc'),
  PGP_PASSPHRASE: z.string().optional(),
  /** Files translated at once per process. */
  TRANSLATOR_PREFETCH: envInt(2, 1),
  TRANSLATOR_MAX_ATTEMPTS: envInt(5, 1),
  TRANSLATOR_RETRY_BASE_DELAY_MS: envInt(1000, 0),
  ALERT_TOPIC_ARN: z.string().optional(),
});

export type TranslatorConfig = z.infer<typeof translatorConfigSchema>;

export const loadTranslatorConfig = (env: Env): TranslatorConfig => loadConfig(translatorConfigSchema, env);
