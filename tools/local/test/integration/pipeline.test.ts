/**
 * End to end through a real ActiveMQ broker (STOMP) and a real S3-protocol server:
 * an encrypted, signed 837P dropped in inbound/<partner>/ comes out as one signed JSON
 * callback per transaction set, with the 999 in outbound/ and nothing lost when the
 * broker restarts mid-flight. The logs of the run hold no PHI from the file.
 */
import { waitFor } from '@ediflow/testkit';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { startBroker, type BrokerHandle } from '@ediflow/activemq';
import { createBus, type Bus } from '@ediflow/bus';
import { createObjectStore, readAll, type ObjectStore } from '@ediflow/store';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { encryptBuffer, generateKeyPair, loadPrivateKey, loadPublicKeys, type PrivateKey } from '@ediflow/pgp';
import { parseRegistry, staticRegistry } from '@ediflow/partners';
import { envSecretReader, parseSubscriptions, verifyWebhook } from '@ediflow/notifier';
import { startS3Server, type S3Server } from '@ediflow/testkit';
import { createPipeline, startCallbackSink, type Pipeline } from '@ediflow/local';

jest.setTimeout(120_000);

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'lfh__demo.837');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface Received {
  id: string;
  envelope: { id: string; fileId: string; type: string; body: { transactionSet: string; controlNumber: string; interchange: { controlNumber: string } } };
}

describe('pipeline end to end on ActiveMQ and S3', () => {
  let broker: BrokerHandle;
  let s3: S3Server;
  let store: ObjectStore;
  let bus: Bus;
  let pipeline: Pipeline;
  let sink: Awaited<ReturnType<typeof startCallbackSink>>;
  let sinkDir: string;
  const logs = memoryDestination();
  let partnerKey: PrivateKey;
  let platformPublic: string;
  let source: string;

  beforeAll(async () => {
    [broker, s3] = await Promise.all([startBroker({ name: 'e2e' }), startS3Server('ediflow-e2e')]);
    store = createObjectStore({ kind: 's3', ...s3.settings });
    const [platform, partner] = await Promise.all([
      generateKeyPair({ userId: { name: 'platform', email: 'platform@ediflow.invalid' } }),
      generateKeyPair({ userId: { name: 'partner', email: 'partner@ediflow.invalid' } }),
    ]);
    partnerKey = await loadPrivateKey(partner.privateKeyArmored);
    platformPublic = platform.publicKeyArmored;
    source = await readFile(FIXTURE, 'latin1');
    sinkDir = await mkdtemp(path.join(os.tmpdir(), 'e2e-callbacks-'));
    sink = await startCallbackSink({
      dir: sinkDir,
      port: 0,
      verify: (headers, body) => verifyWebhook({ headers, body, secrets: [SECRET] }).ok,
    });
    const logger = createLogger({ service: 'e2e', level: 'debug', destination: logs });
    // Reconnect attempts at most 2 s apart: the test checks that nothing is lost and each transaction keeps one id
    // across a broker restart, not the production backoff cap (30 s with full jitter), which after a slow restart
    // on a loaded CI machine once put the next attempt past the test's bound.
    bus = createBus(broker.url, { logger, reconnectMaxDelayMs: 2_000 });
    await bus.connect();
    pipeline = createPipeline({
      bus,
      store,
      logger,
      registry: new Registry(),
      partners: staticRegistry(
        parseRegistry({
          version: 1,
          partners: [
            { id: 'acme', name: 'Acme', isaSenders: [{ qualifier: '30', id: '000000005' }], pgpPublicKeys: [partner.publicKeyArmored], acknowledgments: ['TA1', '999'] },
          ],
        }),
      ),
      platformKey: await loadPrivateKey(platform.privateKeyArmored),
      subscriptions: parseSubscriptions(
        { version: 1, subscriptions: [{ id: 'sink', partnerId: 'acme', url: sink.url, auth: [{ type: 'hmac', secrets: [{ env: 'SINK_SECRET' }] }] }] },
        envSecretReader({ SINK_SECRET: SECRET }),
      ),
      bucket: s3.bucket,
      ingest: { pollIntervalMs: 100 },
      translator: { retryBaseDelayMs: 200 },
      notifier: { retryBaseDelayMs: 100, retryMaxDelayMs: 1000 },
    });
    await pipeline.start();
  });

  afterAll(async () => {
    if (process.env.E2E_DEBUG) process.stderr.write(logs.text());
    await pipeline?.stop();
    await bus?.close();
    await sink?.close();
    await Promise.all([broker?.stop(), s3?.close()]);
    if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
  });

  /** A variant of the fixture with its own ISA13 (so its transaction ids are its own). */
  function variant(controlNumber: number): string {
    const isa13 = String(controlNumber).padStart(9, '0');
    return source.replace(/\*000000907\*/, `*${isa13}*`).replace(/IEA\*(\d+)\*000000907/, `IEA*$1*${isa13}`);
  }

  async function drop(name: string, x12: string): Promise<void> {
    const [platformKey] = await loadPublicKeys([platformPublic]);
    const cipher = await encryptBuffer(Buffer.from(x12, 'latin1'), { encryptionKeys: platformKey, signingKeys: partnerKey });
    await store.put(`inbound/acme/${name}`, Buffer.from(cipher));
  }

  async function callbacks(): Promise<Received[]> {
    const files = await readdir(sinkDir);
    const out: Received[] = [];
    for (const f of files.filter((name) => name.endsWith('.json'))) {
      const envelope = JSON.parse(await readFile(path.join(sinkDir, f), 'utf8')) as Received['envelope'];
      out.push({ id: envelope.id, envelope });
    }
    return out;
  }

  /** The run's warn and error log lines (the logs hold no PHI), so a failure on CI says what went wrong. */
  function problems(): string {
    const lines = logs.lines().filter((l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal');
    return lines.slice(-60).map((l) => JSON.stringify(l)).join('\n') || '(none)';
  }

  /** testkit's waitFor, with the run's warnings and errors in the message when it times out. */
  const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> =>
    waitFor(what, probe, { timeoutMs, intervalMs: 100, detail: () => `the run's warnings and errors:\n${problems()}` });

  it('when a partner drops an encrypted 837P, then its transaction set arrives as a signed callback, the 999 is in outbound/ and the upload is archived', async () => {
    await drop('CLAIMS_FOR_JOHN_DOE.x12.pgp', source);
    const got = await until('1 callback', async () => {
      const c = await callbacks();
      return c.length >= 1 ? c : undefined;
    });
    expect(got.map((c) => c.envelope.type)).toEqual(['TransactionTranslated']);
    expect(got.map((c) => c.envelope.body.controlNumber)).toEqual(['0021']);
    const fileId = got[0].envelope.fileId;
    // The translator records the file's terminal state after publishing its transactions.
    await until('the outcome record', async () => (await store.head(`work/${fileId}/outcome.json`)) ?? undefined);
    const outcome = JSON.parse((await readAll((await store.get(`work/${fileId}/outcome.json`)).body)).toString('utf8')) as { state: string };
    expect(outcome.state).toBe('translated');
    expect(await store.head(`outbound/acme/${fileId}.999.x12.pgp`)).toBeDefined();
    expect(await store.head(`archive/${fileId}/original`)).toBeDefined();
    expect(await store.head('inbound/acme/CLAIMS_FOR_JOHN_DOE.x12.pgp')).toBeUndefined();
  });

  it('when the run is over, then no log line holds a name, member id or claim id from the file, nor the file name', () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    const phi = new Set<string>(['CLAIMS_FOR_JOHN_DOE']);
    for (const seg of source.split('~')) {
      const e = seg.trim().split('*');
      if (e[0] === 'NM1' && ['IL', 'QC'].includes(e[1])) [e[3], e[4], e[9]].filter((v) => v && v.length > 2).forEach((v) => phi.add(v));
      if (e[0] === 'CLM') phi.add(e[1]);
      if (e[0] === 'N3' || e[0] === 'DMG') e.slice(1).filter((v) => v.length > 4).forEach((v) => phi.add(v));
    }
    expect(phi.size).toBeGreaterThan(4);
    for (const value of phi) expect({ value, found: text.includes(value) }).toEqual({ value, found: false });
  });

  it('when ActiveMQ stops while files are in flight and starts again, then every transaction is delivered and each carries one id', async () => {
    const before = (await callbacks()).length;
    const files = [1001, 1002, 1003, 1004, 1005];
    for (const n of files) await drop(`batch-${n}.x12.pgp`, variant(n));
    await until('the first callback of the batch', async () => ((await callbacks()).length > before ? true : undefined));
    await broker.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await broker.start();
    const all = await until(
      'all callbacks of the batch',
      async () => {
        const c = await callbacks();
        return c.length >= before + files.length ? c : undefined;
      },
      60_000,
    );
    // The receiver keeps one file per Idempotency-Key; every (interchange, ST02) pair must map to exactly one id.
    const idsByTransaction = new Map<string, Set<string>>();
    for (const c of all) {
      const k = `${c.envelope.body.interchange.controlNumber}/${c.envelope.body.controlNumber}`;
      idsByTransaction.set(k, (idsByTransaction.get(k) ?? new Set()).add(c.id));
    }
    expect(all).toHaveLength(before + files.length);
    for (const n of files) {
      const isa13 = String(n).padStart(9, '0');
      expect(idsByTransaction.get(`${isa13}/0021`)?.size).toBe(1);
    }
  });
});
