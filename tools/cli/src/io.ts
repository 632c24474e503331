import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { InvalidInputError } from '@ediflow/errors';

/** Where a command writes: process.stdout/stderr in the binary, collecting streams in tests. */
export interface OutStream {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** A terminal (progress bar only then). */
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: Readable;
  /** Inputs larger than this get a progress bar on a TTY stderr (default 50 MB). */
  progressThresholdBytes?: number;
  /** Clock for acknowledgment dates and progress redraws (default: the real one). */
  now?: () => Date;
}

/** A bad command line: the binary prints the message and exits with status 2. */
export class UsageError extends InvalidInputError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/** Writes and waits for 'drain' when the stream asks for it (bounded memory on big outputs). */
export async function write(out: OutStream, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out as unknown as NodeJS.EventEmitter, 'drain');
}

export interface Input {
  /** The byte chunks of the input. */
  source: AsyncIterable<Buffer>;
  /** Size in bytes when known (a regular file). */
  size?: number;
  /** 'stdin' or the path given. */
  name: string;
}

export const DEFAULT_PROGRESS_THRESHOLD = 50 * 1024 * 1024;

/** Opens FILE or '-' (stdin). A missing or unreadable path is a UsageError naming the path. */
export async function openInput(path: string, io: CliIo): Promise<Input> {
  if (path === '-') return { source: io.stdin as AsyncIterable<Buffer>, name: 'stdin' };
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new UsageError(`${path} is a directory, not a file`);
    size = s.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`);
  }
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const threshold = io.progressThresholdBytes ?? DEFAULT_PROGRESS_THRESHOLD;
  const source = wantsProgress(size, io.stderr, threshold) ? withProgress(stream, new ProgressBar(size, io.stderr, io.now)) : (stream as AsyncIterable<Buffer>);
  return { source, size, name: path };
}

/** A progress bar is drawn only for a known size above the threshold, and only when stderr is a terminal. */
export function wantsProgress(size: number | undefined, stderr: OutStream, threshold = DEFAULT_PROGRESS_THRESHOLD): boolean {
  return size !== undefined && size > threshold && stderr.isTTY === true;
}

/** A one-line bar on a terminal, redrawn with '\r' at most every 100 ms, cleared at the end. */
export class ProgressBar {
  private done = 0;
  private lastDraw = -Infinity;
  constructor(
    private readonly total: number,
    private readonly out: OutStream,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The text of the bar for `done` bytes (exported for tests). */
  render(done: number): string {
    const width = Math.max(10, Math.min(50, (this.out.columns ?? 80) - 30));
    const ratio = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const filled = Math.round(ratio * width);
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${mb(done)}/${mb(this.total)} MB`;
  }

  advance(bytes: number): void {
    this.done += bytes;
    const t = this.now().getTime();
    if (t - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = t;
    this.out.write(`\r${this.render(this.done)}`);
  }

  finish(): void {
    this.out.write(`\r${' '.repeat(this.render(this.total).length)}\r`);
  }
}

async function* withProgress(source: AsyncIterable<Buffer>, bar: ProgressBar): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) {
      bar.advance(chunk.length);
      yield chunk;
    }
  } finally {
    bar.finish();
  }
}
