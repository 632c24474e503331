/**
 * The write-ahead journal that makes the in-process bus durable (`BROKER_URL=embedded`, the
 * default of `npm start`): every published message is appended and fdatasync'ed before
 * publish() resolves, every handled message gets an acknowledgment record, and on start the
 * messages without one are handed back for redelivery. A crash (kill -9, power loss after the
 * sync) loses nothing that publish() confirmed.
 *
 * Files: `<dir>/LOCK` (the pid of the process that has the journal open: one process at a
 * time) and segments `<dir>/<seq>.journal`. A record is
 *   u32 length (of what follows the checksum) | u32 crc32 | u8 kind | payload
 * PUBLISH payload: u64 id | f64 deliverAt (epoch ms, 0 = now) | u8 binary | u32 metaLength |
 * meta JSON { d: destination, h: headers } | body. ACK payload: u64 id.
 * Appends are grouped: the publishes that arrive while a sync runs share the next one.
 * A segment over the size bound is sealed and a new one started; a sealed segment is deleted
 * once all its messages are acknowledged, and one whose live messages are few (messages that
 * stay long: dead letters nobody consumes, retries scheduled far ahead) has them copied forward.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { UnavailableError } from '@ediflow/errors';
import { silentLogger, type Logger } from '@ediflow/logger';
import type { Headers } from './port';

const KIND_PUBLISH = 1;
const KIND_ACK = 2;
/** u32 length + u32 crc32. */
const PREFIX = 8;
const SEGMENT_SUFFIX = '.journal';

export interface JournalMessage {
  destination: string;
  headers: Headers;
  binary: boolean;
  /** Epoch ms before which the message is not delivered (a delayed retry); 0 for at once. */
  deliverAt: number;
  body: Buffer;
}

export interface JournaledMessage extends JournalMessage {
  id: number;
}

export interface BusJournalOptions {
  /** Size at which a segment is sealed and the next one started; default 64 MiB. */
  segmentBytes?: number;
  logger?: Logger;
}

interface Location {
  segment: Segment;
  offset: number;
  length: number;
}

interface Segment {
  seq: number;
  file: string;
  size: number;
  /** Bytes of records of unacknowledged messages. */
  liveBytes: number;
  live: Set<number>;
  sealed: boolean;
}

interface Pending {
  record: Buffer;
  sync: boolean;
  /** PUBLISH: the message id (its location is indexed once written). */
  id?: number;
  /** A live record copied forward by compaction: indexed only if still unacknowledged. */
  copy?: boolean;
  ackOf?: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function encodePublish(id: number, m: JournalMessage): Buffer {
  const meta = Buffer.from(JSON.stringify({ d: m.destination, h: m.headers }), 'utf8');
  const length = 1 + 8 + 8 + 1 + 4 + meta.length + m.body.length;
  const out = Buffer.allocUnsafe(PREFIX + length);
  let o = PREFIX;
  out[o++] = KIND_PUBLISH;
  out.writeBigUInt64LE(BigInt(id), o);
  o += 8;
  out.writeDoubleLE(m.deliverAt, o);
  o += 8;
  out[o++] = m.binary ? 1 : 0;
  out.writeUInt32LE(meta.length, o);
  o += 4;
  meta.copy(out, o);
  m.body.copy(out, o + meta.length);
  out.writeUInt32LE(length, 0);
  out.writeUInt32LE(crc32(out.subarray(PREFIX)), 4);
  return out;
}

function encodeAck(id: number): Buffer {
  const out = Buffer.allocUnsafe(PREFIX + 9);
  out[PREFIX] = KIND_ACK;
  out.writeBigUInt64LE(BigInt(id), PREFIX + 1);
  out.writeUInt32LE(9, 0);
  out.writeUInt32LE(crc32(out.subarray(PREFIX)), 4);
  return out;
}

type Decoded = { kind: 'publish'; message: JournaledMessage } | { kind: 'ack'; id: number };

function decode(payload: Buffer): Decoded {
  const kind = payload[0];
  const id = Number(payload.readBigUInt64LE(1));
  if (kind === KIND_ACK) return { kind: 'ack', id };
  if (kind !== KIND_PUBLISH) throw new Error(`unknown record kind ${kind}`);
  const deliverAt = payload.readDoubleLE(9);
  const binary = payload[17] === 1;
  const metaLength = payload.readUInt32LE(18);
  const meta = JSON.parse(payload.toString('utf8', 22, 22 + metaLength)) as { d: string; h: Headers };
  return { kind: 'publish', message: { id, destination: meta.d, headers: meta.h, binary, deliverAt, body: Buffer.from(payload.subarray(22 + metaLength)) } };
}

const segmentName = (seq: number) => `${String(seq).padStart(12, '0')}${SEGMENT_SUFFIX}`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class BusJournal {
  private readonly segments: Segment[] = [];
  private readonly index = new Map<number, Location>();
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private handle: fs.FileHandle | undefined;
  private nextId = 1;
  private closed = false;
  private failed: unknown;
  private compacting = false;
  private readonly segmentBytes: number;
  private readonly logger: Logger;

  private constructor(
    readonly dir: string,
    options: BusJournalOptions,
  ) {
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    this.logger = options.logger ?? silentLogger();
  }

  /**
   * Opens (or creates) the journal in `dir`, takes its lock, and returns it with the messages
   * that were published and never acknowledged, in publish order.
   */
  static async open(dir: string, options: BusJournalOptions = {}): Promise<{ journal: BusJournal; unacknowledged: JournaledMessage[] }> {
    await fs.mkdir(dir, { recursive: true });
    await BusJournal.lock(dir);
    const journal = new BusJournal(dir, options);
    const unacknowledged = await journal.recover();
    await journal.compact();
    return { journal, unacknowledged };
  }

  /** Journal directories this process has open: a LOCK with our own pid is ours only if listed here. */
  private static readonly held = new Set<string>();

  private static async lock(dir: string): Promise<void> {
    const lock = path.join(dir, 'LOCK');
    const key = path.resolve(dir);
    const locked = (owner: number) => new UnavailableError('BUS_JOURNAL_LOCKED', `the bus journal in ${dir} is open in process ${owner}; one process at a time`);
    if (BusJournal.held.has(key)) throw locked(process.pid);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
        BusJournal.held.add(key);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = Number.parseInt(await fs.readFile(lock, 'utf8').catch(() => ''), 10);
      // Our own pid in a LOCK we do not hold: a process before us had the pid and died.
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) throw locked(owner);
      await fs.rm(lock, { force: true });
    }
    throw new UnavailableError('BUS_JOURNAL_LOCKED', `could not take the lock of the bus journal in ${dir}`);
  }

  /** Reads every segment; truncates a torn last record (a crash in the middle of a write). */
  private async recover(): Promise<JournaledMessage[]> {
    const names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    const pending = new Map<number, JournaledMessage>();
    let maxId = 0;
    for (let i = 0; i < names.length; i += 1) {
      const seq = Number.parseInt(names[i], 10);
      const file = path.join(this.dir, names[i]);
      const bytes = await fs.readFile(file);
      const segment: Segment = { seq, file, size: 0, liveBytes: 0, live: new Set(), sealed: true };
      let o = 0;
      while (o + PREFIX <= bytes.length) {
        const length = bytes.readUInt32LE(o);
        const end = o + PREFIX + length;
        if (length < 9 || end > bytes.length || crc32(bytes.subarray(o + PREFIX, end)) !== bytes.readUInt32LE(o + 4)) break;
        const record = decode(bytes.subarray(o + PREFIX, end));
        if (record.kind === 'publish') {
          pending.set(record.message.id, record.message);
          const previous = this.index.get(record.message.id);
          if (previous) this.forget(record.message.id);
          this.index.set(record.message.id, { segment, offset: o, length: end - o });
          segment.live.add(record.message.id);
          segment.liveBytes += end - o;
          maxId = Math.max(maxId, record.message.id);
        } else {
          pending.delete(record.id);
          this.forget(record.id);
          maxId = Math.max(maxId, record.id);
        }
        o = end;
      }
      if (o < bytes.length) {
        if (i === names.length - 1) {
          this.logger.warn({ segment: names[i], bytes: bytes.length - o }, 'bus journal: torn record at the end cut off');
          await fs.truncate(file, o);
        } else {
          this.logger.error({ segment: names[i], offset: o }, 'bus journal: unreadable record in a sealed segment; the rest of that segment is skipped');
        }
      }
      segment.size = o;
      this.segments.push(segment);
    }
    this.nextId = maxId + 1;
    // Sealed segments with nothing live go now; appends go to a new segment.
    for (const s of this.segments.filter((x) => x.live.size === 0)) await this.removeSegment(s);
    await this.startSegment((this.segments.at(-1)?.seq ?? 0) + 1);
    return [...pending.values()].sort((a, b) => a.id - b.id);
  }

  /** Appends a message; resolves with its id once it is on disk (fdatasync). */
  append(message: JournalMessage): Promise<number> {
    if (this.closed) return Promise.reject(new UnavailableError('BUS_JOURNAL_CLOSED', 'the bus journal is closed'));
    if (this.failed !== undefined) return Promise.reject(new UnavailableError('BUS_JOURNAL_WRITE_FAILED', 'the bus journal could not be written', { cause: this.failed }));
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.enqueue({ record: encodePublish(id, message), sync: true, id, resolve: () => resolve(id), reject });
    });
  }

  /** Records that a message was handled. Not synced on its own: a lost ack means a redelivery, never a loss. */
  ack(id: number): void {
    if (this.closed) return;
    this.enqueue({ record: encodeAck(id), sync: false, ackOf: id, resolve: () => undefined, reject: () => undefined });
  }

  /** Writes what is queued, syncs, releases the lock. Later appends are refused; later acks ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    if (this.handle) {
      await this.handle.datasync().catch(() => undefined);
      await this.handle.close();
      this.handle = undefined;
    }
    await fs.rm(path.join(this.dir, 'LOCK'), { force: true });
    BusJournal.held.delete(path.resolve(this.dir));
  }

  /** Sizes for tests and metrics: segment files and messages not acknowledged. */
  stats(): { segments: number; unacknowledged: number } {
    return { segments: this.segments.length, unacknowledged: this.index.size };
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    this.kick();
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      const records = batch;
      this.queue = [];
      try {
        if (this.failed !== undefined) throw this.failed;
        const segment = this.active();
        const start = segment.size;
        await this.handle!.writev(records.map((p) => p.record));
        if (records.some((p) => p.sync)) await this.handle!.datasync();
        let offset = start;
        for (const p of records) {
          if (p.id !== undefined && (!p.copy || this.index.has(p.id))) {
            this.forget(p.id);
            this.index.set(p.id, { segment, offset, length: p.record.length });
            segment.live.add(p.id);
            segment.liveBytes += p.record.length;
          }
          offset += p.record.length;
        }
        segment.size = offset;
        for (const p of records) if (p.ackOf !== undefined) await this.release(p.ackOf);
        for (const p of batch) p.resolve();
        if (segment.size >= this.segmentBytes && !this.closed) await this.roll();
      } catch (err) {
        // Where a failed write left the file is unknown: nothing more is appended to it.
        this.failed ??= err;
        this.logger.error({ err: String(err) }, 'bus journal write failed');
        for (const p of batch) p.reject(new UnavailableError('BUS_JOURNAL_WRITE_FAILED', 'the bus journal could not be written', { cause: err }));
      }
    }
  }

  private active(): Segment {
    const s = this.segments.at(-1);
    if (!s || s.sealed || !this.handle) throw new UnavailableError('BUS_JOURNAL_CLOSED', 'the bus journal has no open segment');
    return s;
  }

  /** Drops a message from the index and its segment's live set. */
  private forget(id: number): Location | undefined {
    const at = this.index.get(id);
    if (!at) return undefined;
    this.index.delete(id);
    at.segment.live.delete(id);
    at.segment.liveBytes -= at.length;
    return at;
  }

  /** An acknowledged message: its sealed segment goes when nothing in it is live, or is compacted when little is. */
  private async release(id: number): Promise<void> {
    const at = this.forget(id);
    if (!at || !at.segment.sealed) return;
    if (at.segment.live.size === 0) await this.removeSegment(at.segment);
  }

  private async roll(): Promise<void> {
    const old = this.active();
    await this.handle!.close();
    this.handle = undefined;
    old.sealed = true;
    await this.startSegment(old.seq + 1);
    if (old.live.size === 0) await this.removeSegment(old);
    // Compaction appends through the queue this flush is draining: it must not be awaited here.
    void this.compact().catch((err: unknown) => this.logger.error({ err: String(err) }, 'bus journal compaction failed'));
  }

  /**
   * Copies forward the live records of sealed segments that are mostly acknowledged (a quarter
   * or less live), then deletes those segments: a few long-lived messages must not keep whole
   * segments on disk.
   */
  private async compact(): Promise<void> {
    if (this.compacting) return;
    this.compacting = true;
    try {
      for (const s of this.segments.filter((x) => x.sealed && x.live.size > 0 && x.liveBytes * 4 <= x.size)) {
        const fh = await fs.open(s.file, 'r');
        const copies: Pending[] = [];
        try {
          for (const id of [...s.live]) {
            const at = this.index.get(id);
            if (!at || at.segment !== s) continue;
            const record = Buffer.allocUnsafe(at.length);
            await fh.read(record, 0, at.length, at.offset);
            copies.push({ record, sync: true, id, copy: true, resolve: () => undefined, reject: () => undefined });
          }
        } finally {
          await fh.close();
        }
        if (copies.length === 0 || this.closed) continue;
        // Written by the next flush, before anything queued later; a copy acked meanwhile gets its ack again after it.
        await new Promise<void>((resolve, reject) => {
          const last = copies.at(-1)!;
          last.resolve = resolve;
          last.reject = reject;
          for (const c of copies) this.enqueue(c);
        });
        for (const c of copies) if (!this.index.has(c.id!)) this.ack(c.id!);
        if (s.live.size === 0) await this.removeSegment(s);
      }
    } finally {
      this.compacting = false;
    }
  }

  private async startSegment(seq: number): Promise<void> {
    const file = path.join(this.dir, segmentName(seq));
    this.handle = await fs.open(file, 'a');
    const st: Stats = await this.handle.stat();
    this.segments.push({ seq, file, size: st.size, liveBytes: 0, live: new Set(), sealed: false });
    await this.syncDir();
  }

  private async removeSegment(s: Segment): Promise<void> {
    const i = this.segments.indexOf(s);
    if (i >= 0) this.segments.splice(i, 1);
    await fs.rm(s.file, { force: true });
  }

  /** Makes a new segment's directory entry durable. */
  private async syncDir(): Promise<void> {
    const d = await fs.open(this.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
}
