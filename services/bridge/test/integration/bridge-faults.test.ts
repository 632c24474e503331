/**
 * Acceptance: the bridge as a child process between two real ActiveMQ brokers, three
 * routes, text and binary bodies, message groups, while in turn the target broker is
 * SIGKILLed and restarted, the bridge is SIGKILLed and restarted, and the source broker
 * is restarted. Every message arrives; duplicates carry the same idempotency key and the
 * dedupe helper drops them; bodies and types are identical; order per group holds;
 * poison messages land in the dead-letter destination and the routes keep flowing.
 *
 * Message count: BRIDGE_FAULT_MESSAGES (default 10,000, the figure; set it lower
 * for a quicker run).
 */
import { waitFor } from '@ediflow/testkit';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startBroker, type BrokerHandle } from '@ediflow/activemq';
import { StompBus, type ReceivedMessage, type Subscription } from '@ediflow/bus';
import { createDeduplicator } from '@ediflow/dedupe';

const TOTAL = Number(process.env.BRIDGE_FAULT_MESSAGES ?? 10_000);
const GROUPS = 6;
const ROOT = path.resolve(__dirname, '../../../..');
const MAIN = path.join(ROOT, 'services/bridge/dist/main.js');
const ROUTES = ['r1', 'r2', 'r3'] as const;
const MAX_BODY = 64 * 1024;

jest.setTimeout(420_000);

interface Expected {
  route: string;
  group: string;
  seq: number;
  binary: boolean;
  body: Buffer;
  explicitKey: boolean;
}

/** Deterministic body: text (UTF-8 with non-ASCII) or bytes (including NUL and 0xFF). */
function bodyFor(id: string, binary: boolean): Buffer {
  const seed = createHash('sha256').update(id).digest();
  if (binary) return Buffer.concat([Buffer.from([0, 255, 0x0a, 0x0d]), seed, Buffer.alloc(seed[0] * 4, seed[1])]);
  return Buffer.from(`msg ${id} — é ü 漢字 ${seed.toString('hex').repeat(1 + (seed[0] % 8))}`, 'utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


async function httpStatus(url: string): Promise<number> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

describe('bridge between two ActiveMQ brokers under faults', () => {
  let dir: string;
  let source: BrokerHandle;
  let target: BrokerHandle;
  let bridge: ChildProcess | undefined;
  let bridgeLog = '';
  let httpPort: number;
  let routesFile: string;
  const buses: StompBus[] = [];
  const subscriptions: Subscription[] = [];

  const spawnBridge = async (): Promise<void> => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        BRIDGE_ROUTES_FILE: routesFile,
        HTTP_PORT: String(httpPort),
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        BRIDGE_HEARTBEAT_MS: '2000',
        BRIDGE_SEND_TIMEOUT_MS: '5000',
        BRIDGE_RECONNECT_MAX_DELAY_MS: '1000',
        BRIDGE_RETRY_MAX_DELAY_MS: '500',
        BRIDGE_CLOSE_TIMEOUT_MS: '2000',
        BRIDGE_TEST_LOGIN: 'bridge',
        BRIDGE_TEST_PASSCODE: 'not-a-secret',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      bridgeLog = (bridgeLog + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    bridge = child;
    await waitFor('bridge readiness', async () => (await httpStatus(`http://127.0.0.1:${httpPort}/readyz`)) === 200, 60_000);
  };

  const killBridge = async (): Promise<void> => {
    const child = bridge;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'services/bridge'], { cwd: ROOT, stdio: 'pipe' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-faults-'));
    [source, target] = await Promise.all([
      startBroker({ name: 'bridge-src', dir: path.join(dir, 'src') }),
      startBroker({ name: 'bridge-tgt', dir: path.join(dir, 'tgt') }),
    ]);
    httpPort = await freePort();
    const standbyPort = await freePort(); // nothing listens: the bus must rotate to the live one
    routesFile = path.join(dir, 'routes.json');
    await writeFile(
      routesFile,
      JSON.stringify({
        endpoints: {
          onprem: { urls: [source.url], brokerId: 'onprem-test', loginEnv: 'BRIDGE_TEST_LOGIN', passcodeEnv: 'BRIDGE_TEST_PASSCODE' },
          cloud: { urls: [`stomp://127.0.0.1:${standbyPort}`, target.url], brokerId: 'cloud-test' },
        },
        routes: ROUTES.map((name) => ({
          name,
          from: { endpoint: 'onprem', destination: `/queue/bt.in.${name}` },
          to: { endpoint: 'cloud', destination: `/queue/bt.out.${name}` },
          maxBodyBytes: MAX_BODY,
          prefetch: 50,
          // ActiveMQ does not deliver JMSXGroupID over STOMP: the producers also carry the group
          // in x-group. r1: ordered per x-group; r2: whole-route order; r3: x-group renamed to
          // JMSXGroupID on the target and used as the lane.
          ...(name === 'r1' ? { order: 'group', groupHeader: 'x-group' } : {}),
          ...(name === 'r2' ? { order: 'all', headers: { required: ['x-batch'] } } : {}),
          // r3 also maps x-exp to the JMS expiry: a malformed one makes ActiveMQ drop the connection.
          ...(name === 'r3' ? { order: 'group', maxAttempts: 3, headers: { rename: { 'x-group': 'JMSXGroupID', 'x-exp': 'expires' } } } : {}),
        })),
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await killBridge();
    await Promise.all(subscriptions.map((s) => s.close().catch(() => undefined)));
    await Promise.all(buses.map((b) => b.close().catch(() => undefined)));
    await Promise.all([source?.stop(), target?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('when brokers and the bridge crash in turn, then every message arrives once after dedupe, intact and in group order, and poison is dead-lettered', async () => {
    const opts = { heartbeatMs: 2000, reconnectMaxDelayMs: 1000, publishTimeoutMs: 15_000, connectTimeoutMs: 60_000 };
    const producer = new StompBus(source.url, opts);
    const consumer = new StompBus(target.url, opts);
    const dlqReader = new StompBus(source.url, opts);
    buses.push(producer, consumer, dlqReader);
    await Promise.all([producer.connect(), consumer.connect(), dlqReader.connect()]);

    // ---- the consumer on the target: dedupe by idempotency-key, check everything ----
    const expected = new Map<string, Expected>();
    const dedupe = createDeduplicator({ maxEntries: TOTAL * 2 });
    const keyToId = new Map<string, string>();
    const firstSeen = new Map<string, ReceivedMessage>();
    const lastSeq = new Map<string, number>();
    const problems: string[] = [];
    let duplicates = 0;
    for (const name of ROUTES) {
      subscriptions.push(
        await consumer.subscribe(
          `/queue/bt.out.${name}`,
          async (message) => {
            const key = message.headers['idempotency-key'];
            const id = message.headers['x-id'];
            if (!key || !id) {
              problems.push(`message without key or id on ${name}`);
              return;
            }
            const known = keyToId.get(key);
            if (known !== undefined && known !== id) problems.push(`key ${key} carried by ${known} and ${id}`);
            keyToId.set(key, id);
            if (!(await dedupe.claim(key))) {
              duplicates += 1;
              return;
            }
            if (firstSeen.has(id)) problems.push(`message ${id} arrived under two different keys`);
            firstSeen.set(id, message);
            const want = expected.get(id);
            if (!want) {
              problems.push(`unexpected message ${id}`);
              return;
            }
            if (!message.body.equals(want.body)) problems.push(`body of ${id} differs`);
            if ((message.binary ?? false) !== want.binary) problems.push(`type of ${id} differs (binary=${String(message.binary)})`);
            const lane = `${want.route}/${want.group}`;
            if (want.route !== 'r3' && message.headers['x-group'] !== want.group) problems.push(`group header of ${id} is ${message.headers['x-group']}`);
            const last = lastSeq.get(lane) ?? -1;
            if (want.seq <= last) problems.push(`order broken in ${lane}: ${want.seq} after ${last}`);
            lastSeq.set(lane, Math.max(last, want.seq));
          },
          { prefetch: 100 },
        ),
      );
    }

    const deadLetters: ReceivedMessage[] = [];
    for (const name of ROUTES) {
      subscriptions.push(await dlqReader.subscribe(`DLQ.bridge.${name}`, async (m) => void deadLetters.push(m)));
    }

    await spawnBridge();

    // ---- the producer on the source ----
    const seqs = new Map<string, number>();
    let produced = 0;
    const produceOne = async (i: number): Promise<void> => {
      const route = ROUTES[i % 3];
      const group = `G${Math.floor(i / 3) % GROUPS}`;
      const lane = `${route}/${group}`;
      const seq = seqs.get(lane) ?? 0;
      seqs.set(lane, seq + 1);
      const id = `m${i}`;
      const binary = i % 2 === 1;
      const explicitKey = route !== 'r3'; // r3: the bridge derives the key from broker id + destination + message-id
      const body = bodyFor(id, binary);
      expected.set(id, { route, group, seq, binary, body, explicitKey });
      const headers: Record<string, string> = { 'x-id': id, 'x-batch': 'b1', 'correlation-id': `corr-${id}`, JMSXGroupID: group, 'x-group': group };
      if (explicitKey) headers['idempotency-key'] = `key-${id}`;
      await producer.publish(`/queue/bt.in.${route}`, body, { binary, headers, contentType: binary ? 'application/octet-stream' : 'text/plain; charset=utf-8' });
      produced += 1;
    };
    // Sends of one group must be in order: one sender per (route, group) lane, lanes in parallel.
    const produceAll = async (from: number, to: number): Promise<void> => {
      const lanes = new Map<string, number[]>();
      for (let i = from; i < to; i += 1) {
        const lane = `${ROUTES[i % 3]}/${Math.floor(i / 3) % GROUPS}`;
        lanes.set(lane, [...(lanes.get(lane) ?? []), i]);
      }
      await Promise.all([...lanes.values()].map(async (indexes) => {
        for (const i of indexes) await produceOne(i);
      }));
    };
    const poison = async (): Promise<void> => {
      // Over the size limit on r1, and missing a required header on r2.
      await producer.publish('/queue/bt.in.r1', Buffer.alloc(MAX_BODY + 1, 7), { binary: true, headers: { 'x-id': 'poison-size', 'idempotency-key': 'key-poison-size' } });
      await producer.publish('/queue/bt.in.r2', 'no batch header', { contentType: 'text/plain', headers: { 'x-id': 'poison-header', JMSXGroupID: 'GP' } });
      // Refused by the target (it closes the connection on the malformed expiry) on every attempt.
      await producer.publish('/queue/bt.in.r3', 'bad expiry', { contentType: 'text/plain', headers: { 'x-id': 'poison-target', 'x-group': 'GP', 'x-exp': 'soon' } });
    };

    const timeline: string[] = [];
    const mark = (what: string): void => {
      timeline.push(`${what} at produced=${produced} received=${firstSeen.size}`);
    };
    const production = (async () => {
      await produceAll(0, Math.floor(TOTAL / 2));
      await poison();
      await produceAll(Math.floor(TOTAL / 2), TOTAL);
    })();

    // 1. the target broker crashes and comes back
    await waitFor('traffic before the target crash', () => firstSeen.size >= TOTAL * 0.15, 120_000);
    mark('target SIGKILL');
    await target.kill();
    await sleep(1500);
    await target.start();
    mark('target restarted');

    // 2. the bridge crashes and comes back
    await waitFor('traffic before the bridge crash', () => firstSeen.size >= TOTAL * 0.45, 180_000);
    mark('bridge SIGKILL');
    await killBridge();
    await sleep(500);
    await spawnBridge();
    mark('bridge restarted');

    // 3. the source broker restarts (after the producer is done: a producer's own resend would be a new JMS message)
    await production;
    mark('source restart');
    await source.stop();
    await source.start();
    mark('source restarted');

    await waitFor(`all ${TOTAL} messages (have ${firstSeen.size})`, () => firstSeen.size >= TOTAL, 240_000);
    await waitFor('three dead letters', () => deadLetters.length >= 3, 60_000);
    await sleep(1000); // late duplicates still go through the checks
    process.stdout.write(`bridge fault test: ${TOTAL} messages, ${duplicates} duplicates dropped\n  ${timeline.join('\n  ')}\n`);

    expect(problems).toEqual([]);
    expect(firstSeen.size).toBe(TOTAL);
    for (const [id, want] of expected) {
      const got = firstSeen.get(id);
      expect(got).toBeDefined();
      if (want.explicitKey) expect(got?.headers['idempotency-key']).toBe(`key-${id}`);
      else expect(got?.headers['idempotency-key']).toMatch(/^[0-9a-f]{64}$/);
      expect(got?.headers['correlation-id']).toBe(`corr-${id}`);
    }

    const byId = new Map(deadLetters.map((m) => [m.headers['x-id'], m]));
    const size = byId.get('poison-size');
    expect(size?.headers['x-dead-letter-code']).toBe('BRIDGE_TOO_LARGE');
    expect(size?.headers['x-attempt']).toBe('1');
    expect(size?.headers['x-bridge-route']).toBe('r1');
    expect(size?.body.length).toBe(MAX_BODY + 1);
    const header = byId.get('poison-header');
    expect(header?.headers['x-dead-letter-code']).toBe('BRIDGE_MISSING_HEADER');
    expect(header?.headers['x-dead-letter-reason']).toContain('x-batch');
    expect(header?.binary).toBe(false);
    expect(header?.body.toString('utf8')).toBe('no batch header');

    const refused = byId.get('poison-target');
    expect(refused?.headers['x-dead-letter-code']).toBe('BRIDGE_TARGET_DROPPED');
    expect(refused?.headers['x-attempt']).toBe('3');
    expect(refused?.headers['x-bridge-route']).toBe('r3');
    expect(deadLetters).toHaveLength(3);

    expect(await httpStatus(`http://127.0.0.1:${httpPort}/readyz`)).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toMatch(/ediflow_bridge_messages_total\{route="r3"\} \d+/);
    expect(metrics).toMatch(/ediflow_bridge_endpoint_connected\{endpoint="cloud"\} 1/);
  });
});
