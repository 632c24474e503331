/**
 * The README's configuration tables against the code: every documented variable exists with its
 * documented default, every variable the services read is documented, and `npm start` honours
 * each one (setting it changes what npm start wires).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commonEnvSchema, z } from '@ediflow/config';
import { ingestConfigSchema } from '@ediflow/ingest';
import { translatorConfigSchema } from '@ediflow/translator';
import { notifierConfigSchema } from '@ediflow/notifier';
import { bridgeConfigSchema } from '@ediflow/bridge';
import { trackingConfigSchema } from '@ediflow/tracking-service';
import { consoleConfigSchema } from '@ediflow/console';
import { localSchema, planLocal } from '../../src/settings';

interface Row {
  table: string;
  variable: string;
  /** The documented default: a value, or undefined for "unset". */
  documented: string | undefined;
}

const README = readFileSync(path.resolve(__dirname, '../../../../README.md'), 'utf8');

const TABLES: Record<string, z.ZodObject> = {
  'Common to every service': commonEnvSchema,
  Ingest: ingestConfigSchema,
  Translator: translatorConfigSchema,
  Notifier: notifierConfigSchema,
  Bridge: bridgeConfigSchema,
  Tracking: trackingConfigSchema,
  Console: consoleConfigSchema,
  '`npm start` only': localSchema,
};

/** The rows of the tables under "## Configuration", by the bold title above each. */
function readmeRows(): Row[] {
  const section = README.slice(README.indexOf('\n## Configuration'), README.indexOf('\n## ', README.indexOf('\n## Configuration') + 5));
  const rows: Row[] = [];
  let table = '';
  for (const line of section.split('\n')) {
    const title = /^\*\*(.+?)\*\*/.exec(line);
    if (title) table = title[1];
    if (!line.startsWith('| `')) continue;
    const [, names, defaults] = line.split('|').map((c) => c.trim());
    const variables = (names.match(/`[^`]+`/g) ?? []).map((t) => t.slice(1, -1)).filter((v) => /^[A-Z][A-Z0-9_]+$/.test(v));
    const values = (defaults.match(/`[^`]*`|unset/g) ?? []).map((t) => (t === 'unset' ? undefined : t.slice(1, -1)));
    variables.forEach((variable, i) => rows.push({ table, variable, documented: values[i] }));
  }
  return rows;
}

const rows = readmeRows();
/** The variable's default alone (a schema with required variables, like the console's, cannot parse {} whole); undefined when unset or required. */
const defaultOf = (schema: z.ZodObject, variable: string): string | undefined => {
  const field = schema.shape[variable] as z.ZodType | undefined;
  const parsed = field?.safeParse(undefined);
  return parsed?.success && parsed.data !== undefined ? String(parsed.data) : undefined;
};

/** A valid value other than the default, for each kind of setting. */
const SPECIAL: Record<string, string> = {
  BROKER_URL: 'stomp://127.0.0.1:61613',
  STORE_KIND: 's3',
  S3_ENDPOINT: 'http://127.0.0.1:4568',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:ediflow-alerts',
  NOTIFIER_REPLAY_TOKEN: 'r'.repeat(40),
  PGP_KEY_KMS_CONTEXT: 'app=ediflow',
  TRACKING_DATABASE_URL: 'postgres://ediflow@127.0.0.1:5432/ediflow',
  TRACKING_API_TOKEN: 'k'.repeat(40),
  TRACKING_DATABASE_SSL: 'require',
  TRACKING_DATABASE_IAM_REGION: 'us-east-2',
  LOG_LEVEL: 'debug',
  S3_BUCKET: 'another-bucket',
  CONSOLE_OPERATOR_TOKEN: 'c'.repeat(40),
  CONSOLE_READ_ONLY_TOKEN: 'd'.repeat(40),
  CONSOLE_SESSION_SECRET: 'e'.repeat(40),
  CONSOLE_BROKERS: 'onprem=stomp://127.0.0.1:61613',
  CONSOLE_SERVICES: 'ingest=http://127.0.0.1:8081',
  CONSOLE_OIDC_ALB_ARN: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/2',
  CONSOLE_OIDC_REGION: 'eu-west-2',
};

function sample(variable: string): string {
  if (SPECIAL[variable] !== undefined) return SPECIAL[variable];
  const value = defaultOf(localSchema, variable);
  if (value === 'true' || value === 'false') return value === 'true' ? 'false' : 'true';
  if (value !== undefined && /^\d+$/.test(value)) return String(Number(value) + 7);
  return value === undefined ? '/tmp/ediflow-sample' : `${value}-sample`;
}

describe('README configuration tables', () => {
  it('when the README is read, then it has every table, with rows', () => {
    for (const table of Object.keys(TABLES)) expect({ table, rows: rows.filter((r) => r.table === table).length > 0 }).toEqual({ table, rows: true });
  });

  it.each(rows.map((r) => [r.table, r.variable, r] as const))('when the %s table lists %s, then the code reads it with the documented default', (_t, _v, row) => {
    const schema = TABLES[row.table];
    expect({ variable: row.variable, read: row.variable in schema.shape }).toEqual({ variable: row.variable, read: true });
    expect({ variable: row.variable, default: defaultOf(schema, row.variable) }).toEqual({ variable: row.variable, default: row.documented });
  });

  it('when a service reads a variable, then its table (or the common one) documents it', () => {
    const common = new Set(Object.keys(commonEnvSchema.shape));
    const missing: string[] = [];
    for (const [table, schema] of Object.entries(TABLES)) {
      if (table === '`npm start` only') continue;
      for (const variable of Object.keys(schema.shape)) {
        const documentedHere = rows.some((r) => r.variable === variable && (r.table === table || (common.has(variable) && r.table === 'Common to every service')));
        if (!documentedHere) missing.push(`${table}: ${variable}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('when npm start defaults a setting otherwise than its service, then the npm start table says so', () => {
    const services = [commonEnvSchema, ingestConfigSchema, translatorConfigSchema, notifierConfigSchema, bridgeConfigSchema, trackingConfigSchema, consoleConfigSchema];
    const differ: string[] = [];
    for (const variable of Object.keys(localSchema.shape)) {
      const local = defaultOf(localSchema, variable);
      const owner = services.find((s) => variable in s.shape);
      if (owner === undefined || defaultOf(owner, variable) !== local) differ.push(variable);
    }
    const listed = rows.filter((r) => r.table === '`npm start` only').map((r) => r.variable);
    expect(differ.sort()).toEqual([...listed].sort());
  });
});

/** Settings that only mean something beside another one: both plans get the other. */
const pgUrl = { TRACKING_DATABASE_URL: 'postgres://ediflow@127.0.0.1:5432/ediflow' };
const CONTEXT: Record<string, Record<string, string>> = {
  TRACKING_DATABASE_SSL: pgUrl,
  TRACKING_DATABASE_CA_FILE: pgUrl,
  TRACKING_DATABASE_PASSWORD: pgUrl,
  TRACKING_DATABASE_IAM_REGION: pgUrl,
  TRACKING_DATABASE_POOL_SIZE: pgUrl,
};
/** OIDC settings mean something only with OIDC on and its required settings given. */
const oidc = {
  CONSOLE_OIDC: 'true',
  CONSOLE_OIDC_ALB_ARN: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/console/1',
  CONSOLE_OIDC_REGION: 'us-east-1',
  CONSOLE_OIDC_OPERATOR_GROUPS: 'edi-ops',
  CONSOLE_OIDC_READ_ONLY_GROUPS: 'edi-viewers',
};
for (const variable of Object.keys(oidc)) {
  const { [variable as keyof typeof oidc]: _self, ...others } = oidc;
  CONTEXT[variable] = variable === 'CONSOLE_OIDC' ? others : oidc;
}
CONTEXT.CONSOLE_OIDC_GROUPS_CLAIM = oidc;
CONTEXT.CONSOLE_OIDC_USER_CLAIM = oidc;

/** What the console service reads to find tracking and the notifier: npm start points it at its own. */
const WIRED_BY_NPM_START = new Set(['CONSOLE_TRACKING_URL', 'CONSOLE_TRACKING_TOKEN', 'CONSOLE_NOTIFIER_URL', 'CONSOLE_NOTIFIER_TOKEN']);

describe('npm start honours every documented setting', () => {
  const variables = [...new Set(rows.map((r) => r.variable))].filter((v) => !WIRED_BY_NPM_START.has(v));

  it.each(variables)('when %s is set, then npm start wires something else', (variable) => {
    const context = CONTEXT[variable] ?? {};
    expect(planLocal({ ...context, [variable]: sample(variable) })).not.toEqual(planLocal(context));
  });
});
