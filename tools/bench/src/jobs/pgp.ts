import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, loadPrivateKey, loadPublicKeys } from '@ediflow/pgp';
import type * as OpenPgp from 'openpgp' with { 'resolution-mode': 'import' };
import { elapsed, type Job } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- openpgp ships ESM types with a CommonJS Node build (see shared/pgp/src/openpgp.ts)
const openpgp = require('openpgp') as typeof OpenPgp;

interface PgpParams {
  file: string;
  /** Armored key files: ours (private) and the partner's (public, the signer). */
  privateKeyFile: string;
  publicKeyFile: string;
  plainBytes: number;
}

async function keys(p: PgpParams): Promise<{ priv: OpenPgp.PrivateKey; pub: OpenPgp.PublicKey }> {
  const priv = await loadPrivateKey(readFileSync(p.privateKeyFile, 'utf8'));
  const [pub] = await loadPublicKeys([readFileSync(p.publicKeyFile, 'utf8')]);
  return { priv, pub };
}

/** ediflow ingest path: decryptStream (signature required and verified, size cap) from a file stream to a null sink. */
export const pgpDecryptStream: Job = async (params) => {
  const p = params as unknown as PgpParams;
  const { priv, pub } = await keys(p);
  const start = process.hrtime.bigint();
  const { plaintext, done } = decryptStream(createReadStream(p.file, { highWaterMark: 1024 * 1024 }), {
    decryptionKey: priv,
    verificationKeys: [pub],
    requireSignature: true,
    maxDecompressedBytes: p.plainBytes,
  });
  await pipeline(plaintext, new Writable({ write: (_c, _e, cb) => cb() }));
  const result = await done;
  const seconds = elapsed(start);
  if (result.bytes !== p.plainBytes || !result.signatureVerified) throw new Error('decryptStream gave a wrong result');
  return { seconds, bytes: p.plainBytes, cipherBytes: statSync(p.file).size };
};

/** openpgp alone: decrypt of the same file as a web stream (allowUnauthenticatedStream), drained, signature awaited. */
export const pgpRawDecrypt: Job = async (params) => {
  const p = params as unknown as PgpParams;
  const { priv, pub } = await keys(p);
  const start = process.hrtime.bigint();
  // pull-based, like shared/pgp's nodeToWeb (Readable.toWeb reads ahead without bound)
  const chunks = createReadStream(p.file, { highWaterMark: 1024 * 1024 })[Symbol.asyncIterator]();
  const web = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = (await chunks.next()) as IteratorResult<Buffer>;
      if (r.done === true) controller.close();
      else controller.enqueue(new Uint8Array(r.value.buffer, r.value.byteOffset, r.value.length));
    },
  });
  const message = await openpgp.readMessage({ binaryMessage: web });
  const out = await openpgp.decrypt({ message, decryptionKeys: priv, verificationKeys: pub, format: 'binary', config: { allowUnauthenticatedStream: true } });
  let bytes = 0;
  const reader = (out.data as ReadableStream<Uint8Array>).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
  await out.signatures[0].verified;
  const seconds = elapsed(start);
  if (bytes !== p.plainBytes) throw new Error('raw decrypt gave the wrong size');
  return { seconds, bytes, cipherBytes: statSync(p.file).size };
};
