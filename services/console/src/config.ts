import { commonEnvShape, envBoolean, envInt, loadConfig, z, type Env } from '@ediflow/config';
import { ConfigError } from '@ediflow/errors';
import { parseBrokerUrl } from '@ediflow/bus';

const token = z.string().min(32, 'must be at least 32 characters');
const csv = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The console's own variables (the README's Console table); npm start reads them too. */
export const consoleEnvShape = {
  CONSOLE_OPERATOR_TOKEN: token.optional(),
  CONSOLE_READ_ONLY_TOKEN: token.optional(),
  CONSOLE_SESSION_SECRET: token.optional(),
  CONSOLE_SAMPLE_INTERVAL_MS: envInt(5000, 1000),
  CONSOLE_SECURE_COOKIES: envBoolean(false),
  /** `name=url;name=url`: STOMP brokers read through ActiveMQ's statistics plugin. */
  CONSOLE_BROKERS: z.string().optional(),
  /** `name=url;name=url`: services whose /healthz, /readyz and /metrics the Services page shows. */
  CONSOLE_SERVICES: z.string().optional(),
  CONSOLE_OIDC: envBoolean(false),
  CONSOLE_OIDC_ALB_ARN: z.string().regex(/^arn:aws[a-z-]*:elasticloadbalancing:/, 'must be a load balancer ARN').optional(),
  CONSOLE_OIDC_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region').optional(),
  CONSOLE_OIDC_GROUPS_CLAIM: z.string().default('groups'),
  CONSOLE_OIDC_USER_CLAIM: z.string().default('email'),
  /** Comma-separated groups (from the groups claim) that get the operator role. */
  CONSOLE_OIDC_OPERATOR_GROUPS: z.string().optional(),
  CONSOLE_OIDC_READ_ONLY_GROUPS: z.string().optional(),
};

export const consoleConfigSchema = z.object({
  ...commonEnvShape,
  ...consoleEnvShape,
  CONSOLE_TRACKING_URL: z.url(),
  CONSOLE_TRACKING_TOKEN: token,
  CONSOLE_NOTIFIER_URL: z.url(),
  CONSOLE_NOTIFIER_TOKEN: token,
});

export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

/** `name=url;name=url` as pairs; throws ConfigError naming the variable (never its value). */
export function namedUrls(variable: string, value: string | undefined, check: (url: string) => void = (u) => void new URL(u)): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const part of (value ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    const name = part.slice(0, i).trim();
    const url = part.slice(i + 1).trim();
    if (i <= 0 || !/^[A-Za-z0-9_.-]{1,40}$/.test(name)) throw new ConfigError([variable], `${variable}: each entry must be name=url with a name of letters, digits, . _ -`);
    try {
      check(url);
    } catch {
      throw new ConfigError([variable], `${variable}: the URL of "${name}" is not valid`);
    }
    out.push({ name, url });
  }
  return out;
}

export const brokerList = (value: string | undefined) => namedUrls('CONSOLE_BROKERS', value, (u) => void parseBrokerUrl(u));
export const serviceList = (value: string | undefined) => namedUrls('CONSOLE_SERVICES', value);

/** OIDC trust needs the load balancer's ARN and region, and at least one group mapped. */
export function oidcSettings(c: Pick<ConsoleConfig, 'CONSOLE_OIDC' | 'CONSOLE_OIDC_ALB_ARN' | 'CONSOLE_OIDC_REGION' | 'CONSOLE_OIDC_GROUPS_CLAIM' | 'CONSOLE_OIDC_USER_CLAIM' | 'CONSOLE_OIDC_OPERATOR_GROUPS' | 'CONSOLE_OIDC_READ_ONLY_GROUPS'>) {
  if (!c.CONSOLE_OIDC) return undefined;
  const missing: string[] = ['CONSOLE_OIDC_ALB_ARN', 'CONSOLE_OIDC_REGION'].filter((k) => c[k as 'CONSOLE_OIDC_REGION'] === undefined);
  const groups = { operator: csv(c.CONSOLE_OIDC_OPERATOR_GROUPS), readOnly: csv(c.CONSOLE_OIDC_READ_ONLY_GROUPS) };
  if (groups.operator.length + groups.readOnly.length === 0) missing.push('CONSOLE_OIDC_OPERATOR_GROUPS');
  if (missing.length > 0) throw new ConfigError(missing, `CONSOLE_OIDC=true needs ${missing.join(', ')}`);
  return {
    albArn: c.CONSOLE_OIDC_ALB_ARN as string,
    region: c.CONSOLE_OIDC_REGION as string,
    groupsClaim: c.CONSOLE_OIDC_GROUPS_CLAIM,
    userClaim: c.CONSOLE_OIDC_USER_CLAIM,
    groups,
  };
}

export function loadConsoleConfig(env: Env): ConsoleConfig {
  const c = loadConfig(consoleConfigSchema, env);
  brokerList(c.CONSOLE_BROKERS);
  serviceList(c.CONSOLE_SERVICES);
  oidcSettings(c);
  return c;
}
