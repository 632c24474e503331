import { openpgp } from './openpgp';
import { PgpKeyError } from './errors';

export type { PrivateKey, PublicKey } from './openpgp';
import type { PrivateKey, PublicKey } from './openpgp';

export interface GenerateKeyPairOptions {
  userId: { name: string; email: string };
  /** Protects the armored private key; omit for an unprotected key (tests, local demo only). */
  passphrase?: string;
}

export interface ArmoredKeyPair {
  publicKeyArmored: string;
  privateKeyArmored: string;
}

/**
 * A curve25519 key pair as GnuPG 2.2/2.4 make and read it: a v4 key with an
 * EdDSA (ed25519, "legacy" algorithm 22) primary key for signing and an ECDH
 * cv25519 subkey for encryption. openpgp 6's `type: 'curve25519'` would make the
 * RFC 9580 Ed25519/X25519 algorithms (27/25) instead, which GnuPG 2.4 cannot
 * use, so partners could not encrypt to us.
 */
export async function generateKeyPair(options: GenerateKeyPairOptions): Promise<ArmoredKeyPair> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: options.userId.name, email: options.userId.email }],
    passphrase: options.passphrase,
    format: 'armored',
  });
  return { publicKeyArmored: publicKey, privateKeyArmored: privateKey };
}

/** Reads an armored private key and unlocks it with the passphrase when it is protected. */
export async function loadPrivateKey(armored: string, passphrase?: string): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (err) {
    throw new PgpKeyError('private key cannot be read', err);
  }
  if (key.isDecrypted()) return key;
  if (passphrase === undefined) throw new PgpKeyError('private key is protected and no passphrase was given');
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch (err) {
    throw new PgpKeyError('private key cannot be unlocked', err);
  }
}

/** Reads armored public keys (a partner may have several, e.g. during a key rotation). Each string may hold more than one key. */
export async function loadPublicKeys(armored: readonly string[]): Promise<PublicKey[]> {
  const keys: PublicKey[] = [];
  for (const text of armored) {
    try {
      keys.push(...(await openpgp.readKeys({ armoredKeys: text })).map((k) => k.toPublic()));
    } catch (err) {
      throw new PgpKeyError('public key cannot be read', err);
    }
  }
  return keys;
}
