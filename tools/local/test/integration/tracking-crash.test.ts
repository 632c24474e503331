/**
 * Tracking applies its events at least once and idempotently, on PostgreSQL as in AWS: ingest,
 * translator, notifier and tracking as their own processes on a real ActiveMQ and an
 * S3-protocol server. A file of 1,000 transaction sets is sent twice (the second time under
 * another name: a replay, translated again with the same ids); tracking starts once the events
 * are queued and is killed with SIGKILL while it applies them, then started again. In the end
 * the database holds each file, set, claim, claim event and callback once, and as many
 * delivered callbacks as the receiver got keys.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startBroker, type BrokerHandle } from '@ediflow/activemq';
import { generateKeyPair } from '@ediflow/pgp';
import { S3ObjectStore } from '@ediflow/store';
import { createTestDatabase, startS3Server, waitFor, type S3Server, type TestDatabase } from '@ediflow/testkit';
import { ROOT, Restartable, startRecordingSink, write837 } from './crash-kit';

jest.setTimeout(300_000);

const SETS = 1000;

interface Counts {
  files: number;
  translated: number;
  rejected: number;
  sets: number;
  claims: number;
  claimEvents: number;
  delivered: number;
  applied: number;
}

describe('the tracking consumer under SIGKILL, with a file sent twice', () => {
  let dir: string;
  let broker: BrokerHandle;
  let s3: S3Server;
  let sink: Awaited<ReturnType<typeof startRecordingSink>>;
  let database: TestDatabase | undefined;
  let client: pg.Client;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ediflow-tracking-crash-'));
    [broker, s3, sink] = await Promise.all([startBroker({ name: 'tracking-crash' }), startS3Server('ediflow-tracking-crash'), startRecordingSink()]);
    database = await createTestDatabase('tracking_crash');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
    await sink?.close();
    await s3?.close();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const counts = async (): Promise<Counts> => {
    const tables = await client.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_name = 'applied_events'`);
    if (tables.rows[0].n === '0') return { files: 0, translated: 0, rejected: 0, sets: 0, claims: 0, claimEvents: 0, delivered: 0, applied: 0 };
    const { rows } = await client.query<Record<keyof Counts, string>>(`
      select
        (select count(*) from files) as files,
        (select count(*) from files where state = 'translated') as translated,
        (select count(*) from files where state = 'rejected') as rejected,
        (select count(*) from transaction_sets) as sets,
        (select count(*) from claims) as claims,
        (select count(*) from claim_events) as "claimEvents",
        (select count(*) from callbacks where outcome = 'delivered') as delivered,
        (select count(*) from applied_events) as applied`);
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) as unknown as Counts;
  };

  it('when tracking is killed while it applies the events and started again, then every row is there once and delivered callbacks equal the deliveries', async () => {
    const file = path.join(dir, 'claims.837');
    const st02s = await write837(file, SETS);
    const key = await generateKeyPair({ userId: { name: 'platform', email: 'platform@ediflow.invalid' } });
    const keyFile = path.join(dir, 'platform.key.asc');
    await writeFile(keyFile, key.privateKeyArmored, { mode: 0o600 });
    const partners = path.join(dir, 'partners.json');
    await writeFile(
      partners,
      JSON.stringify({
        version: 1,
        partners: [
          {
            id: 'acme',
            name: 'Acme Clinic',
            isaSenders: [{ qualifier: 'ZZ', id: 'BENCHSUBMITTER' }],
            requireSignature: false,
            allowPlaintext: true,
            acknowledgments: ['TA1', '999'],
            subscriptions: [{ id: 'crash-sink', url: sink.url }],
          },
        ],
      }),
    );
    const { STORE_ROOT: _store, BUS_DIR: _bus, ...inherited } = process.env;
    const env = {
      ...inherited,
      BROKER_URL: broker.url,
      STORE_KIND: 's3',
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      PARTNERS_FILE: partners,
      PGP_PRIVATE_KEY_FILE: keyFile,
      INGEST_POLL_INTERVAL_MS: '200',
      NOTIFIER_RETRY_BASE_MS: '50',
      TRACKING_DATABASE_URL: database!.url,
      TRACKING_DATABASE_SSL: 'disable',
      TRACKING_API_TOKEN: randomBytes(24).toString('hex'),
    };
    const service = (name: string) => new Restartable(name, path.join(ROOT, `services/${name}/dist/main.js`), env);
    const pipeline = [service('ingest'), service('translator'), service('notifier')];
    const tracking = service('tracking');
    const boot = async (p: Restartable) => {
      const from = p.output.length;
      p.start();
      await p.waitForOutput('"msg":"service started"', 60_000, from);
    };
    const distinctKeys = () => new Set(sink.deliveries.map((d) => d.key)).size;
    const store = new S3ObjectStore(s3.settings);

    try {
      for (const p of pipeline) await boot(p);
      await store.put('inbound/acme/claims.x12', await readFile(file));
      await waitFor('every set delivered', () => distinctKeys() === SETS, { timeoutMs: 180_000, intervalMs: 100, detail: () => `${distinctKeys()} delivered` });
      // The same bytes again under another name: a replay, translated again with the same ids.
      await store.put('inbound/acme/claims-again.x12', await readFile(file));
      await waitFor('the second file translated', () => pipeline[1].output.split('"msg":"file translated"').length === 3, { timeoutMs: 60_000, detail: () => pipeline.map((p) => p.output.slice(-1500)).join('\n---\n') });

      // Every event is queued: tracking starts now, and is killed part way through them.
      await boot(tracking);
      const atKill = await waitFor('tracking part way through the events', async () => {
        const c = await counts();
        return c.delivered >= 100 ? c : undefined;
      }, { timeoutMs: 120_000, intervalMs: 20, detail: () => tracking.output.slice(-2000) });
      await tracking.signal('SIGKILL');
      expect(atKill.delivered).toBeLessThan(SETS);
      await boot(tracking);

      const expected = { files: 2, translated: 2, rejected: 0, sets: SETS, claims: SETS, claimEvents: 2 * SETS, delivered: distinctKeys() };
      const final = await waitFor('tracking caught up', async () => {
        const c = await counts();
        return c.delivered === expected.delivered && c.claimEvents === expected.claimEvents && c.files === 2 && c.translated === 2 ? c : undefined;
      }, { timeoutMs: 120_000, intervalMs: 200, detail: () => `${JSON.stringify(atKill)}\n${tracking.output.slice(-2000)}` });
      process.stdout.write(`tracking crash suite: killed with ${atKill.delivered} callbacks and ${atKill.applied} events applied; in the end ${JSON.stringify(final)}; receiver got ${sink.deliveries.length} deliveries of ${distinctKeys()} keys\n`);
      const { applied: _applied, ...rows } = final;
      expect(rows).toEqual(expected);
      expect(expected.delivered).toBe(SETS);

      // Each set once, under the first file; each set's claim once, accepted in the 999.
      const sets = await client.query<{ st02: string; n: string }>(`select st02, count(*) as n from transaction_sets group by st02`);
      expect(sets.rows.map((r) => r.st02).sort()).toEqual([...st02s].sort());
      expect(new Set(sets.rows.map((r) => r.n))).toEqual(new Set(['1']));
      const statuses = await client.query<{ status: string; n: string }>(`select status, count(*) as n from claims group by status`);
      expect(statuses.rows).toEqual([{ status: 'accepted', n: String(SETS) }]);
    } finally {
      await Promise.all([...pipeline, tracking].map((p) => p.signal('SIGKILL')));
    }
  });
});
