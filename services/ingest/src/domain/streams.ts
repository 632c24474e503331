import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';

/** The chunk as a Buffer without copying its bytes. */
function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Reads the first bytes of a stream without losing them: returns those bytes and a
 * stream that yields the whole content again (head first, then the rest, unbuffered).
 */
export async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done === true) break;
    const chunk = asBuffer(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield asBuffer(next.value);
    }
  }
  return { head: head.subarray(0, bytes), stream: Readable.from(replay(), { objectMode: false }) };
}

/** Passes bytes through, keeping a copy of the first `bytes` and counting the total. */
export class HeadCapture extends Transform {
  private readonly parts: Buffer[] = [];
  private captured = 0;
  total = 0;

  constructor(private readonly bytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.total += chunk.length;
    if (this.captured < this.bytes) {
      const part = chunk.subarray(0, this.bytes - this.captured);
      this.parts.push(Buffer.from(part));
      this.captured += part.length;
    }
    cb(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Counts bytes and fails the stream once it passes a limit (a file over the size limit). */
export function limitBytes(limit: number, onExceeded: () => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > limit) cb(onExceeded());
      else cb(null, chunk);
    },
  });
}

export { PassThrough };
