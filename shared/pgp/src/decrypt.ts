import { Readable } from 'node:stream';
import { AppError } from '@ediflow/errors';
import { isProbablyPgp, startsWithArmor } from './detect';
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
 *   compressed or not.
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
}

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

const SNIFF_BYTES = 64;

type Phase = 'open' | 'stream';

/** Maps openpgp's (untyped) errors to our codes. Phase 'open' is before any plaintext. */
function classify(err: unknown, phase: Phase): PgpError {
  if (err instanceof PgpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/Maximum decompressed message size exceeded/i.test(message)) return new PgpTooLargeError(err);
  if (/Modification detected|authentication tag|tag mismatch|integrity check failed|checksum/i.test(message)) return new PgpTamperedError(err);
  if (/Unexpected end|end of (stream|input|data)|truncat/i.test(message)) return new PgpTruncatedError(err);
  if (phase === 'open') {
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

  const cleanup = (): void => {
    dataReader?.cancel().catch(() => undefined);
    sourceReader?.cancel().catch(() => undefined);
    cipher.destroy();
  };

  const fail = (err: unknown, phase: Phase): void => {
    if (state === 'done' || state === 'failed') return;
    state = 'failed';
    const typed = sourceError !== undefined ? sourceError : classify(err, phase);
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
      void step();
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
