import { AppError, InvalidInputError } from '@ediflow/errors';

/**
 * Stable codes for each way an incoming PGP file can be bad. Ingest quarantines
 * the file with the code as its reason; none of them is retryable, because the
 * same bytes give the same answer. Messages are fixed strings: they never carry
 * file content, file names or partner data.
 */
export const PGP_ERROR_CODES = {
  notPgp: 'PGP_NOT_PGP',
  wrongKey: 'PGP_WRONG_KEY',
  tampered: 'PGP_TAMPERED',
  truncated: 'PGP_TRUNCATED',
  unsigned: 'PGP_UNSIGNED',
  badSignature: 'PGP_BAD_SIGNATURE',
  tooLarge: 'PGP_TOO_LARGE',
} as const;

export type PgpErrorCode = (typeof PGP_ERROR_CODES)[keyof typeof PGP_ERROR_CODES];

type Details = Record<string, string | number | boolean | undefined>;

/** Base class of every "this file is bad" PGP error. */
export abstract class PgpError extends InvalidInputError {
  declare readonly code: PgpErrorCode;
  protected constructor(code: PgpErrorCode, message: string, cause?: unknown, details?: Details) {
    super(code, message, { cause, details });
  }
}

/** The input is not an OpenPGP message (neither binary packets nor ASCII armor). */
export class PgpNotPgpError extends PgpError {
  constructor(cause?: unknown, details?: Details) {
    super(PGP_ERROR_CODES.notPgp, 'input is not an OpenPGP message', cause, details);
  }
}

/** The message is not encrypted to our key (or not encrypted at all). */
export class PgpWrongKeyError extends PgpError {
  constructor(cause?: unknown, details?: Details) {
    super(PGP_ERROR_CODES.wrongKey, 'message is not encrypted to our key', cause, details);
  }
}

/** The integrity check (MDC or AEAD tag, or armor checksum) failed: the ciphertext was modified. */
export class PgpTamperedError extends PgpError {
  constructor(cause?: unknown, details?: Details) {
    super(PGP_ERROR_CODES.tampered, 'message integrity check failed', cause, details);
  }
}

/** The ciphertext ends before the message does. */
export class PgpTruncatedError extends PgpError {
  constructor(cause?: unknown, details?: Details) {
    super(PGP_ERROR_CODES.truncated, 'message ends early', cause, details);
  }
}

/** A signature is required but the message carries none. */
export class PgpUnsignedError extends PgpError {
  constructor(cause?: unknown, details?: Details) {
    super(PGP_ERROR_CODES.unsigned, 'message is not signed', cause, details);
  }
}

/** The message is signed, but no signature verifies with the partner's keys (bad signature or unknown signer). */
export class PgpBadSignatureError extends PgpError {
  constructor(cause?: unknown, details?: Details) {
    super(PGP_ERROR_CODES.badSignature, 'message signature does not verify', cause, details);
  }
}

/** The decrypted (decompressed) output passed the size cap: treated as a decompression bomb. */
export class PgpTooLargeError extends PgpError {
  constructor(cause?: unknown, details?: Details) {
    const ratio = details?.maxExpansionRatio !== undefined;
    super(
      PGP_ERROR_CODES.tooLarge,
      ratio ? `decrypted message expands more than ${String(details?.maxExpansionRatio)} bytes per ciphertext byte (a decompression bomb)` : 'decrypted message exceeds the size limit',
      cause,
      details,
    );
  }
}

/** A key could not be read or unlocked (bad armor, wrong passphrase, public key where a private one is needed). */
export class PgpKeyError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('PGP_KEY_INVALID', message, { cause, retryable: false });
  }
}

/**
 * The consumer destroyed the plaintext stream before the end. Says nothing about
 * the file itself, so it is retryable (unlike the PgpError family).
 */
export class PgpAbortedError extends AppError {
  constructor() {
    super('PGP_ABORTED', 'decryption aborted by the consumer', { retryable: true });
  }
}

export function isPgpError(err: unknown): err is PgpError {
  return err instanceof PgpError;
}
