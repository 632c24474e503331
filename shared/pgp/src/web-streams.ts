import type { Readable } from 'node:stream';

/**
 * Size of the chunks handed to openpgp. Its stream stages have a fixed cost per
 * chunk, so the 16 KiB chunks S3 and file streams deliver decrypt at a fraction
 * of openpgp's in-memory rate, and chunks of 256 KiB-1 MiB come close to it (the
 * `pgp` bench section measures it). Each stage queues whole chunks, so read-ahead
 * stays a few chunks (a few MB), whatever the file size.
 */
export const OPENPGP_CHUNK_BYTES = 512 * 1024;

/**
 * A pull-based web ReadableStream over a Node Readable, for openpgp 6 (whose
 * Node build refuses Node streams). Each pull reads from the Node stream only
 * until one chunk of OPENPGP_CHUNK_BYTES is gathered (small chunks are joined,
 * big ones sliced), so backpressure holds; cancelling destroys the Node stream.
 * Used instead of Readable.toWeb, whose Node 20 version pushes on 'data' and
 * threw an uncaught "Invalid state: Controller is already closed" in our tests
 * when the web side was cancelled mid-stream.
 */
export function nodeToWeb(readable: Readable, chunkBytes = OPENPGP_CHUNK_BYTES): ReadableStream<Uint8Array> {
  const iterator = readable[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
  let rest: Uint8Array | undefined;
  let ended = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const parts: Uint8Array[] = [];
        let length = 0;
        if (rest !== undefined) {
          parts.push(rest);
          length = rest.length;
          rest = undefined;
        }
        while (length < chunkBytes && !ended) {
          const r = await iterator.next();
          if (r.done === true) {
            ended = true;
            break;
          }
          const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
          parts.push(chunk);
          length += chunk.length;
        }
        if (length === 0) {
          controller.close();
          return;
        }
        const joined = parts.length === 1 ? parts[0] : Buffer.concat(parts, length);
        if (joined.length > chunkBytes) {
          rest = joined.subarray(chunkBytes);
          controller.enqueue(joined.subarray(0, chunkBytes));
        } else {
          controller.enqueue(joined);
        }
      },
      async cancel() {
        rest = undefined;
        await iterator.return?.();
        readable.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}
