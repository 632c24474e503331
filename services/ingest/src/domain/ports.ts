import type { Readable } from 'node:stream';
import type { Partner } from '@ediflow/partners';

export interface DecryptResult {
  signed: boolean;
  signatureVerified: boolean;
}

/**
 * Streams a partner's PGP message to plaintext. `done` settles only after the whole
 * message was read: it resolves once the integrity check and (when the partner
 * requires it) the signature verified, and rejects with a non-retryable AppError
 * otherwise — in which case `plaintext` errors too, so a partial write aborts.
 */
export interface Decryptor {
  decrypt(cipher: Readable, partner: Partner): Promise<{ plaintext: Readable; done: Promise<DecryptResult> }>;
  /** Whether the first bytes look like an OpenPGP message (binary packet or armor). */
  looksLikePgp(head: Uint8Array): boolean;
}

export type { AlertSink } from '@ediflow/alerts';
