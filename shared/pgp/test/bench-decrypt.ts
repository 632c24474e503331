/**
 * Decrypt+verify throughput of decryptStream against openpgp's own decrypt of the
 * same signed message. A helper for the benchmark suite (not a test, not in src):
 *   benchmarkDecrypt(100 * 1024 * 1024)
 * Run alone: compile with tsc and `node bench-decrypt.js [sizeMB]`.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, encryptBuffer } from '@ediflow/pgp';
import { openpgp } from '../src/openpgp';
import { makeParty, patternBytes } from './helpers';

export interface DecryptBenchmark {
  sizeBytes: number;
  cipherBytes: number;
  /** openpgp.decrypt on the whole message in memory, signature awaited. */
  rawInMemoryMBps: number;
  /** openpgp.decrypt on a web stream of 1 MiB chunks (allowUnauthenticatedStream), drained, signature awaited. */
  rawStreamMBps: number;
  /** decryptStream from a Node Readable of 64 KiB chunks to a discarding Writable, `done` awaited. */
  decryptStreamMBps: number;
}

const MB = 1024 * 1024;

function mbps(bytes: number, startNs: bigint): number {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  return Math.round((bytes / MB / seconds) * 10) / 10;
}

function slices(buffer: Uint8Array, size = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= buffer.length) {
        this.push(null);
        return;
      }
      this.push(buffer.subarray(offset, offset + size));
      offset += size;
    },
  });
}

export async function benchmarkDecrypt(sizeBytes: number): Promise<DecryptBenchmark> {
  const [us, partner] = await Promise.all([makeParty('bench-us'), makeParty('bench-partner')]);
  const cipher = await encryptBuffer(patternBytes(sizeBytes), { encryptionKeys: us.publicKey, signingKeys: partner.privateKey });

  let start = process.hrtime.bigint();
  const inMemory = await openpgp.decrypt({
    message: await openpgp.readMessage({ binaryMessage: cipher }),
    decryptionKeys: us.privateKey,
    verificationKeys: partner.publicKey,
    format: 'binary',
  });
  await inMemory.signatures[0].verified;
  if (inMemory.data.length !== sizeBytes) throw new Error('raw in-memory decrypt gave the wrong size');
  const rawInMemoryMBps = mbps(sizeBytes, start);

  start = process.hrtime.bigint();
  let offset = 0;
  const web = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= cipher.length) controller.close();
      else controller.enqueue(cipher.subarray(offset, (offset += MB)));
    },
  });
  const streamed = await openpgp.decrypt({
    message: await openpgp.readMessage({ binaryMessage: web }),
    decryptionKeys: us.privateKey,
    verificationKeys: partner.publicKey,
    format: 'binary',
    config: { allowUnauthenticatedStream: true },
  });
  let rawBytes = 0;
  const reader = (streamed.data as ReadableStream<Uint8Array>).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) rawBytes += r.value.length;
  await streamed.signatures[0].verified;
  if (rawBytes !== sizeBytes) throw new Error('raw streamed decrypt gave the wrong size');
  const rawStreamMBps = mbps(sizeBytes, start);

  start = process.hrtime.bigint();
  const { plaintext, done } = decryptStream(slices(cipher), {
    decryptionKey: us.privateKey,
    verificationKeys: [partner.publicKey],
    requireSignature: true,
    maxDecompressedBytes: sizeBytes,
  });
  await pipeline(plaintext, new Writable({ write: (_chunk, _enc, callback) => callback() }));
  const result = await done;
  if (result.bytes !== sizeBytes || !result.signatureVerified) throw new Error('decryptStream gave a wrong result');
  const decryptStreamMBps = mbps(sizeBytes, start);

  return { sizeBytes, cipherBytes: cipher.length, rawInMemoryMBps, rawStreamMBps, decryptStreamMBps };
}

if (require.main === module) {
  const sizeMb = Number(process.argv[2] ?? '100');
  benchmarkDecrypt(sizeMb * MB).then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
