import { commonEnvShape, envInt, loadConfig, z, type Env } from '@ediflow/config';
import { platformKeyEnvShape } from '@ediflow/platform-key';

export const translatorConfigSchema = z.object({
  ...commonEnvShape,
  PARTNERS_FILE: z.string().default('var/partners.json'),
  /** When set, the registry is read from this object-store key instead of PARTNERS_FILE (re-read when its ETag changes). */
  PARTNERS_OBJECT_KEY: z.string().optional(),
  /** Our key signs the acknowledgments we send back. */
  ...platformKeyEnvShape,
  /** Files translated at once per process. */
  TRANSLATOR_PREFETCH: envInt(2, 1),
  /** Threads that translate the sets of large files, the service's own among them (1: only it); 0: DEFAULT_THREADS. */
  TRANSLATOR_THREADS: envInt(0, 0),
  TRANSLATOR_MAX_ATTEMPTS: envInt(5, 1),
  TRANSLATOR_RETRY_BASE_DELAY_MS: envInt(1000, 0),
});

export type TranslatorConfig = z.infer<typeof translatorConfigSchema>;

export const loadTranslatorConfig = (env: Env): TranslatorConfig => loadConfig(translatorConfigSchema, env);
