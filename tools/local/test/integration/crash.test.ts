/**
 * Nothing lost under `npm start` (DESIGN.md invariant 1, on the embedded defaults): a file of
 * 1,000 transaction sets goes through the real process, which is killed with SIGKILL while the
 * file is ingested, while it is translated and while callbacks go out, and stopped once with
 * SIGTERM; after each it is started again. In the end every set has reached the receiver, and
 * every repeat carried the key of the first delivery.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, Restartable, checkDeliveries, startRecordingSink, waitUntil, write837 } from './crash-kit';

jest.setTimeout(240_000);

const SETS = 1000;

describe('npm start under SIGKILL and SIGTERM', () => {
  let home: string;
  let sink: Awaited<ReturnType<typeof startRecordingSink>>;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ediflow-crash-'));
    sink = await startRecordingSink();
  });

  afterAll(async () => {
    await sink?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('when the process is killed during ingest, translation and delivery and stopped once, then every set is delivered, each repeat with its key', async () => {
    const file = path.join(home, 'claims.837');
    const st02s = await write837(file, SETS);
    const subscriptions = path.join(home, 'subscriptions.json');
    await writeFile(subscriptions, JSON.stringify({ version: 1, subscriptions: [{ id: 'crash-sink', partnerId: 'demo-partner', url: sink.url }] }));
    const { STORE_ROOT: _store, BUS_DIR: _bus, BROKER_URL: _broker, ...inherited } = process.env;
    const env = {
      ...inherited,
      EDIFLOW_HOME: home,
      HTTP_PORT: '0',
      DEMO_SINK_PORT: '0',
      SFTP_PORT: '0',
      CONSOLE_PORT: '0',
      LOG_LEVEL: 'info',
      NOTIFIER_SUBSCRIPTIONS_FILE: subscriptions,
      NOTIFIER_RETRY_BASE_MS: '50',
      // A killed process's claim on the upload is taken over after this.
      INGEST_CLAIM_LEASE_MS: '2000',
    };
    const app = new Restartable('npm start', path.join(ROOT, 'tools/local/dist/start.js'), env);
    const boot = async () => {
      const from = app.output.length;
      app.start();
      await app.waitForOutput('ediflow is running', 60_000, from);
    };
    const deliveredSets = () => new Set(sink.deliveries.map((d) => d.st02)).size;
    const kills: string[] = [];

    try {
      await boot();
      // 1. While the upload is being ingested.
      await promisify(execFile)(process.execPath, [path.join(ROOT, 'tools/local/dist/demo.js'), file], { env });
      // The upload is claimed and its plaintext is being written under work/.
      await waitUntil(() => existsSync(path.join(home, 'store', 'claims')) && existsSync(path.join(home, 'store', 'work')), 30_000, 'ingest under way');
      kills.push(`SIGKILL in ingest (published: ${app.output.includes('"msg":"file received"')})`);
      await app.signal('SIGKILL');

      // 2. While the file is translated: its FileReceived is out, its outcome not yet.
      let from = app.output.length;
      await boot();
      await app.waitForOutput('"msg":"file received"', 60_000, from);
      await waitUntil(() => sink.deliveries.length >= 1 || app.output.indexOf('"msg":"file translated"', from) >= 0, 60_000, 'translation under way');
      kills.push(`SIGKILL in translation (${deliveredSets()} sets delivered, translated: ${app.output.indexOf('"msg":"file translated"', from) >= 0})`);
      await app.signal('SIGKILL');

      // 3. While callbacks go out.
      from = app.output.length;
      await boot();
      const before = deliveredSets();
      await waitUntil(() => deliveredSets() >= Math.min(SETS - 50, before + 200), 120_000, 'callbacks under way');
      kills.push(`SIGKILL in delivery (${deliveredSets()} sets delivered)`);
      await app.signal('SIGKILL');

      // 4. SIGTERM with callbacks still going out: exit 0 within the 25 s bound.
      await boot();
      const now = deliveredSets();
      await waitUntil(() => deliveredSets() >= Math.min(SETS - 20, now + 150), 120_000, 'more callbacks');
      const term = await app.signal('SIGTERM');
      kills.push(`SIGTERM (${deliveredSets()} sets delivered, exit ${String(term.code)} in ${term.ms} ms)`);
      expect({ code: term.code, withinBound: term.ms < 25_000 }).toEqual({ code: 0, withinBound: true });

      // 5. The last start finishes the work.
      await boot();
      await waitUntil(() => deliveredSets() === SETS, 120_000, `all ${SETS} sets (${deliveredSets()} so far; ${kills.join('; ')})`);
      const result = checkDeliveries(sink.deliveries, st02s);
      process.stdout.write(`npm start crash suite: ${kills.join('; ')}; ${sink.deliveries.length} deliveries, ${result.duplicates} repeats\n`);
      expect(result.missing).toEqual([]);
      expect(result.keysPerSet).toEqual([1]);
      expect(result.setsPerKey).toEqual([1]);
    } finally {
      await app.signal('SIGKILL');
    }
  });
});
