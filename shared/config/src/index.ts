import { z } from 'zod';
import { ConfigError } from '@ediflow/errors';

export { z };

export type Env = Record<string, string | undefined>;

/**
 * Validates environment variables with a zod object schema whose keys are the
 * variable names. Pure: pass `process.env` in `main.ts`, a literal in tests.
 * On failure throws ConfigError naming each bad variable and what is wrong —
 * never its value (values can be secrets).
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  // Empty strings count as unset so `FOO= npm start` falls back to the default.
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const variables = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? '(env)')))];
  const lines = result.error.issues.map((i) => `  ${String(i.path[0] ?? '(env)')}: ${describeIssue(i)}`);
  throw new ConfigError(variables, `invalid configuration:\n${lines.join('\n')}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'invalid_format') return `must be a valid ${issue.format}`;
  if (issue.code === 'too_small' || issue.code === 'too_big') return issue.message.replace(/^Too (small|big): expected \w+ to (have|be) /, 'must be ');
  // Zod's own messages for other issue kinds mention expectations, not the input.
  return issue.message;
}

/** "true"/"false"/"1"/"0"/"yes"/"no" as a boolean (z.coerce.boolean would turn "false" into true). */
export const envBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envPort = (defaultValue: number) => z.coerce.number().int().min(0).max(65535).default(defaultValue);

export const envInt = (defaultValue: number, min = 0) => z.coerce.number().int().min(min).default(defaultValue);

/** Loads config in main.ts: on error prints the variable names and what is wrong to stderr, exits 1. */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, env: Env, service: string): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Variables every service reads: logging, HTTP, broker and object store. Services
 * spread this shape into their own schema so names and defaults are the same everywhere.
 */
export const commonEnvShape = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: envPort(8080),
  /**
   * `embedded` (in-process, durable in a journal under BUS_DIR: one process), `memory` (in-process,
   * nothing survives it: tests), `stomp://host:port`, `stomp+ssl://host:port`, or `failover:(url,url)`.
   */
  BROKER_URL: z.string().default('embedded'),
  /** Journal directory of the embedded bus. */
  BUS_DIR: z.string().default('var/bus'),
  BROKER_LOGIN: z.string().optional(),
  BROKER_PASSCODE: z.string().optional(),
  STORE_KIND: z.enum(['embedded', 's3']).default('embedded'),
  STORE_ROOT: z.string().default('var/store'),
  S3_BUCKET: z.string().min(3).default('ediflow'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ENDPOINT: z.url().optional(),
  S3_FORCE_PATH_STYLE: envBoolean(false),
  S3_SSE_KMS_KEY_ID: z.string().optional(),
  /** Message bodies over this size go to the object store (claim-check). */
  MESSAGE_INLINE_LIMIT_BYTES: envInt(256 * 1024, 1024),
  /** Send tracking events (files, transaction sets, claims, callbacks) to the tracking service. */
  TRACKING_EVENTS: envBoolean(true),
  /** SNS topic for operational alerts; alerts go to the log when unset. */
  ALERT_TOPIC_ARN: z.string().regex(/^arn:aws[a-z-]*:sns:/, 'must be an SNS topic ARN').optional(),
};

export const commonEnvSchema = z.object(commonEnvShape);
export type CommonConfig = z.infer<typeof commonEnvSchema>;
