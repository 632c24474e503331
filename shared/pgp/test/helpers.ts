import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { generateKeyPair, loadPrivateKey, loadPublicKeys, type PrivateKey, type PublicKey } from '@ediflow/pgp';

export interface Party {
  privateKey: PrivateKey;
  publicKey: PublicKey;
  keyId: string;
}

/** A fresh, unprotected curve25519 identity for tests. */
export async function makeParty(name: string): Promise<Party> {
  const pair = await generateKeyPair({ userId: { name, email: `${name}@example.test` } });
  const privateKey = await loadPrivateKey(pair.privateKeyArmored);
  const [publicKey] = await loadPublicKeys([pair.publicKeyArmored]);
  return { privateKey, publicKey, keyId: privateKey.getKeyID().toHex() };
}

/** Emits `buffer` in chunks of `chunkSize`, honouring backpressure. */
export function chunked(buffer: Uint8Array, chunkSize = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= buffer.length) {
        this.push(null);
        return;
      }
      const end = Math.min(offset + chunkSize, buffer.length);
      this.push(buffer.subarray(offset, end));
      offset = end;
    },
  });
}

/** Deterministic, poorly compressible bytes with CR, LF and NUL in them. */
export function patternBytes(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function collect(readable: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of readable) parts.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(parts);
}

/** A sink that hashes and counts what it receives, keeping nothing. */
export function hashingSink(): { sink: Writable; result: () => { sha256: string; bytes: number } } {
  const hash = createHash('sha256');
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback();
    },
  });
  return { sink, result: () => ({ sha256: hash.digest('hex'), bytes }) };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
