import { decryptStream, isProbablyPgp, loadPublicKeys, type PrivateKey, type PublicKey } from '@ediflow/pgp';
import type { Partner } from '@ediflow/partners';
import type { Decryptor } from '../domain/ports';

/** Decryptor over openpgp: our private key decrypts, the partner's registered keys verify. */
export function createPgpDecryptor(options: { privateKey: PrivateKey; maxDecompressedBytes: number; maxExpansionRatio?: number }): Decryptor {
  // Parsed keys per partner, re-parsed when the registry entry's key list changes.
  const cache = new Map<string, { armored: readonly string[]; keys: Promise<PublicKey[]> }>();
  const keysFor = (partner: Partner): Promise<PublicKey[]> => {
    const hit = cache.get(partner.id);
    if (hit && hit.armored === partner.pgpPublicKeys) return hit.keys;
    const keys = loadPublicKeys(partner.pgpPublicKeys);
    cache.set(partner.id, { armored: partner.pgpPublicKeys, keys });
    return keys;
  };
  return {
    looksLikePgp: (head) => isProbablyPgp(head),
    async decrypt(cipher, partner) {
      const verificationKeys = await keysFor(partner);
      const { plaintext, done } = decryptStream(cipher, {
        decryptionKey: options.privateKey,
        verificationKeys,
        requireSignature: partner.requireSignature,
        maxDecompressedBytes: options.maxDecompressedBytes,
        maxExpansionRatio: options.maxExpansionRatio,
      });
      return { plaintext, done: done.then((r) => ({ signed: r.signed, signatureVerified: r.signatureVerified })) };
    },
  };
}
