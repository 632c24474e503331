/**
 * documentsFor over every transaction set of a read, in the read's order, on worker threads when
 * the input is large enough to pay for them: each set is independent of the others, so a file of
 * many sets is translated on every core while the caller's thread reads and writes. A small input
 * (less than `inlineBytes` of sets) never starts a thread. Results come back in input order, with
 * at most `window` sets in flight, so memory stays bounded by a few sets whatever the file's size.
 */
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FunctionalGroup, Interchange, TransactionSet, X12Event } from '@ediflow/x12';
import { documentsFor, type DocumentOptions, type SetDocuments } from './facade';
import type { SetRequest, SetReply, WireSet } from './set-wire';

export interface EachOptions extends DocumentOptions {
  /** The file id the documents name as their source. */
  fileId?: string;
  /**
   * Threads to translate on, the caller's own one of them: a number (0 or 1: the caller's thread
   * only; default DEFAULT_THREADS), the others started for this read and stopped after it, or the
   * caller's own TranslationThreads (kept).
   */
  threads?: number | TranslationThreads;
  /** Bytes of sets translated on the caller's thread before the threads start (default 2 MB, or the TranslationThreads' own). */
  inlineBytes?: number;
}

/** One event of the read, in order; a transaction set's event comes with its documents and its position in the interchange. */
export interface SetEvent {
  event: X12Event;
  set?: SetDocuments;
  transactionIndex: number;
}

/**
 * The default: on 4 cores or more, the cores (at most 4); below that, the caller's thread only. On
 * the shared 2-core bench machine two threads cost about 40 % more CPU than one and ran slower
 * (tools/bench/README.md), so two cores are not enough to gain.
 */
export const DEFAULT_THREADS = availableParallelism() >= 4 ? Math.min(4, availableParallelism()) : 1;
const INLINE_BYTES = 2 * 1024 * 1024;
/** Worker threads for `size` translating threads: the reader's own thread is one of them. */
const workersOf = (size: number): number => Math.max(1, size - 1);

/** The compiled worker next to this module (from src/ under ts-jest: the build's dist/). */
function workerFile(): string {
  const dir = basename(__dirname) === 'src' ? join(__dirname, '..', 'dist') : __dirname;
  return join(dir, 'set-worker.js');
}

/** An envelope object without what the worker does not need (the sets and segments read so far). */
const interchangeOnly = (ic: Interchange): Interchange => ({ ...ic, groups: [], loose: [], issues: [] });
const groupOnly = (g: FunctionalGroup): FunctionalGroup => ({ ...g, transactions: [], loose: [], issues: [] });

interface Pending {
  worker: number;
  resolve: (set: SetDocuments) => void;
  reject: (err: Error) => void;
}

/** The documents of a reply, as Buffers over the memory that moved from the worker (no copy). */
function fromWire(w: WireSet): SetDocuments {
  const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  const { lines, documents, ...rest } = w;
  return { ...rest, documents: documents.map((d) => ({ ...d, bytes: buf(d.bytes) })), ...(lines === undefined ? {} : { lines: lines.map(buf) }) };
}

/**
 * Translation threads that live as long as their owner (a service keeps one for all its files, so
 * the threads' compiled code is warm). The threads start on the first set sent. A thread that
 * fails fails the sets it holds and is replaced by a new one on the next set.
 */
export class TranslationThreads {
  private readonly workers: (Worker | undefined)[];
  private readonly load: number[];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private closed = false;

  /** Worker threads: `size` less the reader's own thread, which translates its share too. */
  readonly workerCount: number;

  /**
   * `size`: the threads that translate, the reader's own one of them (2: one worker thread, every
   * other set on the reader's thread); `inlineBytes`: bytes of sets a read translates on its own
   * thread before it uses the workers.
   */
  constructor(readonly size: number = DEFAULT_THREADS, readonly inlineBytes: number = INLINE_BYTES) {
    this.workerCount = workersOf(size);
    this.workers = new Array<Worker | undefined>(this.workerCount).fill(undefined);
    this.load = new Array<number>(this.workerCount).fill(0);
  }

  private worker(i: number): Worker {
    const existing = this.workers[i];
    if (existing !== undefined) return existing;
    const w = new Worker(workerFile());
    w.unref();
    w.on('message', (reply: SetReply) => this.settle(reply));
    w.on('error', (err) => this.lost(i, w, err));
    w.on('exit', (code) => this.lost(i, w, new Error(`translation thread stopped (exit code ${code})`)));
    this.workers[i] = w;
    return w;
  }

  /** documentsFor of one set on the least busy thread. */
  run(tx: TransactionSet, interchange: Interchange, group: FunctionalGroup, transactionIndex: number, fileId: string | undefined, options: DocumentOptions): Promise<SetDocuments> {
    if (this.closed) return Promise.reject(new Error('translation threads closed'));
    const id = this.next++;
    // a copy of the set's bytes in memory of its own, moved to the worker (the read's block stays here)
    const bytes = Buffer.from(new ArrayBuffer(tx.bytes.length));
    tx.bytes.copy(bytes);
    let k = 0;
    for (let i = 1; i < this.workerCount; i++) if (this.load[i] < this.load[k]) k = i;
    const request: SetRequest = {
      id, init: tx.initWith(bytes), interchange: interchangeOnly(interchange), group: groupOnly(group),
      ...(fileId === undefined ? {} : { fileId }), transactionIndex, options,
    };
    const worker = this.worker(k);
    this.load[k]++;
    if (this.load[k] === 1) worker.ref();
    return new Promise<SetDocuments>((resolve, reject) => {
      this.pending.set(id, { worker: k, resolve, reject });
      worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
    });
  }

  private done(i: number): void {
    this.load[i]--;
    if (this.load[i] === 0) this.workers[i]?.unref();
  }

  private settle(reply: SetReply): void {
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    this.done(p.worker);
    if (reply.set !== undefined) p.resolve(fromWire(reply.set));
    else p.reject(Object.assign(new Error(reply.error?.message ?? 'translation thread failed'), reply.error?.code === undefined ? {} : { code: reply.error.code }));
  }

  private lost(i: number, w: Worker, err: Error): void {
    if (this.workers[i] !== w) return;
    this.workers[i] = undefined;
    this.load[i] = 0;
    if (this.closed) return;
    for (const [id, p] of this.pending) {
      if (p.worker !== i) continue;
      this.pending.delete(id);
      p.reject(err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const ws = this.workers.filter((w): w is Worker => w !== undefined);
    this.workers.fill(undefined);
    for (const p of this.pending.values()) p.reject(new Error('translation threads closed'));
    this.pending.clear();
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

interface Slot {
  event: X12Event;
  transactionIndex: number;
  set?: SetDocuments;
  running?: Promise<SetDocuments>;
}

/**
 * The read's events in order, each transaction set with its documents (documentsFor with the
 * context the callers give it: the interchange and group read, the file id, the set's position in
 * its interchange).
 */
export async function* documentsForEach(events: AsyncIterable<X12Event>, options: EachOptions = {}): AsyncGenerator<SetEvent> {
  const threads = options.threads ?? DEFAULT_THREADS;
  const size = typeof threads === 'number' ? threads : threads.size;
  const inlineBytes = options.inlineBytes ?? (typeof threads === 'number' ? INLINE_BYTES : threads.inlineBytes);
  const window = 4 * workersOf(size);
  const { threads: _t, inlineBytes: _i, fileId, ...documentOptions } = options;
  const queue: Slot[] = [];
  let pool: TranslationThreads | undefined;
  let seen = 0;
  let position = 0;
  let inFlight = 0;
  let turn = 0;
  const settled = async (slot: Slot): Promise<SetEvent> => {
    if (slot.running === undefined) return slot;
    inFlight--;
    return { event: slot.event, transactionIndex: slot.transactionIndex, set: await slot.running };
  };
  try {
    for await (const event of events) {
      if (event.type === 'interchangeStart') position = 0;
      if (event.type !== 'transaction') queue.push({ event, transactionIndex: position });
      else {
        position += 1;
        const { transaction: tx, interchange, group } = event;
        seen += tx.bytes.length;
        if (pool === undefined && size > 1 && seen > inlineBytes) pool = typeof threads === 'number' ? new TranslationThreads(size) : threads;
        // with threads, the reader's thread takes every size-th set itself
        if (pool === undefined || ++turn % size === 0) {
          const set = documentsFor(tx, { interchange, group, transactionIndex: position, ...(fileId === undefined ? {} : { fileId }) }, documentOptions);
          queue.push({ event, set, transactionIndex: position });
        } else {
          const running = pool.run(tx, interchange, group, position, fileId, documentOptions);
          // a rejection is taken when its turn comes; until then it must not count as unhandled
          running.catch(() => undefined);
          queue.push({ event, transactionIndex: position, running });
          inFlight++;
        }
      }
      // what is ready at the head goes out in order; a set on a thread is waited for only past the window
      while (queue.length > 0 && (queue[0].running === undefined || inFlight > window)) yield await settled(queue.shift() as Slot);
    }
    while (queue.length > 0) yield await settled(queue.shift() as Slot);
  } finally {
    if (typeof threads === 'number') await pool?.close();
  }
}
