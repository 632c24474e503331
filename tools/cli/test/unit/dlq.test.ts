import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus, type Bus, type ReceivedMessage } from '@ediflow/bus';
import { createDlqCommand, runCli } from '@ediflow/cli';
import { createDeadLetterStore, endpointQueue, JOB_HEADERS, type DeadLetter } from '@ediflow/notifier';
import { EmbeddedObjectStore } from '@ediflow/store';
import { capture } from '../helpers';

let dir: string;
let store: EmbeddedObjectStore;

function deadLetter(messageId: string, subscriptionId: string, partnerId: string, code: string, at: string): DeadLetter {
  return {
    version: 1,
    messageId,
    subscriptionId,
    partnerId,
    fileId: `file-${messageId}`,
    code,
    reason: `endpoint answered ${code}`,
    attempts: 5,
    firstAttemptAt: at,
    deadLetteredAt: at,
    replays: 0,
    envelope: JSON.stringify({ type: 'TransactionTranslated', version: 1, id: messageId, fileId: `file-${messageId}`, partnerId, occurredAt: at, body: { n: messageId } }),
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edi-dlq-'));
  store = new EmbeddedObjectStore({ root: dir });
  const letters = createDeadLetterStore(store);
  await letters.put(deadLetter('m1', 'billing', 'acme', 'HTTP_503', '2026-11-20T10:00:00.000Z'));
  await letters.put(deadLetter('m2', 'billing', 'globex', 'TIMEOUT', '2026-11-21T10:00:00.000Z'));
  await letters.put(deadLetter('m3', 'claims', 'acme', 'HTTP_400', '2026-11-22T10:00:00.000Z'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BROKER = { BROKER_URL: 'stomp://127.0.0.1:61613' };

describe('edi dlq list', () => {
  it('when filtering by partner and date, then only the matching dead letters are listed, without envelopes', async () => {
    const command = createDlqCommand({ env: {}, store: () => store });
    const c = capture();
    expect(await runCli(['dlq', 'list', '--partner', 'acme', '--json'], c.io, [command])).toBe(0);
    const rows = JSON.parse(c.out()) as Record<string, unknown>[];
    expect(rows.map((r) => r.messageId).sort()).toEqual(['m1', 'm3']);
    expect(rows.every((r) => !('envelope' in r))).toBe(true);

    const t = capture();
    expect(await runCli(['dlq', 'list', '--since', '2026-11-21T00:00:00Z', '--code', 'TIMEOUT'], t.io, [command])).toBe(0);
    const lines = t.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DEAD-LETTERED AT\s+MESSAGE ID\s+SUBSCRIPTION\s+PARTNER\s+CODE/);
    expect(lines[1]).toMatch(/^2026-11-21T10:00:00.000Z\s+m2\s+billing\s+globex\s+TIMEOUT\s+5\s+0$/);
    expect(lines[2]).toBe('1 dead letter');
  });

  it('when an option is malformed, then exit 2 with the reason', async () => {
    const command = createDlqCommand({ env: {}, store: () => store });
    const c = capture();
    expect(await runCli(['dlq', 'list', '--since', 'yesterday'], c.io, [command])).toBe(2);
    expect(c.err()).toContain('--since must be an ISO date');
    const l = capture();
    expect(await runCli(['dlq', 'list', '--limit', '0'], l.io, [command])).toBe(2);
    expect(l.err()).toContain('--limit must be a positive integer');
  });
});

describe('edi dlq replay', () => {
  it('when replaying by subscription, then each match is published to its endpoint queue with its idempotency key and moves out of the dead letters', async () => {
    const bus = new MemoryBus();
    await bus.connect();
    const received: ReceivedMessage[] = [];
    await bus.subscribe(endpointQueue('billing'), async (m) => {
      received.push(m);
    });
    const command = createDlqCommand({ env: BROKER, store: () => store, bus: () => bus });
    const c = capture();
    expect(await runCli(['dlq', 'replay', '--subscription', 'billing', '--json'], c.io, [command])).toBe(0);
    const report = JSON.parse(c.out()) as { replayed: { messageId: string }[]; failed: unknown[] };
    expect(report.replayed.map((r) => r.messageId).sort()).toEqual(['m1', 'm2']);
    expect(report.failed).toEqual([]);
    expect(received.map((m) => m.headers[JOB_HEADERS.idempotencyKey]).sort()).toEqual(['m1', 'm2']);
    expect(received.map((m) => m.headers[JOB_HEADERS.attempt])).toEqual(['1', '1']);
    const m1 = received.find((m) => m.headers[JOB_HEADERS.idempotencyKey] === 'm1');
    expect(JSON.parse(m1!.body.toString('utf8'))).toMatchObject({ id: 'm1', body: { n: 'm1' } });

    const left = capture();
    expect(await runCli(['dlq', 'list', '--json'], left.io, [command])).toBe(0);
    expect((JSON.parse(left.out()) as { messageId: string }[]).map((r) => r.messageId)).toEqual(['m3']);
  });

  it('when replaying by id, then only those are sent', async () => {
    const bus = new MemoryBus();
    await bus.connect();
    const received: string[] = [];
    for (const s of ['billing', 'claims']) await bus.subscribe(endpointQueue(s), async (m) => void received.push(m.headers[JOB_HEADERS.idempotencyKey]));
    const c = capture();
    expect(await runCli(['dlq', 'replay', '--id', 'm3', '--id', 'm1'], c.io, [createDlqCommand({ env: BROKER, store: () => store, bus: () => bus })])).toBe(0);
    expect(c.out()).toMatch(/^replayed 2, failed 0\n/);
    expect(received.sort()).toEqual(['m1', 'm3']);
  });

  it('when BROKER_URL is memory or no selection is given, then replay refuses with exit 2 and nothing moves', async () => {
    const bus = new MemoryBus();
    const m = capture();
    expect(await runCli(['dlq', 'replay', '--all'], m.io, [createDlqCommand({ env: { BROKER_URL: 'memory' }, store: () => store, bus: () => bus })])).toBe(2);
    expect(m.err()).toContain('replay must publish to the bus the notifier consumes');
    const n = capture();
    expect(await runCli(['dlq', 'replay'], n.io, [createDlqCommand({ env: BROKER, store: () => store, bus: () => bus })])).toBe(2);
    expect(n.err()).toContain('--id, --partner, --subscription, --code, or --all');
    const left = capture();
    expect(await runCli(['dlq', 'list', '--json'], left.io, [createDlqCommand({ env: {}, store: () => store })])).toBe(0);
    expect((JSON.parse(left.out()) as unknown[]).length).toBe(3);
  });

  it('when BROKER_URL is embedded and the pipeline holds the journal, then replay refuses naming the admin endpoint; once it stopped, the replay waits in the journal', async () => {
    const journal = join(dir, 'bus');
    const running = new MemoryBus({ journalDir: journal });
    await running.connect();
    const env = { BROKER_URL: 'embedded', BUS_DIR: journal };
    const m = capture();
    expect(await runCli(['dlq', 'replay', '--id', 'm1'], m.io, [createDlqCommand({ env, store: () => store })])).toBe(2);
    expect(m.err()).toContain('/admin/deadletters/replay');
    await running.close();

    const c = capture();
    expect(await runCli(['dlq', 'replay', '--id', 'm1'], c.io, [createDlqCommand({ env, store: () => store })])).toBe(0);
    expect(c.out()).toMatch(/^replayed 1, failed 0\n/);
    const restarted = new MemoryBus({ journalDir: journal });
    await restarted.connect();
    const received: string[] = [];
    await restarted.subscribe(endpointQueue('billing'), async (msg: ReceivedMessage) => {
      received.push(msg.headers[JOB_HEADERS.idempotencyKey] ?? '');
    });
    for (let i = 0; i < 100 && received.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    await restarted.close();
    expect(received).toEqual(['m1']);
  });

  it('when the broker refuses a publish, then that dead letter is reported failed, stays listed, and exit is 1', async () => {
    const refusing = new MemoryBus(); // never connected: publish rejects with BUS_DISCONNECTED
    const bus: Bus = {
      connect: async () => undefined,
      publish: (destination, body, options) => refusing.publish(destination, body, options),
      subscribe: (destination, handler, options) => refusing.subscribe(destination, handler, options),
      isConnected: () => false,
      close: async () => undefined,
    };
    const command = createDlqCommand({ env: BROKER, store: () => store, bus: () => bus });
    const c = capture();
    expect(await runCli(['dlq', 'replay', '--id', 'm1', '--json'], c.io, [command])).toBe(1);
    expect((JSON.parse(c.out()) as { failed: unknown[] }).failed).toEqual([{ messageId: 'm1', subscriptionId: 'billing', code: 'BUS_DISCONNECTED' }]);
    const left = capture();
    expect(await runCli(['dlq', 'list', '--json'], left.io, [command])).toBe(0);
    expect((JSON.parse(left.out()) as unknown[]).length).toBe(3);
  });
});
