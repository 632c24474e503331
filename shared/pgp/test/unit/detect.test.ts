import { encryptBuffer, isProbablyPgp } from '@ediflow/pgp';
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
