import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { encryptStream, generateKeyPair, loadPrivateKey, loadPublicKeys } from '@ediflow/pgp';
import { write837P } from './generate-837p';
import { MB } from './section';

/** A synthetic 837P signed by a bench partner and encrypted to the bench platform key, on disk. */
export interface CipherFixture {
  cipherFile: string;
  /** Armored key files: ours (private, decrypts) and the partner's (public, verifies). */
  privateKeyFile: string;
  publicKeyFile: string;
  plainBytes: number;
  cipherBytes: number;
}

/** Writes the plaintext, encrypts it as a stream (memory stays flat for 1 GB) and removes the plaintext. */
export async function writeCipherFixture(tmpDir: string, name: string, sizeMb: number): Promise<CipherFixture> {
  const plainFile = join(tmpDir, `${name}-plain-${sizeMb}mb.x12`);
  const cipherFile = join(tmpDir, `${name}-cipher-${sizeMb}mb.pgp`);
  const ours = await generateKeyPair({ userId: { name: 'bench-us', email: 'bench-us@example.test' } });
  const partner = await generateKeyPair({ userId: { name: 'bench-partner', email: 'bench-partner@example.test' } });
  const privateKeyFile = join(tmpDir, `${name}-us.key.asc`);
  const publicKeyFile = join(tmpDir, `${name}-partner.pub.asc`);
  writeFileSync(privateKeyFile, ours.privateKeyArmored);
  writeFileSync(publicKeyFile, partner.publicKeyArmored);
  const plainBytes = await write837P(plainFile, { targetBytes: sizeMb * MB });
  const [ourPublic] = await loadPublicKeys([ours.publicKeyArmored]);
  const partnerPrivate = await loadPrivateKey(partner.privateKeyArmored);
  await pipeline(encryptStream(createReadStream(plainFile), { encryptionKeys: ourPublic, signingKeys: partnerPrivate }), createWriteStream(cipherFile));
  await rm(plainFile, { force: true });
  return { cipherFile, privateKeyFile, publicKeyFile, plainBytes, cipherBytes: (await stat(cipherFile)).size };
}

export async function removeCipherFixture(f: CipherFixture): Promise<void> {
  await Promise.all([f.cipherFile, f.privateKeyFile, f.publicKeyFile].map((p) => rm(p, { force: true })));
}
