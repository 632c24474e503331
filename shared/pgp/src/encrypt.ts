import { Readable } from 'node:stream';
import { openpgp } from './openpgp';
import type { PrivateKey, PublicKey } from './keys';
import { nodeToWeb } from './web-streams';

export interface EncryptOptions {
  /** The recipients (the partner's public keys). */
  encryptionKeys: PublicKey | PublicKey[];
  /** Our key, to sign the message (one-pass signature, so the partner can verify while streaming). */
  signingKeys?: PrivateKey | PrivateKey[];
}

/*
 * Always binary: `format: 'binary'` for the message and a binary literal packet.
 * Text mode would normalise line endings and break X12 byte for byte.
 * No compression (openpgp's default), and the packet kind (SEIPD v1 with MDC, or
 * v2 with AEAD) follows what the recipient keys advertise, so GnuPG partners can
 * read what we send.
 */

/**
 * Encrypts (and optionally signs) a stream; the binary OpenPGP message streams out
 * as the input is read, so memory stays bounded. Destroying the returned stream
 * stops reading the input.
 */
export function encryptStream(plain: Readable, options: EncryptOptions): Readable {
  // openpgp 6's Node build rejects Node Readables ("Native Node streams are no
  // longer supported"): convert explicitly to a web stream.
  const input = nodeToWeb(plain);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const message = await openpgp.createMessage({ binary: input, format: 'binary' });
    const encrypted = (await openpgp.encrypt({
      message,
      encryptionKeys: options.encryptionKeys,
      signingKeys: options.signingKeys,
      format: 'binary',
    })) as ReadableStream<Uint8Array>;
    const reader = encrypted.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        if (value.length > 0) yield value;
      }
    } finally {
      if (!finished) {
        await reader.cancel().catch(() => undefined);
        plain.destroy();
      }
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Encrypts (and optionally signs) a small body held in memory (acknowledgments, tests). */
export async function encryptBuffer(plain: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: plain, format: 'binary' });
  return openpgp.encrypt({
    message,
    encryptionKeys: options.encryptionKeys,
    signingKeys: options.signingKeys,
    format: 'binary',
  });
}
