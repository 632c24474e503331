import { Readable } from 'node:stream';
import { decryptStream, encryptBuffer, encryptStream } from '@ediflow/pgp';
import { openpgp } from '../../src/openpgp';
import { chunked, collect, makeParty, patternBytes, type Party } from '../helpers';

let us: Party;
let partner: Party;
beforeAll(async () => {
  [us, partner] = await Promise.all([makeParty('us'), makeParty('partner')]);
});

describe('encrypt', () => {
  it('when a body is encrypted and signed for the partner, then plain openpgp decrypts it byte for byte and verifies our signature', async () => {
    const body = Buffer.concat([Buffer.from('ISA*00*~\r\n'), Buffer.from([0, 13, 10, 0])]);
    const cipher = await collect(encryptStream(chunked(body, 3), { encryptionKeys: partner.publicKey, signingKeys: us.privateKey }));
    const result = await openpgp.decrypt({
      message: await openpgp.readMessage({ binaryMessage: cipher }),
      decryptionKeys: partner.privateKey,
      verificationKeys: us.publicKey,
      expectSigned: true,
      format: 'binary',
    });
    expect(Buffer.from(result.data).equals(body)).toBe(true);
    expect(result.signatures[0].keyID.toHex()).toBe(us.keyId);
  });

  it('when encryptBuffer is used, then the output is a binary message (not armored) that decryptStream reads', async () => {
    const body = patternBytes(10_000);
    const cipher = await encryptBuffer(body, { encryptionKeys: us.publicKey, signingKeys: partner.privateKey });
    expect(Buffer.from(cipher.subarray(0, 5)).toString('latin1')).not.toBe('-----');
    const { plaintext, done } = decryptStream(chunked(cipher), {
      decryptionKey: us.privateKey,
      verificationKeys: [partner.publicKey],
      requireSignature: true,
      maxDecompressedBytes: body.length,
    });
    expect((await collect(plaintext)).equals(body)).toBe(true);
    await expect(done).resolves.toMatchObject({ signatureVerified: true, bytes: body.length });
  });

  it('when the input stream fails, then the encrypted stream fails with the same error', async () => {
    const boom = new Error('source failed');
    let sent = false;
    const failing = new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push(patternBytes(1000));
        } else this.destroy(boom);
      },
    });
    await expect(collect(encryptStream(failing, { encryptionKeys: us.publicKey }))).rejects.toBe(boom);
  });

  it('when the consumer destroys the encrypted stream early, then the input stream is destroyed', async () => {
    const input = chunked(patternBytes(4 * 1024 * 1024), 16 * 1024);
    const out = encryptStream(input, { encryptionKeys: us.publicKey });
    await new Promise<void>((resolve) => out.once('data', () => resolve()));
    out.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(input.destroyed).toBe(true);
  });
});
