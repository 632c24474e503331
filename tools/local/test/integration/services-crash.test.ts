/**
 * Nothing lost with each service as its own process, as in AWS: ingest, translator and notifier
 * on a real ActiveMQ and an S3-protocol server. A file of 1,000 transaction sets is uploaded;
 * ingest is killed with SIGKILL while it ingests, the translator while it translates, the
 * notifier while callbacks go out, each started again. Every set reaches the receiver, and
 * every repeat carries the key of the first delivery.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type BrokerHandle } from '@ediflow/activemq';
import { generateKeyPair } from '@ediflow/pgp';
import { S3ObjectStore } from '@ediflow/store';
import { startS3Server, type S3Server } from '@ediflow/testkit';
import { ROOT, Restartable, checkDeliveries, startRecordingSink, waitUntil, write837 } from './crash-kit';

jest.setTimeout(300_000);

const SETS = 1000;

describe('ingest, translator and notifier as processes under SIGKILL', () => {
  let dir: string;
  let broker: BrokerHandle;
  let s3: S3Server;
  let sink: Awaited<ReturnType<typeof startRecordingSink>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ediflow-services-crash-'));
    [broker, s3, sink] = await Promise.all([startBroker({ name: 'services-crash' }), startS3Server('ediflow-crash'), startRecordingSink()]);
  });

  afterAll(async () => {
    await sink?.close();
    await s3?.close();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when ingest, translator and notifier are each killed mid-work and started again, then every set is delivered, each repeat with its key', async () => {
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
            acknowledgments: ['999'],
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
      INGEST_CLAIM_LEASE_MS: '2000',
      TRANSLATOR_RETRY_BASE_DELAY_MS: '200',
      NOTIFIER_RETRY_BASE_MS: '50',
    };
    const service = (name: string) => new Restartable(name, path.join(ROOT, `services/${name}/dist/main.js`), env);
    const ingest = service('ingest');
    const translator = service('translator');
    const notifier = service('notifier');
    const all = [ingest, translator, notifier];
    const store = new S3ObjectStore(s3.settings);
    const listed = async (prefix: string) => {
      for await (const _ of store.list(prefix)) return true;
      return false;
    };
    const boot = async (p: Restartable) => {
      const from = p.output.length;
      p.start();
      await p.waitForOutput('"msg":"service started"', 60_000, from);
    };
    const deliveredSets = () => new Set(sink.deliveries.map((d) => d.st02)).size;
    const kills: string[] = [];

    try {
      for (const p of all) await boot(p);
      await store.put('inbound/acme/claims.x12', await readFile(file));

      // Ingest, once it claimed the upload.
      const claimed = Date.now();
      while (!(await listed('claims/'))) {
        if (Date.now() - claimed > 30_000) throw new Error(`ingest never claimed the upload:\n${ingest.output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      kills.push(`ingest (published: ${ingest.output.includes('"msg":"file received"')})`);
      await ingest.signal('SIGKILL');
      await boot(ingest);

      // The translator, once FileReceived is out.
      await ingest.waitForOutput('"msg":"file received"', 60_000);
      await new Promise((r) => setTimeout(r, 100));
      kills.push(`translator (translated: ${translator.output.includes('"msg":"file translated"')}, ${deliveredSets()} sets delivered)`);
      await translator.signal('SIGKILL');
      await boot(translator);

      // The notifier, with callbacks going out.
      await waitUntil(() => deliveredSets() >= 200, 120_000, `200 sets delivered (${deliveredSets()})`);
      kills.push(`notifier (${deliveredSets()} sets delivered)`);
      await notifier.signal('SIGKILL');
      await boot(notifier);

      await waitUntil(() => deliveredSets() === SETS, 180_000, `all ${SETS} sets (${deliveredSets()} so far; killed ${kills.join('; ')})`);
      const result = checkDeliveries(sink.deliveries, st02s);
      process.stdout.write(`services crash suite: killed ${kills.join('; ')}; ${sink.deliveries.length} deliveries, ${result.duplicates} repeats\n`);
      expect(result.missing).toEqual([]);
      expect(result.keysPerSet).toEqual([1]);
      expect(result.setsPerKey).toEqual([1]);
    } finally {
      await Promise.all(all.map((p) => p.signal('SIGKILL')));
    }
  });
});
