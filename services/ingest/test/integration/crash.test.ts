/**
 * Crash safety: the real ingest process (services/ingest/dist/main.js) on the embedded
 * store and a real ActiveMQ is killed with SIGKILL in the middle of a large file. After a
 * restart the file is processed (after the dead process's claim lease expires), nothing
 * is lost, and every FileReceived for it carries the same id.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type BrokerHandle } from '@ediflow/activemq';
import { createBus, type Bus } from '@ediflow/bus';
import { EmbeddedObjectStore, readAll } from '@ediflow/store';
import { decodeEnvelope, DESTINATIONS, fileIdFor, type Envelope } from '@ediflow/messages';
import { encryptBuffer, generateKeyPair, loadPrivateKey, loadPublicKeys } from '@ediflow/pgp';
import { waitFor } from '@ediflow/testkit';
import { x12 } from '../helpers';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const MAIN = path.join(ROOT, 'services', 'ingest', 'dist', 'main.js');
const SIZE = 120 * 1024 * 1024;

/** Total size of the data files under a store folder (a put in progress writes there before it commits). */
async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isFile() && e.name.includes('@v-')) total += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

describe('ingest process killed mid-file', () => {
  let broker: BrokerHandle;
  let bus: Bus;
  let dir: string;
  let child: ChildProcess | undefined;
  const received: Envelope[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'services/ingest'], { cwd: ROOT, stdio: 'inherit' });
    broker = await startBroker({ name: 'ingest-crash' });
    bus = createBus(broker.url, {});
    await bus.connect();
    await bus.subscribe(DESTINATIONS.fileReceived, async (m) => {
      received.push(decodeEnvelope(m.body));
    });
    dir = await mkdtemp(path.join(os.tmpdir(), 'ingest-crash-'));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await bus?.close();
    await broker?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function startIngest(): ChildProcess {
    const proc = spawn(process.execPath, [MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        STORE_KIND: 'embedded',
        STORE_ROOT: path.join(dir, 'store'),
        BROKER_URL: broker.url,
        HTTP_PORT: '0',
        PARTNERS_FILE: path.join(dir, 'partners.json'),
        PGP_PRIVATE_KEY_FILE: path.join(dir, 'platform.key.asc'),
        INGEST_POLL_INTERVAL_MS: '100',
        INGEST_CLAIM_LEASE_MS: '2000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return proc;
  }

  it('when the process is SIGKILLed while a 120 MB file streams, then after a restart the file is published (same id every time) and archived, and SIGTERM then exits 0', async () => {
    const [platform, partner] = await Promise.all([
      generateKeyPair({ userId: { name: 'platform', email: 'p@ediflow.invalid' } }),
      generateKeyPair({ userId: { name: 'partner', email: 'a@ediflow.invalid' } }),
    ]);
    await writeFile(path.join(dir, 'platform.key.asc'), platform.privateKeyArmored);
    await writeFile(
      path.join(dir, 'partners.json'),
      JSON.stringify({ version: 1, partners: [{ id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], pgpPublicKeys: [partner.publicKeyArmored] }] }),
    );
    const plain = x12('ACME', 'EDIFLOW', SIZE);
    const digest = createHash('sha256').update(plain).digest('hex');
    const [platformPublic] = await loadPublicKeys([platform.publicKeyArmored]);
    const cipher = Buffer.from(await encryptBuffer(plain, { encryptionKeys: platformPublic, signingKeys: await loadPrivateKey(partner.privateKeyArmored) }));
    const store = new EmbeddedObjectStore({ root: path.join(dir, 'store') });
    const key = 'inbound/acme/BIG_CLAIMS.pgp';
    const { etag } = await store.put(key, cipher);
    const fileId = fileIdFor('ediflow', key, etag);

    child = startIngest();
    // Kill once the plaintext is partly written (data file growing, not committed).
    await waitFor('plaintext half written', async () => ((await bytesUnder(path.join(dir, 'store', 'work'))) > SIZE / 4 ? true : undefined), 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    expect(await store.head(`work/${fileId}/source.x12`)).toBeUndefined();
    expect(received).toEqual([]);
    expect(await store.head(key)).toBeDefined();

    child = startIngest();
    const message = await waitFor('FileReceived after restart', async () => received[0], 90_000);
    await waitFor('upload removed', async () => ((await store.head(key)) ? undefined : true), 30_000);
    expect(message).toMatchObject({ id: fileId, fileId, partnerId: 'acme' });
    expect(received.every((m) => m.id === fileId)).toBe(true);
    expect(createHash('sha256').update(await readAll((await store.get(`work/${fileId}/source.x12`)).body)).digest('hex')).toBe(digest);
    expect((await store.head(`archive/${fileId}/original`))?.size).toBe(cipher.length);

    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
