import { spawn } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '@ediflow/errors';
import { MemoryBus, createBus, type ReceivedMessage } from '@ediflow/bus';
import { waitFor } from '@ediflow/testkit';
import { busContract, sleep } from '../contract';

const tempDir = (label: string) => mkdtempSync(path.join(os.tmpdir(), `bus-journal-${label}-`));

busContract('MemoryBus with a journal (embedded)', () => new MemoryBus({ random: () => 0.5, journalDir: tempDir('contract') }), { deliveryMs: 2000 });

async function open(dir: string, segmentBytes?: number): Promise<MemoryBus> {
  const bus = new MemoryBus({ journalDir: dir, journalSegmentBytes: segmentBytes, closeTimeoutMs: 500 });
  await bus.connect();
  return bus;
}

function collect(bus: MemoryBus, dest: string, received: ReceivedMessage[]) {
  return bus.subscribe(dest, async (m) => {
    received.push(m);
  });
}

const segmentFiles = async (dir: string) => (await fs.readdir(dir)).filter((n) => n.endsWith('.journal'));

describe('embedded bus journal', () => {
  it('when the bus is closed and opened again, then messages never handled are delivered again, marked redelivered, and handled ones are not', async () => {
    const dir = tempDir('restart');
    const first = await open(dir);
    for (const n of [1, 2, 3]) await first.publish('q', `{"n":${n}}`, { headers: { 'idempotency-key': `k${n}` } });
    await first.publish('bin', Buffer.from([0, 1, 2, 255]), { binary: true, contentType: 'application/octet-stream' });
    const got: ReceivedMessage[] = [];
    await first.subscribe('q', async (m) => {
      got.push(m);
    }, { prefetch: 1 });
    await waitFor('three deliveries', () => got.length === 3, 2000);
    await first.close();

    const second = await open(dir);
    const again: ReceivedMessage[] = [];
    await collect(second, 'q', again);
    const bin: ReceivedMessage[] = [];
    await collect(second, 'bin', bin);
    await waitFor('the binary message', () => bin.length === 1, 2000);
    await sleep(100);
    expect(again).toEqual([]);
    expect(bin[0].body.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(bin[0].binary).toBe(true);
    expect(bin[0].redelivered).toBe(true);
    expect(bin[0].headers['content-type']).toBe('application/octet-stream');
    await second.close();
  });

  it('when a handler is still running at close, then its message is delivered again after the restart with the same headers', async () => {
    const dir = tempDir('inflight');
    const first = await open(dir);
    await first.publish('q', 'slow', { headers: { 'idempotency-key': 'k-slow', 'x-attempt': '2' } });
    let started = false;
    await first.subscribe('q', async () => {
      started = true;
      await sleep(5000);
    });
    await waitFor('the handler', () => started, 2000);
    await first.close();
    const second = await open(dir);
    const got: ReceivedMessage[] = [];
    await collect(second, 'q', got);
    await waitFor('the redelivery', () => got.length === 1, 2000);
    expect(got[0]).toMatchObject({ attempt: 2, redelivered: true, headers: expect.objectContaining({ 'idempotency-key': 'k-slow' }) });
    await second.close();
  });

  it('when a delayed retry is pending at close, then it is delivered after the restart, not before its time', async () => {
    const dir = tempDir('delay');
    const first = await open(dir);
    const published = Date.now();
    await first.publish('q', 'later', { delayMs: 600 });
    await first.close();
    const second = await open(dir);
    const got: number[] = [];
    await second.subscribe('q', async () => {
      got.push(Date.now());
    });
    await waitFor('the delayed message', () => got.length === 1, 3000);
    expect(got[0] - published).toBeGreaterThanOrEqual(590);
    await second.close();
  });

  it('when the last record was torn by a crash, then the journal opens, cuts it off, and keeps every whole message', async () => {
    const dir = tempDir('torn');
    const first = await open(dir);
    for (let i = 0; i < 5; i += 1) await first.publish('q', `m${i}`);
    await first.close();
    const [segment] = await segmentFiles(dir);
    await fs.appendFile(path.join(dir, segment), Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 1, 9, 9]));
    const second = await open(dir);
    const got: string[] = [];
    await second.subscribe('q', async (m) => {
      got.push(m.body.toString());
    });
    await waitFor('five messages', () => got.length === 5, 2000);
    await second.publish('q', 'after');
    await waitFor('the new message', () => got.length === 6, 2000);
    await second.close();
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'after']);
  });

  it('when another bus has the journal open, then opening it fails with BUS_JOURNAL_LOCKED; after it closes, it opens', async () => {
    const dir = tempDir('lock');
    const first = await open(dir);
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('BUS_JOURNAL_LOCKED');
    await first.close();
    const second = await open(dir);
    await second.close();
  });

  it('when many messages are handled and one is never consumed, then old segments are deleted and the one message survives a restart', async () => {
    const dir = tempDir('compact');
    const first = await open(dir, 4096);
    await first.publish('parked', 'dead letter nobody reads');
    const [firstSegment] = await segmentFiles(dir);
    let handled = 0;
    await first.subscribe('busy', async () => {
      handled += 1;
    });
    for (let i = 0; i < 400; i += 1) await first.publish('busy', `{"i":${i},"pad":"${'x'.repeat(100)}"}`);
    await waitFor('all handled', () => handled === 400, 5000);
    await first.publish('busy', 'one more to roll past the last acks');
    await waitFor('the last one', () => handled === 401, 2000);
    await sleep(200);
    // 400 records of ~150 bytes went through 4 KB segments: about 15 of them; only a few remain.
    expect((await segmentFiles(dir)).length).toBeLessThanOrEqual(3);
    // The parked message was copied forward: its first segment is gone.
    expect(await segmentFiles(dir)).not.toContain(firstSegment);
    await first.close();
    const second = await open(dir, 4096);
    const parked: string[] = [];
    await second.subscribe('parked', async (m) => {
      parked.push(m.body.toString());
    });
    const busy: string[] = [];
    await second.subscribe('busy', async (m) => {
      busy.push(m.body.toString());
    });
    await waitFor('the parked message', () => parked.length === 1, 2000);
    await sleep(100);
    expect(parked).toEqual(['dead letter nobody reads']);
    expect(busy).toEqual([]);
    await second.close();
  });

  it('when createBus is given "embedded" without a journal directory, then it refuses', () => {
    expect(() => createBus('embedded')).toThrow(/journal directory/);
    expect(createBus('embedded', { journalDir: tempDir('create') })).toBeInstanceOf(MemoryBus);
  });
});

/** A process that publishes until it is killed, printing each id publish() confirmed. */
const PUBLISHER = `
const { MemoryBus } = require(process.env.BUS_DIST);
(async () => {
  const bus = new MemoryBus({ journalDir: process.env.DIR, journalSegmentBytes: 64 * 1024 });
  await bus.connect();
  // Half the messages are consumed as they come, so acks and segment deletes run while the kill lands.
  await bus.subscribe('consumed', async () => {}, { prefetch: 4 });
  for (let i = 0; ; i += 1) {
    const dest = i % 2 === 0 ? 'kept' : 'consumed';
    await bus.publish(dest, JSON.stringify({ i, pad: 'p'.repeat(i % 700) }));
    if (dest === 'kept') process.stdout.write(i + '\\n');
  }
})();
`;

describe('embedded bus journal under kill -9', () => {
  it('when the process is killed while publishing, then every message publish() confirmed is there after the restart', async () => {
    const dir = tempDir('kill');
    const confirmed: number[] = [];
    const child = spawn(process.execPath, ['-e', PUBLISHER], {
      env: { ...process.env, DIR: dir, BUS_DIST: path.resolve(__dirname, '../../dist/index.js') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) confirmed.push(Number(l));
    });
    await waitFor('1500 confirmed publishes', () => confirmed.length >= 1500, 30_000);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(confirmed.length).toBeGreaterThanOrEqual(1500);

    const bus = await open(dir, 64 * 1024);
    const seen = new Set<number>();
    await bus.subscribe('kept', async (m) => {
      seen.add((JSON.parse(m.body.toString()) as { i: number }).i);
    }, { prefetch: 50 });
    await waitFor('every confirmed message', () => confirmed.every((i) => seen.has(i)), 10_000);
    await bus.close();
  }, 60_000);
});
