/**
 * SHA-256 of a put's bytes without holding the event loop. Once a stream passes
 * OFF_THREAD_FROM bytes, a worker thread reads the data file back as the writes land and hashes
 * it, while the producer (a decryptor) goes on; the digest is that of createHash('sha256') over
 * the same bytes.
 *
 * Measured with the ingest bench (200 MB signed + encrypted file, 2-core CI machine): hashing in
 * line cost the decrypting event loop ~0.2 s of ~1.8 s, the whole gap to openpgp's raw decrypt.
 * Handing the chunks to a thread instead cost as much as hashing them (the copy for postMessage
 * ran at ~1.8 GB/s, SHA-256 at ~1.4 GB/s), so the thread reads what is already on disk (page cache).
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Streams shorter than this are hashed in line (starting the thread costs more). */
const OFF_THREAD_FROM = 4 * 1024 * 1024;
/** The thread is told about newly written bytes in steps of at least this. */
const ADVANCE_STEP = 1024 * 1024;
/** The thread ends after this long without a stream (it is started again on demand). */
const IDLE_MS = 2000;

/** The hashing thread failed: the put fails (store unavailable), nothing is committed. */
export class HashThreadError extends Error {
  override readonly name = 'HashThreadError';
}

/**
 * The worker: per stream, the data file open for reading, a hash, and how far it has read.
 * `upTo` means bytes [0, upTo) are written; `end` is the final size and asks for the digest.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const files = new Map();
const buf = Buffer.allocUnsafe(1024 * 1024);
function catchUp(f, upTo) {
  while (f.at < upTo) {
    const n = readSync(f.fd, buf, 0, Math.min(buf.length, upTo - f.at), f.at);
    if (n === 0) throw new Error('the data file ends at byte ' + f.at + ' of ' + upTo);
    f.hash.update(buf.subarray(0, n));
    f.at += n;
  }
}
function drop(id) {
  const f = files.get(id);
  files.delete(id);
  if (f !== undefined) try { closeSync(f.fd); } catch {}
}
parentPort.on('message', (m) => {
  try {
    if (m.path !== undefined) {
      files.set(m.id, { fd: openSync(m.path, 'r'), hash: createHash('sha256'), at: 0 });
      return;
    }
    const f = files.get(m.id);
    if (f === undefined) return;
    if (m.upTo !== undefined) catchUp(f, m.upTo);
    else if (m.end !== undefined) {
      catchUp(f, m.end);
      drop(m.id);
      parentPort.postMessage({ id: m.id, hex: f.hash.digest('hex') });
    } else drop(m.id);
  } catch (err) {
    drop(m.id);
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

interface Remote {
  done: ((hex: string) => void) | undefined;
  failed: ((err: HashThreadError) => void) | undefined;
  error: HashThreadError | undefined;
}

type Reply = { id: number; hex: string } | { id: number; error: string };

/** The one hashing thread of the process, started on demand, ended when idle. */
class HashThread {
  private readonly worker: Worker;
  private readonly streams = new Map<number, Remote>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (m: Reply) => this.reply(m));
    this.worker.on('error', (err) => this.end(new HashThreadError(`the hashing thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => this.end(new HashThreadError(`the hashing thread exited (${code})`)));
    // after the listeners (adding a 'message' listener refs the worker again); referenced while a stream is open
    this.worker.unref();
  }

  open(path: string): number {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const id = this.nextId++;
    // a put waiting for its digest keeps the process alive; an idle thread does not
    if (this.streams.size === 0) this.worker.ref();
    this.streams.set(id, { done: undefined, failed: undefined, error: undefined });
    this.worker.postMessage({ id, path });
    return id;
  }

  advance(id: number, upTo: number): void {
    if (this.streams.get(id)?.error === undefined) this.worker.postMessage({ id, upTo });
  }

  digest(id: number, size: number): Promise<string> {
    const s = this.streams.get(id);
    if (s === undefined) return Promise.reject(new HashThreadError('the hash stream is closed'));
    return new Promise<string>((resolve, reject) => {
      if (s.error !== undefined) throw s.error;
      s.done = resolve;
      s.failed = reject;
      this.worker.postMessage({ id, end: size });
    }).finally(() => this.close(id));
  }

  abort(id: number): void {
    const s = this.streams.get(id);
    if (s === undefined) return;
    if (s.error === undefined) this.worker.postMessage({ id, abort: true });
    this.close(id);
  }

  private reply(m: Reply): void {
    const s = this.streams.get(m.id);
    if (s === undefined) return;
    if ('hex' in m) s.done?.(m.hex);
    else this.fail(s, new HashThreadError(`hashing the data file failed: ${m.error}`));
  }

  private fail(s: Remote, err: HashThreadError): void {
    s.error ??= err;
    s.failed?.(s.error);
  }

  private close(id: number): void {
    this.streams.delete(id);
    if (this.streams.size > 0) return;
    this.worker.unref();
    if (thread !== this) return;
    // open() clears the timer: when it fires, no stream is open
    this.idleTimer = setTimeout(() => {
      if (thread === this) thread = undefined;
      void this.worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  /** The thread failed or ended: every open stream fails (its put fails; nothing is committed). */
  private end(err: HashThreadError): void {
    if (thread === this) thread = undefined;
    for (const s of this.streams.values()) this.fail(s, err);
  }
}

let thread: HashThread | undefined;

/** A stream on the hashing thread, or undefined when no thread can be started (then the caller hashes in line). */
function openRemote(path: string): { thread: HashThread; id: number } | undefined {
  try {
    thread ??= new HashThread();
    return { thread, id: thread.open(path) };
  } catch {
    return undefined;
  }
}

/**
 * SHA-256 (hex) of the bytes written to the data file at `path`, in order from offset 0. The
 * writer passes each chunk to update() (chunks are kept, unchanged, until OFF_THREAD_FROM bytes
 * have come) and says through written() how far the file is written without gaps; from
 * OFF_THREAD_FROM on, the hashing thread reads the file up to there.
 */
export class StreamHash {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private remote: { thread: HashThread; id: number } | undefined;
  private inline: Hash | undefined;
  private told = 0;

  constructor(private readonly path: string) {}

  update(buf: Buffer): void {
    if (this.remote !== undefined) return;
    if (this.inline !== undefined) {
      this.inline.update(buf);
      return;
    }
    this.held.push(buf);
    this.heldBytes += buf.length;
    if (this.heldBytes < OFF_THREAD_FROM) return;
    const held = this.held;
    this.held = [];
    this.remote = openRemote(this.path);
    if (this.remote === undefined) {
      this.inline = createHash('sha256');
      for (const b of held) this.inline.update(b);
    }
  }

  /** Bytes [0, upTo) of the data file are written. */
  written(upTo: number): void {
    if (this.remote === undefined || upTo - this.told < ADVANCE_STEP) return;
    this.told = upTo;
    this.remote.thread.advance(this.remote.id, upTo);
  }

  /** The digest once all `size` bytes are written. Rejects with HashThreadError when the thread failed. */
  async digest(size: number): Promise<string> {
    if (this.remote !== undefined) return this.remote.thread.digest(this.remote.id, size);
    const h = this.inline ?? createHash('sha256');
    for (const b of this.held) h.update(b);
    this.held = [];
    return h.digest('hex');
  }

  /** Drops the stream (a failed put). */
  abort(): void {
    this.held = [];
    if (this.remote !== undefined) this.remote.thread.abort(this.remote.id);
  }
}
