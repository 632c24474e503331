import { Readable } from 'node:stream';
import { AppError } from '@ediflow/errors';
import { inspectMessageStart, isProbablyPgp, startsWithArmor } from './detect';
import {
  PgpAbortedError,
  PgpBadSignatureError,
  PgpError,
  PgpNotPgpError,
  PgpTamperedError,
  PgpTooLargeError,
  PgpTruncatedError,
  PgpUnsignedError,
  PgpWrongKeyError,
} from './errors';
import { openpgp, type PrivateKey, type PublicKey } from './openpgp';
import { nodeToWeb } from './web-streams';
import { EXPANSION_EXCEEDED, ExpansionExceededError, installGuardedDecompression, withInflateLimits } from './inflate';

installGuardedDecompression();

/*
 * How openpgp 6 streams, and what this module does about it
 * ---------------------------------------------------------
 * - Input: openpgp's Node build refuses Node Readables ("Native Node streams
 *   are no longer supported"); the cipher stream is converted explicitly by
 *   nodeToWeb (pull-based, 512 KiB chunks; see there why not Readable.toWeb),
 *   behind a small web ReadableStream that also sniffs the first bytes (binary
 *   vs armor vs not PGP) and tells input failures (object store read errors:
 *   passed on as they are, so they stay retryable) from bad data. Output is a
 *   Node Readable fed from openpgp's web stream one chunk per _read.
 * - Integrity: a SEIPD v1 packet (what GnuPG partners send) is protected by an
 *   MDC that can only be checked after the last byte. By default openpgp then
 *   buffers the WHOLE message before releasing any plaintext. We set
 *   `allowUnauthenticatedStream: true` so plaintext streams with bounded memory;
 *   that setting does not turn the check off: a bad MDC ("Modification
 *   detected") or a cut-off packet still errors the data stream at the end.
 *   SEIPD v2 / AEAD packets are checked per chunk and never release an
 *   unauthenticated chunk. In both cases plaintext that came out before the end
 *   is NOT trusted yet: it becomes trusted only when `done` resolves. For that
 *   reason the plaintext Readable here never ends cleanly before the integrity
 *   check and signature check passed; on any failure it is destroyed with the
 *   typed error, so a multipart upload fed from it aborts instead of completing.
 * - Signatures: with a streamed message openpgp returns `signatures` up front
 *   (from the one-pass signature packets, so "unsigned" is known before any
 *   data), but each `verified` promise settles only after the data has been read
 *   to the end (the signature packets trail the data). openpgp's `expectSigned`
 *   does the same checks but reports them as untyped errors inside the data
 *   stream, so we do not use it: we check `signatures.length` up front
 *   (PGP_UNSIGNED) and await `verified` after the last byte (PGP_BAD_SIGNATURE),
 *   before ending the plaintext stream. Several signatures: one that verifies
 *   with a given key is enough; when verificationKeys are given, a signed message
 *   whose signatures verify with none of them (bad digest or unknown signer) is
 *   PGP_BAD_SIGNATURE even if requireSignature is false. Without
 *   verificationKeys a signed message reports signed=true, signatureVerified=
 *   false. A signature block that trails the data without one-pass packets is
 *   not seen in streaming mode and counts as unsigned.
 * - Nothing is read until plaintext is consumed, and `done` settles only as it
 *   is consumed to the end (or destroyed).
 * - Size: openpgp's `maxDecompressedMessageSize` stops inflating a compressed
 *   packet past the cap (inflate is streamed, so the bomb is never held); we also
 *   count plaintext bytes ourselves and stop at exactly `maxDecompressedBytes`,
 *   compressed or not. A bomb under that cap is stopped by the expansion ratio,
 *   measured inside the decompression (inflate.ts): compressed bytes in against
 *   bytes out, so it trips after about expansionFloorBytes of output.
 */

export interface DecryptOptions {
  /** Our private key, already unlocked (loadPrivateKey). */
  decryptionKey: PrivateKey;
  /** The partner's keys. When given and the message is signed, a signature must verify with one of them. */
  verificationKeys?: PublicKey[];
  /** Fail with PGP_UNSIGNED when the message carries no signature. Needs verificationKeys. */
  requireSignature: boolean;
  /** Cap on plaintext bytes (after decompression); passing it fails with PGP_TOO_LARGE. */
  maxDecompressedBytes: number;
  /**
   * Cap on plaintext bytes per ciphertext byte read so far, once the plaintext is past
   * `expansionFloorBytes`; passing it fails with PGP_TOO_LARGE early, after little output (a
   * decompression bomb inflates about 1000:1; X12 files compress 2-150:1). Default 250.
   */
  maxExpansionRatio?: number;
  /** Plaintext size below which the ratio is not checked (a small file may compress well). Default 1 MiB. */
  expansionFloorBytes?: number;
}

export const DEFAULT_MAX_EXPANSION_RATIO = 250;
export const DEFAULT_EXPANSION_FLOOR_BYTES = 1024 * 1024;

export interface DecryptResult {
  signed: boolean;
  /** True when a signature verified with one of the verification keys. */
  signatureVerified: boolean;
  /** Key id (16 hex digits) of the signing key whose signature verified. */
  signerKeyId?: string;
  /** Plaintext bytes produced. */
  bytes: number;
}

export interface DecryptStreamResult {
  /**
   * Plaintext as it decrypts. Ends only after the integrity and signature checks
   * passed; on failure it is destroyed with the same error `done` rejects with.
   * Nothing is read until it is consumed.
   */
  plaintext: Readable;
  /**
   * Resolves when the whole message decrypted and checked; rejects with a PgpError
   * (bad file: quarantine), the input stream's own error (input failed), or
   * PgpAbortedError (plaintext destroyed by its consumer). Settles only as
   * plaintext is consumed.
   */
  done: Promise<DecryptResult>;
}

/** Enough for the session-key packets of a few recipients. */
const SNIFF_BYTES = 4096;
const ANONYMOUS_RECIPIENT = '0000000000000000';

type Phase = 'open' | 'stream';

/**
 * Maps openpgp's (untyped) errors to our codes. Phase 'open' is before any plaintext;
 * `forUs` says the message names our key as a recipient, so a session key that does not
 * decrypt means a damaged message, not another recipient's.
 */
/** The ratio an ExpansionExceededError carries, wherever openpgp wrapped it. */
function ratioOf(err: unknown): number | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof ExpansionExceededError) return e.ratio;
  return undefined;
}

function classify(err: unknown, phase: Phase, forUs = false): PgpError {
  if (err instanceof PgpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes(EXPANSION_EXCEEDED)) return new PgpTooLargeError(err, { maxExpansionRatio: ratioOf(err) });
  if (/Maximum decompressed message size exceeded/i.test(message)) return new PgpTooLargeError(err);
  if (/Modification detected|authentication tag|tag mismatch|integrity check failed|checksum/i.test(message)) return new PgpTamperedError(err);
  if (/Unexpected end|end of (stream|input|data)|truncat/i.test(message)) return new PgpTruncatedError(err);
  if (phase === 'open') {
    // A message whose headers name our key and that still does not open is damaged, whatever openpgp says.
    if (forUs) return new PgpTamperedError(err);
    if (/No decryption key packets found|Session key decryption failed|No encrypted data found|decryption key|public key encrypted session key/i.test(message)) {
      return new PgpWrongKeyError(err);
    }
    return new PgpNotPgpError(err);
  }
  // The data decrypted but does not parse as a message: the ciphertext was altered.
  return new PgpTamperedError(err);
}

function concatChunks(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * Decrypts (and verifies) a binary or ASCII-armored OpenPGP message as a stream.
 * See the comment at the top of this file for the trust rules: publish nothing
 * before `done` resolves.
 */
export function decryptStream(cipher: Readable, options: DecryptOptions): DecryptStreamResult {
  const verificationKeys = options.verificationKeys ?? [];
  if (options.requireSignature && verificationKeys.length === 0) {
    throw new AppError('PGP_OPTIONS_INVALID', 'requireSignature needs verificationKeys');
  }
  if (!Number.isSafeInteger(options.maxDecompressedBytes) || options.maxDecompressedBytes <= 0) {
    throw new AppError('PGP_OPTIONS_INVALID', 'maxDecompressedBytes must be a positive integer');
  }
  const cap = options.maxDecompressedBytes;
  const ratio = options.maxExpansionRatio ?? DEFAULT_MAX_EXPANSION_RATIO;
  const floor = options.expansionFloorBytes ?? DEFAULT_EXPANSION_FLOOR_BYTES;
  if (!(ratio > 0) || !(floor >= 0)) throw new AppError('PGP_OPTIONS_INVALID', 'maxExpansionRatio must be positive and expansionFloorBytes not negative');

  let resolveDone!: (r: DecryptResult) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<DecryptResult>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // The caller may only watch the stream's 'error'; do not let an unobserved `done` crash the process.
  done.catch(() => undefined);

  let state: 'idle' | 'running' | 'done' | 'failed' = 'idle';
  let sourceError: unknown;
  let sourceReader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let dataReader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let signatures: Array<{ keyID: { toHex(): string }; verified: Promise<unknown> }> = [];
  let bytes = 0;
  /** The message's session-key packets name our key. */
  let forUs = false;

  const cleanup = (): void => {
    dataReader?.cancel().catch(() => undefined);
    sourceReader?.cancel().catch(() => undefined);
    cipher.destroy();
  };

  const fail = (err: unknown, phase: Phase): void => {
    if (state === 'done' || state === 'failed') return;
    state = 'failed';
    const typed = sourceError !== undefined ? sourceError : classify(err, phase, forUs);
    rejectDone(typed);
    plaintext.destroy(typed instanceof Error ? typed : new PgpTamperedError(typed));
    cleanup();
  };

  const readSource = async (): ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> => {
    try {
      return await (sourceReader as ReadableStreamDefaultReader<Uint8Array>).read();
    } catch (err) {
      sourceError ??= err;
      throw err;
    }
  };

  const open = async (): Promise<void> => {
    sourceReader = nodeToWeb(cipher).getReader();
    const head: Uint8Array[] = [];
    let headLength = 0;
    let ended = false;
    while (headLength < SNIFF_BYTES) {
      const r = await readSource();
      if (r.done) {
        ended = true;
        break;
      }
      head.push(r.value);
      headLength += r.value.length;
    }
    let pending: Uint8Array | undefined = concatChunks(head, headLength);
    if (!isProbablyPgp(pending)) throw new PgpNotPgpError();
    const armored = startsWithArmor(pending);
    if (!armored) {
      // Tell random bytes, a message for someone else and a damaged message for us apart before openpgp runs.
      const start = inspectMessageStart(pending);
      if (start.kind === 'notPgp') throw new PgpNotPgpError();
      if (start.kind === 'unencrypted') throw new PgpWrongKeyError(undefined, { encrypted: false });
      const ours = new Set(options.decryptionKey.getKeyIDs().map((id) => id.toHex()));
      forUs = start.recipients.some((r) => r === ANONYMOUS_RECIPIENT || ours.has(r));
      if (start.allRecipientsSeen && !forUs) throw new PgpWrongKeyError(undefined, { recipients: start.recipients.length });
    }
    const source = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (pending !== undefined) {
            controller.enqueue(pending);
            pending = undefined;
            return;
          }
          if (ended) {
            controller.close();
            return;
          }
          const r = await readSource();
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        },
        cancel: async (reason) => {
          await sourceReader?.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );

    const message = armored
      ? await openpgp.readMessage({ armoredMessage: source.pipeThrough(new TextDecoderStream()) })
      : await openpgp.readMessage({ binaryMessage: source });
    const result = await openpgp.decrypt({
      message,
      decryptionKeys: options.decryptionKey,
      verificationKeys,
      format: 'binary',
      config: {
        allowUnauthenticatedStream: true,
        // Literal-packet headers add a little over the plaintext; our own count enforces the exact cap.
        maxDecompressedMessageSize: cap + Math.ceil(cap / 256) + 4096,
      },
    });
    signatures = result.signatures;
    // Each `verified` rejects if the stream fails; we read them only after a clean end.
    for (const s of signatures) s.verified.catch(() => undefined);
    dataReader = (result.data as ReadableStream<Uint8Array>).getReader();
    if (options.requireSignature && signatures.length === 0) throw new PgpUnsignedError();
  };

  const finish = async (): Promise<void> => {
    let signerKeyId: string | undefined;
    if (signatures.length > 0 && verificationKeys.length > 0) {
      const outcomes = await Promise.allSettled(signatures.map((s) => s.verified));
      const ok = outcomes.findIndex((o) => o.status === 'fulfilled');
      if (ok < 0) {
        const first = outcomes[0];
        throw new PgpBadSignatureError(first.status === 'rejected' ? first.reason : undefined);
      }
      signerKeyId = signatures[ok].keyID.toHex();
    }
    if (state !== 'running') return;
    state = 'done';
    resolveDone({
      signed: signatures.length > 0,
      signatureVerified: signerKeyId !== undefined,
      ...(signerKeyId !== undefined ? { signerKeyId } : {}),
      bytes,
    });
    plaintext.push(null);
  };

  const readNext = async (): Promise<void> => {
    for (;;) {
      const r = await (dataReader as ReadableStreamDefaultReader<Uint8Array>).read();
      if (state !== 'running') return;
      if (r.done) {
        await finish();
        return;
      }
      if (r.value.length === 0) continue;
      bytes += r.value.length;
      if (bytes > cap) throw new PgpTooLargeError(undefined, { maxDecompressedBytes: cap });
      plaintext.push(r.value);
      return;
    }
  };

  let phase: Phase = 'open';
  const step = async (): Promise<void> => {
    try {
      if (state === 'idle') {
        state = 'running';
        await open();
        phase = 'stream';
      }
      if (state === 'running') await readNext();
    } catch (err) {
      fail(err, phase);
    }
  };

  const plaintext = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      // Compressed packets met inside inflate through the guarded stream with this message's limits.
      void withInflateLimits({ maxRatio: ratio, floorBytes: floor }, step);
    },
    destroy(err, callback) {
      if (state === 'idle' || state === 'running') {
        state = 'failed';
        rejectDone(err ?? new PgpAbortedError());
        cleanup();
      }
      callback(err);
    },
  });

  return { plaintext, done };
}
