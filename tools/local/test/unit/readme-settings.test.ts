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
const defaultOf = (schema: z.ZodObject, variable: string): string | undefined => {
  const value = (schema.parse({}) as Record<string, unknown>)[variable];
  return value === undefined ? undefined : String(value);
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
    const services = [commonEnvSchema, ingestConfigSchema, translatorConfigSchema, notifierConfigSchema, bridgeConfigSchema, trackingConfigSchema];
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

describe('npm start honours every documented setting', () => {
  const variables = [...new Set(rows.map((r) => r.variable))];

  it.each(variables)('when %s is set, then npm start wires something else', (variable) => {
    const context = CONTEXT[variable] ?? {};
    expect(planLocal({ ...context, [variable]: sample(variable) })).not.toEqual(planLocal(context));
  });
});
