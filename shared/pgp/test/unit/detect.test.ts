import { encryptBuffer, inspectMessageStart, isProbablyPgp } from '@ediflow/pgp';
import { seededRandom } from '@ediflow/testkit';
import { openpgp } from '../../src/openpgp';
import { makeParty } from '../helpers';

describe('isProbablyPgp', () => {
  it('when given the first bytes of a binary encrypted message, then it says PGP', async () => {
    const party = await makeParty('detect');
    const cipher = await encryptBuffer(Buffer.from('ISA~'), { encryptionKeys: party.publicKey });
    expect(isProbablyPgp(cipher.subarray(0, 64))).toBe(true);
    expect(isProbablyPgp(cipher.subarray(0, 1))).toBe(true);
  });

  it('when given an armored message, even after a BOM and blank lines, then it says PGP', async () => {
    const armored = openpgp.armor(openpgp.enums.armor.message, new Uint8Array([1, 2, 3]));
    expect(isProbablyPgp(Buffer.from(armored))).toBe(true);
    expect(isProbablyPgp(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\r\n\r\n' + armored)]))).toBe(true);
  });

  it('when given X12 (with or without a BOM), then it says not PGP', () => {
    expect(isProbablyPgp(Buffer.from('ISA*00*          *00*'))).toBe(false);
    expect(isProbablyPgp(Buffer.from('\ufeffISA*00*'))).toBe(false);
    expect(isProbablyPgp(Buffer.from('  \r\nISA*00*'))).toBe(false);
  });

  it('when given nothing, a high byte with an unused packet tag, or a partial armor line, then it says not PGP', () => {
    expect(isProbablyPgp(new Uint8Array(0))).toBe(false);
    expect(isProbablyPgp(new Uint8Array([0xff, 0x00]))).toBe(false);
    expect(isProbablyPgp(Buffer.from('-----BEGIN'))).toBe(false);
  });
});

describe('inspectMessageStart', () => {
  it('when a message is encrypted to two keys, then it names both recipients\' encryption subkeys, all seen', async () => {
    const [a, b] = await Promise.all([makeParty('a'), makeParty('b')]);
    const cipher = await encryptBuffer(Buffer.from('ISA~'), { encryptionKeys: [a.publicKey, b.publicKey] });
    const start = inspectMessageStart(cipher.subarray(0, 4096));
    const subkeyIds = [a, b].map((p) => p.publicKey.getKeyIDs()[1].toHex());
    expect(start).toEqual({ kind: 'encrypted', recipients: subkeyIds, allRecipientsSeen: true, passwordEncrypted: false });
  });

  it('when a message is only signed, then it is well-formed but not encrypted', async () => {
    const party = await makeParty('signer');
    const message = await openpgp.createMessage({ binary: new Uint8Array([1, 2, 3]) });
    const signed = await openpgp.sign({ message, signingKeys: party.privateKey, format: 'binary' });
    expect(inspectMessageStart(signed as Uint8Array)).toEqual({ kind: 'unencrypted' });
  });

  it('when random bytes start with a byte that looks like a packet header, then they are not PGP', () => {
    const seeded = seededRandom(7);
    const random = () => Math.floor(seeded() * 256);
    let notPgp = 0;
    for (let n = 0; n < 2000; n += 1) {
      const bytes = Uint8Array.from({ length: 512 }, random);
      bytes[0] = [0x84, 0x85, 0x8c, 0xc1, 0xc3, 0xa8][n % 6];
      if (inspectMessageStart(bytes).kind === 'notPgp') notPgp += 1;
    }
    expect(notPgp).toBeGreaterThanOrEqual(1990);
  });
});
