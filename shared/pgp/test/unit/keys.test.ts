import { AppError } from '@ediflow/errors';
import { encryptBuffer, generateKeyPair, loadPrivateKey, loadPublicKeys, decryptStream } from '@ediflow/pgp';
import { chunked, collect } from '../helpers';

describe('keys', () => {
  it('when a pair is generated with a passphrase, then the private key is protected and unlocks with that passphrase only', async () => {
    const pair = await generateKeyPair({ userId: { name: 'Ops', email: 'ops@example.test' }, passphrase: 'correct horse' });
    expect(pair.publicKeyArmored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(pair.privateKeyArmored).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);

    const unlocked = await loadPrivateKey(pair.privateKeyArmored, 'correct horse');
    expect(unlocked.isDecrypted()).toBe(true);
    // GnuPG-compatible curve25519: EdDSA primary, ECDH cv25519 encryption subkey.
    expect(unlocked.getAlgorithmInfo()).toEqual({ algorithm: 'eddsaLegacy', curve: 'ed25519Legacy' });
    const encryptionKey = await unlocked.getEncryptionKey();
    expect(encryptionKey.getAlgorithmInfo()).toEqual({ algorithm: 'ecdh', curve: 'curve25519Legacy' });

    await expect(loadPrivateKey(pair.privateKeyArmored, 'wrong')).rejects.toMatchObject({ code: 'PGP_KEY_INVALID', retryable: false });
    await expect(loadPrivateKey(pair.privateKeyArmored)).rejects.toBeInstanceOf(AppError);
  });

  it('when the generated public key encrypts, then the generated private key decrypts', async () => {
    const pair = await generateKeyPair({ userId: { name: 'Demo', email: 'demo@example.test' } });
    const privateKey = await loadPrivateKey(pair.privateKeyArmored);
    const publicKeys = await loadPublicKeys([pair.publicKeyArmored]);
    const cipher = await encryptBuffer(Buffer.from('ISA~'), { encryptionKeys: publicKeys });
    const { plaintext, done } = decryptStream(chunked(cipher), { decryptionKey: privateKey, requireSignature: false, maxDecompressedBytes: 1024 });
    expect((await collect(plaintext)).toString()).toBe('ISA~');
    expect((await done).bytes).toBe(4);
  });

  it('when several armored public keys are loaded, then each comes back as a public key in order', async () => {
    const [a, b] = await Promise.all([
      generateKeyPair({ userId: { name: 'A', email: 'a@example.test' } }),
      generateKeyPair({ userId: { name: 'B', email: 'b@example.test' } }),
    ]);
    const keys = await loadPublicKeys([a.publicKeyArmored, b.publicKeyArmored]);
    const [privA, privB] = await Promise.all([loadPrivateKey(a.privateKeyArmored), loadPrivateKey(b.privateKeyArmored)]);
    expect(keys.map((k) => k.getKeyID().toHex())).toEqual([privA.getKeyID().toHex(), privB.getKeyID().toHex()]);
    expect(keys.every((k) => !k.isPrivate())).toBe(true);
  });

  it('when a key text is not a key, then loading fails with PGP_KEY_INVALID', async () => {
    await expect(loadPublicKeys(['not a key'])).rejects.toMatchObject({ code: 'PGP_KEY_INVALID' });
    await expect(loadPrivateKey('not a key')).rejects.toMatchObject({ code: 'PGP_KEY_INVALID' });
  });
});
