/**
 * The decompression openpgp uses, measured and bounded where it happens.
 *
 * openpgp 6 inflates compressed packets with the global DecompressionStream (it looks the
 * constructor up at each message). Two things are wrong with leaving it at that:
 * - A decompression bomb can only be judged against the ciphertext read so far, and openpgp's
 *   stages read ahead: on Node 24 about 230 KB, so a check at 250:1 let ~57 MB of zeros out
 *   before it tripped.
 * - On Node 20 the built-in DecompressionStream takes all its input before it gives output:
 *   a compressed 8 MB message was read to its last byte before the first plaintext byte came
 *   out (a 2 GB compressed file would sit in memory).
 * GuardedDecompressionStream inflates with node:zlib inside a TransformStream that waits for
 * each chunk to be inflated (so backpressure holds on every Node version) and counts the
 * compressed bytes in against the bytes out: past the floor, more than the ratio fails the
 * stream at once, after about the floor of output. The limits come from the decrypt call that
 * created the stream (an AsyncLocalStorage scope); outside one it only inflates.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import zlib from 'node:zlib';

export interface InflateLimits {
  /** Bytes out per compressed byte in. */
  maxRatio: number;
  /** Output below which the ratio is not checked. */
  floorBytes: number;
}

const scope = new AsyncLocalStorage<InflateLimits>();

/** Runs `fn` with these limits for every compressed packet openpgp inflates inside it. */
export function withInflateLimits<T>(limits: InflateLimits, fn: () => T): T {
  return scope.run(limits, fn);
}

/** The message of the error a guarded stream fails with; decrypt maps it to PGP_TOO_LARGE. */
export const EXPANSION_EXCEEDED = 'compressed data expands past the allowed ratio';

export class ExpansionExceededError extends Error {
  constructor(
    readonly ratio: number,
    readonly inBytes: number,
    readonly outBytes: number,
  ) {
    super(EXPANSION_EXCEEDED);
    this.name = 'ExpansionExceededError';
  }
}

type Format = 'deflate' | 'deflate-raw' | 'gzip';

const SLICE_BYTES = 4 * 1024;

function inflaterFor(format: Format): zlib.Inflate | zlib.InflateRaw | zlib.Gunzip {
  if (format === 'deflate') return zlib.createInflate();
  if (format === 'deflate-raw') return zlib.createInflateRaw();
  if (format === 'gzip') return zlib.createGunzip();
  throw new TypeError(`unsupported compression format ${String(format)}`);
}

export class GuardedDecompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;

  constructor(format: Format) {
    const limits = scope.getStore();
    const inflater = inflaterFor(format);
    let inBytes = 0;
    let outBytes = 0;
    let failure: Error | undefined;
    let sink: TransformStreamDefaultController<Uint8Array> | undefined;
    inflater.on('data', (chunk: Buffer) => {
      if (failure) return;
      outBytes += chunk.length;
      if (limits && outBytes > limits.floorBytes && outBytes > inBytes * limits.maxRatio) {
        failure = new ExpansionExceededError(limits.maxRatio, inBytes, outBytes);
        sink?.error(failure);
        inflater.destroy();
        return;
      }
      sink?.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    inflater.on('error', (err) => {
      failure ??= err;
    });
    const transform = new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        sink = controller;
      },
      async transform(chunk) {
        // Fed in slices, so the ratio is judged against the compressed bytes inflated so far, not a
        // whole 64 KiB chunk of them (which a bomb fills with a few GB of zeros).
        for (let o = 0; o < chunk.length; o += SLICE_BYTES) {
          if (failure) throw failure;
          const slice = chunk.subarray(o, o + SLICE_BYTES);
          inBytes += slice.length;
          // Resolves when zlib has inflated the slice and its output went out through 'data'.
          await new Promise<void>((resolve, reject) => {
            inflater.write(slice, (err) => (failure ?? err ? reject(failure ?? err) : resolve()));
          });
        }
      },
      flush() {
        if (failure) throw failure;
        return new Promise<void>((resolve, reject) => {
          inflater.once('end', () => (failure ? reject(failure) : resolve()));
          inflater.once('error', reject);
          inflater.end();
        });
      },
    });
    this.readable = transform.readable;
    this.writable = transform.writable;
  }
}

/** Makes openpgp (and anything else in this process) inflate through GuardedDecompressionStream. */
export function installGuardedDecompression(): void {
  (globalThis as { DecompressionStream: unknown }).DecompressionStream = GuardedDecompressionStream;
}
