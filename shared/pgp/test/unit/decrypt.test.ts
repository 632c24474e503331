import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR } from '@ediflow/testkit';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { AppError } from '@ediflow/errors';
import {
  decryptStream,
  encryptBuffer,
  encryptStream,
  PgpError,
  type DecryptOptions,
  type DecryptResult,
} from '@ediflow/pgp';
import { openpgp, type Signature } from '../../src/openpgp';
import { chunked, collect, hashingSink, makeParty, patternBytes, rejection, type Party } from '../helpers';

const MB = 1024 * 1024;
let us: Party;
let partner: Party;
let stranger: Party;

beforeAll(async () => {
  [us, partner, stranger] = await Promise.all([makeParty('us'), makeParty('partner'), makeParty('stranger')]);
});

function options(extra: Partial<DecryptOptions> = {}): DecryptOptions {
  return {
    decryptionKey: us.privateKey,
    verificationKeys: [partner.publicKey],
    requireSignature: true,
    maxDecompressedBytes: 64 * MB,
    ...extra,
  };
}

/** Runs a decryption to the end; returns what came out, the stream error and the `done` outcome. */
async function run(cipher: Uint8Array, opts: DecryptOptions): Promise<{
  out: Buffer;
  streamError: unknown;
  done: PromiseSettledResult<DecryptResult>;
}> {
  const { plaintext, done } = decryptStream(chunked(cipher, 16 * 1024), opts);
  const parts: Buffer[] = [];
  let streamError: unknown;
  try {
    for await (const chunk of plaintext) parts.push(chunk as Buffer);
  } catch (err) {
    streamError = err;
  }
  const [settled] = await Promise.allSettled([done]);
  return { out: Buffer.concat(parts), streamError, done: settled };
}

function expectFailure(r: Awaited<ReturnType<typeof run>>, code: string): void {
  expect(r.done.status).toBe('rejected');
  const reason = (r.done as PromiseRejectedResult).reason as PgpError;
  expect(reason).toBeInstanceOf(PgpError);
  expect(reason.code).toBe(code);
  expect(reason.retryable).toBe(false);
  // The plaintext stream must fail with the same error, so a partial upload aborts.
  expect(r.streamError).toBe(reason);
}

const x12Body = Buffer.concat([
  Buffer.from('ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *231123*1200*^*00501*000000001*0*T*:~\r\n'),
  Buffer.from([0x00, 0x0d, 0x0a, 0x0a, 0x0d, 0x00, 0xff, 0xfe]),
  Buffer.from('GS*HC*SENDER*RECEIVER*20231123*1200*1*X*005010X222A1~\nST*837*0001*005010X222A1~\r'),
  Buffer.from([0x0d, 0x0d, 0x0a, 0x00]),
]);

async function signedMessage(body: Uint8Array, signer: Party = partner): Promise<Uint8Array> {
  return encryptBuffer(body, { encryptionKeys: us.publicKey, signingKeys: signer.privateKey });
}

/** `body` compressed (zlib unless said), signed by the partner and encrypted to us. */
async function compressedMessage(body: Uint8Array, algorithm: 'zlib' | 'zip' = 'zlib'): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: body, format: 'binary' });
  return openpgp.encrypt({
    message,
    encryptionKeys: us.publicKey,
    signingKeys: partner.privateKey,
    format: 'binary',
    config: { preferredCompressionAlgorithm: openpgp.enums.compression[algorithm] },
  });
}

describe('decryptStream', () => {
  it('when an X12 body with CR, LF and NUL bytes is streamed through encrypt and decrypt, then it comes back byte for byte with a verified signature', async () => {
    const cipher = await collect(encryptStream(chunked(x12Body, 7), { encryptionKeys: us.publicKey, signingKeys: partner.privateKey }));
    const r = await run(cipher, options());
    expect(r.streamError).toBeUndefined();
    expect(r.out.equals(x12Body)).toBe(true);
    expect(r.done).toEqual({
      status: 'fulfilled',
      value: { signed: true, signatureVerified: true, signerKeyId: partner.keyId, bytes: x12Body.length },
    });
  });

  it('when the message is ASCII-armored, then it decrypts the same way', async () => {
    const binary = await signedMessage(x12Body);
    const armored = openpgp.armor(openpgp.enums.armor.message, binary);
    const r = await run(Buffer.from(armored), options());
    expect(r.out.equals(x12Body)).toBe(true);
    expect(r.done.status).toBe('fulfilled');
  });

  it('when a signature is not required and the message is unsigned, then it decrypts and reports signed=false', async () => {
    const cipher = await encryptBuffer(x12Body, { encryptionKeys: us.publicKey });
    const r = await run(cipher, options({ requireSignature: false }));
    expect(r.out.equals(x12Body)).toBe(true);
    expect(r.done).toEqual({ status: 'fulfilled', value: { signed: false, signatureVerified: false, bytes: x12Body.length } });
  });

  it('when the input is plain X12, then it fails with PGP_NOT_PGP', async () => {
    expectFailure(await run(x12Body, options()), 'PGP_NOT_PGP');
  });

  it('when the input starts like a packet but is garbage, then it fails with PGP_NOT_PGP', async () => {
    const junk = Buffer.concat([Buffer.from([0xc1, 0x20]), Buffer.alloc(32, 0x11), Buffer.alloc(200, 0x22)]); // a PKESK header, then junk
    expectFailure(await run(junk, options()), 'PGP_NOT_PGP');
  });

  it('when the message is encrypted to another key, then it fails with PGP_WRONG_KEY and emits nothing', async () => {
    const cipher = await encryptBuffer(x12Body, { encryptionKeys: stranger.publicKey, signingKeys: partner.privateKey });
    const r = await run(cipher, options());
    expectFailure(r, 'PGP_WRONG_KEY');
    expect(r.out.length).toBe(0);
  });

  it('when a ciphertext byte in the middle is flipped, then it fails with PGP_TAMPERED even after plaintext was streamed', async () => {
    const body = patternBytes(300 * 1024);
    const cipher = Buffer.from(await signedMessage(body));
    cipher[Math.floor(cipher.length / 2)] ^= 0x01;
    const r = await run(cipher, options());
    expectFailure(r, 'PGP_TAMPERED');
  });

  it('when the last byte (inside the MDC) is flipped, then it fails with PGP_TAMPERED', async () => {
    const cipher = Buffer.from(await signedMessage(patternBytes(50 * 1024)));
    cipher[cipher.length - 1] ^= 0x80;
    expectFailure(await run(cipher, options()), 'PGP_TAMPERED');
  });

  it('when an AEAD (SEIPD v2) message is modified, then it fails with PGP_TAMPERED', async () => {
    const message = await openpgp.createMessage({ binary: patternBytes(300 * 1024), format: 'binary' });
    const cipher = Buffer.from(
      await openpgp.encrypt({ message, encryptionKeys: us.publicKey, signingKeys: partner.privateKey, format: 'binary', config: { aeadProtect: true } }),
    );
    const ok = await run(cipher, options());
    expect(ok.done.status).toBe('fulfilled');
    cipher[Math.floor(cipher.length / 3)] ^= 0x01;
    expectFailure(await run(cipher, options()), 'PGP_TAMPERED');
  });

  it.each([
    ['half the message', (n: number) => Math.floor(n / 2)],
    ['all but 10 bytes', (n: number) => n - 10],
    ['all but 1 byte', (n: number) => n - 1],
  ])('when the ciphertext is cut to %s, then it fails with PGP_TRUNCATED', async (_label, cut) => {
    const cipher = await signedMessage(patternBytes(200 * 1024));
    expectFailure(await run(cipher.subarray(0, cut(cipher.length)), options()), 'PGP_TRUNCATED');
  });

  it('when a signature is required and the message is unsigned, then it fails with PGP_UNSIGNED before any plaintext', async () => {
    const cipher = await encryptBuffer(x12Body, { encryptionKeys: us.publicKey });
    const r = await run(cipher, options());
    expectFailure(r, 'PGP_UNSIGNED');
    expect(r.out.length).toBe(0);
  });

  it('when the message is signed by a key that is not the partner key, then it fails with PGP_BAD_SIGNATURE', async () => {
    const cipher = await signedMessage(x12Body, stranger);
    expectFailure(await run(cipher, options()), 'PGP_BAD_SIGNATURE');
  });

  it('when the signature does not match the content, then it fails with PGP_BAD_SIGNATURE after the data', async () => {
    const signedBody = Buffer.from('ST*999*0001*005010X231A1~');
    const sentBody = Buffer.from('ST*999*0002*005010X231A1~');
    // detached + format 'object' gives a Signature; openpgp's overloads type it as a Message.
    const signature = (await openpgp.sign({
      message: await openpgp.createMessage({ binary: signedBody, format: 'binary' }),
      signingKeys: partner.privateKey,
      detached: true,
      format: 'object',
    })) as unknown as Signature;
    // A valid, integrity-protected message to us whose signature covers other bytes.
    const cipher = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: sentBody, format: 'binary' }),
      encryptionKeys: us.publicKey,
      signature,
      format: 'binary',
    });
    expectFailure(await run(cipher, options()), 'PGP_BAD_SIGNATURE');
  });

  it('when a compressed message of a few KB expands past the cap, then it fails with PGP_TOO_LARGE without producing more than the cap', async () => {
    const expanded = 64 * MB;
    const bomb = await compressedMessage(new Uint8Array(expanded));
    expect(bomb.length).toBeLessThan(expanded / 500);
    const cap = 2 * MB;
    // No ratio: the size cap alone stops it.
    const r = await run(bomb, options({ maxDecompressedBytes: cap, maxExpansionRatio: Number.MAX_SAFE_INTEGER }));
    expectFailure(r, 'PGP_TOO_LARGE');
    expect(r.out.length).toBeLessThanOrEqual(cap);
  }, 30_000);

  it('when a compressed message expands past the ratio while far under the cap, then it fails with PGP_TOO_LARGE after about the floor of output', async () => {
    const bomb = await compressedMessage(new Uint8Array(32 * MB), 'zip');
    const r = await run(bomb, options({ maxDecompressedBytes: 1024 * MB, maxExpansionRatio: 100, expansionFloorBytes: MB }));
    expectFailure(r, 'PGP_TOO_LARGE');
    expect(((r.done as PromiseRejectedResult).reason as PgpError).message).toContain('100 bytes per ciphertext byte');
    expect(r.out.length).toBeLessThan(2 * MB);
  }, 30_000);

  it('when real X12 that compresses about 146:1 is sent compressed, then it decrypts whole under the default ratio', async () => {
    const sample = readFileSync(path.join(CORPUS_DIR, '837P', 'imsweb__x12_many_claims.txt'));
    const body = Buffer.concat(Array.from({ length: 12 }, () => sample));
    const cipher = await compressedMessage(body);
    expect(body.length / cipher.length).toBeGreaterThan(100);
    const r = await run(cipher, options({ maxDecompressedBytes: 64 * MB }));
    expect(r.done.status).toBe('fulfilled');
    expect(r.out.equals(body)).toBe(true);
  });

  it('when an uncompressed message is over the cap, then it fails with PGP_TOO_LARGE', async () => {
    const cipher = await signedMessage(patternBytes(300 * 1024));
    const r = await run(cipher, options({ maxDecompressedBytes: 100 * 1024 }));
    expectFailure(r, 'PGP_TOO_LARGE');
    expect(r.out.length).toBeLessThanOrEqual(100 * 1024);
  });

  it('when the input stream fails midway, then done rejects with that error, not a PGP one', async () => {
    const cipher = await signedMessage(patternBytes(300 * 1024));
    const storeError = new Error('object store read failed');
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent >= 64 * 1024) {
          this.destroy(storeError);
          return;
        }
        this.push(cipher.subarray(sent, sent + 16 * 1024));
        sent += 16 * 1024;
      },
    });
    const { plaintext, done } = decryptStream(failing, options());
    await expect(collect(plaintext)).rejects.toBe(storeError);
    await expect(done).rejects.toBe(storeError);
  });

  it('when the consumer destroys the plaintext early, then done rejects with PGP_ABORTED (retryable) and the input is destroyed', async () => {
    const cipher = await signedMessage(patternBytes(1 * MB));
    const input = chunked(cipher, 16 * 1024);
    const { plaintext, done } = decryptStream(input, options());
    await new Promise<void>((resolve) => plaintext.once('data', () => resolve()));
    plaintext.destroy();
    const err = (await rejection(done)) as AppError;
    expect(err.code).toBe('PGP_ABORTED');
    expect(err.retryable).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(input.destroyed).toBe(true);
  });

  it('when a compressed 16 MB message streams in, then plaintext starts before the input ends and read-ahead stays bounded (Node 20 inflated only at the end)', async () => {
    const body = patternBytes(16 * MB, 3);
    // patternBytes barely compresses; what matters is that the message is a compressed packet.
    const cipher = await compressedMessage(body);
    let fed = 0;
    const input = new Readable({
      read() {
        if (fed >= cipher.length) {
          this.push(null);
          return;
        }
        this.push(cipher.subarray(fed, fed + 64 * 1024));
        fed += 64 * 1024;
      },
    });
    const { plaintext, done } = decryptStream(input, options({ maxDecompressedBytes: 64 * MB }));
    let fedAtFirstOutput = -1;
    let out = 0;
    for await (const chunk of plaintext) {
      if (fedAtFirstOutput < 0) fedAtFirstOutput = fed;
      out += (chunk as Buffer).length;
    }
    await done;
    expect(out).toBe(body.length);
    // openpgp's stages read about 7 MB ahead of a compressed packet's output, whatever its size.
    expect(fedAtFirstOutput).toBeLessThan(10 * MB);
  }, 30_000);

  it('when requireSignature is set without verification keys, then it throws at once', () => {
    expect(() => decryptStream(chunked(x12Body), options({ verificationKeys: [] }))).toThrow(/verificationKeys/);
  });

  it('when ~50 MB stream through encrypt and decrypt, then plaintext starts long before the input ends, in-flight bytes stay bounded and bytes match', async () => {
    const size = 50 * MB;
    const chunk = 64 * 1024;
    const block = patternBytes(chunk, 7);
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= size) {
          this.push(null);
          return;
        }
        block.writeUInt32BE(produced, 0); // each block differs
        this.push(Buffer.from(block));
        produced += chunk;
      },
    });
    const expected = hashingSink();
    for (let at = 0; at < size; at += chunk) {
      block.writeUInt32BE(at, 0);
      expected.sink.write(Buffer.from(block));
    }
    const cipher = encryptStream(source, { encryptionKeys: us.publicKey, signingKeys: partner.privateKey });
    const { plaintext, done } = decryptStream(cipher, options());
    // Bytes read from the source but not yet out as plaintext: what the two pipelines hold.
    let producedAtFirstOutput = -1;
    let consumed = 0;
    let maxInFlight = 0;
    plaintext.on('data', (c: Buffer) => {
      if (producedAtFirstOutput < 0) producedAtFirstOutput = produced;
      consumed += c.length;
      maxInFlight = Math.max(maxInFlight, produced - consumed);
    });
    const actual = hashingSink();
    await pipeline(plaintext, actual.sink);
    const result = await done;
    expect(result).toEqual({ signed: true, signatureVerified: true, signerKeyId: partner.keyId, bytes: size });
    expect(actual.result()).toEqual(expected.result());
    expect(producedAtFirstOutput).toBeGreaterThan(0);
    expect(producedAtFirstOutput).toBeLessThan(size / 4);
    expect(maxInFlight).toBeLessThan(size / 4);
  }, 60_000);
});
