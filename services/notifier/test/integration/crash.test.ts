/**
 * Crash safety against the real broker: a notifier process (dist/main.js) on the
 * integration ActiveMQ is SIGKILLed mid-stream; a second one takes over. Every
 * message must reach the receiver (counted by distinct Idempotency-Key), none
 * dead-lettered, none lost. The second process then stops on SIGTERM with exit 0.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StompBus } from '@ediflow/bus';
import { EmbeddedObjectStore } from '@ediflow/store';
import { publishEnvelope, contentDigestOf, transactionIdFor } from '@ediflow/messages';
import { waitFor } from '@ediflow/testkit';
import { Receiver, SECRET } from './helpers';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../../../..');
const MAIN = join(ROOT, 'services/notifier/dist/main.js');

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

async function ready(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`);
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
}

describe('notifier process killed mid-stream', () => {
  const brokerUrl = process.env.ACTIVEMQ_A_URL ?? '';
  let dir: string;
  let receiver: Receiver | undefined;
  let bus: StompBus | undefined;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'services/notifier'], { cwd: ROOT, stdio: 'pipe' });
    dir = mkdtempSync(join(tmpdir(), 'notifier-crash-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await bus?.close();
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the process is SIGKILLed while delivering, then a restarted one delivers every message (once per key at the receiver) and nothing is dead-lettered', async () => {
    expect(brokerUrl).toMatch(/^stomp/);
    const run = Date.now().toString(36);
    const subscriptionId = `crash-${run}`;
    const input = `/queue/edi.test.notifier.crash.${run}`;
    // Every key fails once (503) before it succeeds, so retries are in flight when the kill lands.
    receiver = await new Receiver((_key, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200, delayMs: 20 })).start();
    // The subscription lives in the partner registry, where the service reads it by default (PARTNERS_FILE).
    const partnersFile = join(dir, 'partners.json');
    writeFileSync(
      partnersFile,
      JSON.stringify({
        version: 1,
        partners: [
          {
            id: 'acme-health', name: 'Acme Health', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], requireSignature: false,
            subscriptions: [{ id: subscriptionId, url: receiver.url, maxConcurrency: 4, auth: [{ type: 'hmac', secrets: [{ env: 'HOOK_SECRET' }] }] }],
          },
        ],
      }),
    );
    const storeRoot = join(dir, 'store');
    const logs: string[] = [];
    const start = async (): Promise<{ child: ChildProcess; port: number }> => {
      const port = await freePort();
      const child = spawn(process.execPath, [MAIN], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          BROKER_URL: brokerUrl,
          STORE_KIND: 'embedded',
          STORE_ROOT: storeRoot,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
          LOG_LEVEL: 'warn',
          HOOK_SECRET: SECRET,
          PARTNERS_FILE: partnersFile,
          NOTIFIER_INPUT_QUEUE: input,
          NOTIFIER_RETRY_BASE_MS: '20',
          NOTIFIER_RETRY_MAX_MS: '100',
          NOTIFIER_MAX_ATTEMPTS: '10',
          NOTIFIER_TIMEOUT_MS: '5000',
          // Every key's first answer is a 503: keep the breaker out of this test.
          NOTIFIER_CIRCUIT_FAILURES: '100000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (c: Buffer) => logs.push(c.toString()));
      child.stderr?.on('data', (c: Buffer) => logs.push(c.toString()));
      children.push(child);
      await waitFor(`notifier readiness (${logs.join('').slice(-2000)})`, () => ready(port), 60_000);
      return { child, port };
    };

    const first = await start();
    bus = new StompBus(brokerUrl, {});
    await bus.connect();
    const store = new EmbeddedObjectStore({ root: storeRoot });
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const id = transactionIdFor({ partnerId: 'acme-health', interchangeControlNumber: `${run}${i}`, groupControlNumber: '1', transactionControlNumber: String(i), transactionIndex: 1, contentDigest: contentDigestOf(Buffer.from(`${i}`)) });
      ids.push(id);
      await publishEnvelope({ bus, store }, input, {
        type: 'TransactionTranslated',
        version: 1,
        id,
        fileId: `file-${run}`,
        partnerId: 'acme-health',
        occurredAt: new Date().toISOString(),
        body: { transactionSet: '837', n: i },
      });
    }
    await waitFor('some deliveries before the kill', () => (receiver?.processed.size ?? 0) >= 8, 30_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; requests=${receiver?.requests.length}; log: ${logs.join('').slice(-3000)}`);
    });
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    const processedAtKill = receiver.processed.size;
    expect(processedAtKill).toBeLessThan(ids.length);

    const second = await start();
    await waitFor(`all deliveries after restart (${receiver.processed.size}/${ids.length})`, () => receiver?.processed.size === ids.length, 60_000);
    expect([...receiver.processed].sort()).toEqual([...ids].sort());
    expect(receiver.requests.every((q) => q.verified)).toBe(true);
    const deadLetterDir = join(storeRoot, 'deadletters');
    expect(readdirSync(storeRoot).includes('deadletters') ? readdirSync(deadLetterDir) : []).toEqual([]);

    const code = new Promise<number | null>((r) => second.child.once('exit', (c) => r(c)));
    second.child.kill('SIGTERM');
    expect(await code).toBe(0);
  });
});
