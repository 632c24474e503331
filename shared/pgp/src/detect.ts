/**
 * Packet tags that can open an OpenPGP message (RFC 9580 section 10.3 grammar):
 * PKESK 1, signature 2, SKESK 3, one-pass signature 4, compressed 8,
 * symmetrically encrypted 9, marker 10, literal 11, SEIPD 18, AEAD 20, padding 21.
 */
const FIRST_PACKET_TAGS = new Set([1, 2, 3, 4, 8, 9, 10, 11, 18, 20, 21]);
const ARMOR_HEADER = new TextEncoder().encode('-----BEGIN PGP ');

/**
 * Whether the first bytes of a file look like an OpenPGP message: a binary packet
 * header whose tag can start a message, or an ASCII-armor header line (after
 * optional BOM and whitespace). X12 starts with "ISA" (or a UTF-8 BOM, which is a
 * new-format header of unused tag 47), so it never matches. Pass at least 64 bytes
 * when you have them; one byte is enough for binary input.
 */
export function isProbablyPgp(firstBytes: Uint8Array): boolean {
  if (firstBytes.length === 0) return false;
  const b = firstBytes[0];
  if ((b & 0x80) !== 0) {
    const tag = (b & 0x40) !== 0 ? b & 0x3f : (b >> 2) & 0x0f;
    if (FIRST_PACKET_TAGS.has(tag)) return true;
  }
  return startsWithArmor(firstBytes);
}

/** Whether the bytes start with an ASCII-armor header, after an optional UTF-8 BOM and whitespace. */
export function startsWithArmor(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  if (bytes.length - i < ARMOR_HEADER.length) return false;
  for (let j = 0; j < ARMOR_HEADER.length; j++) if (bytes[i + j] !== ARMOR_HEADER[j]) return false;
  return true;
}

/** What the packet headers at the start of a binary message say, before any decryption. */
export type MessageStart =
  /** Encrypted: the recipients' key ids (16 hex digits; all zeros for an anonymous recipient), and whether every one was seen. */
  | { kind: 'encrypted'; recipients: string[]; allRecipientsSeen: boolean; passwordEncrypted: boolean }
  /** A well-formed OpenPGP message that is not encrypted (signed or literal data only). */
  | { kind: 'unencrypted' }
  /** Not a sequence of OpenPGP packets. */
  | { kind: 'notPgp' };

/** Public-key algorithms a PKESK may name (RFC 9580 section 9.1): RSA, Elgamal, ECDH, X25519, X448. */
const PKESK_ALGORITHMS = new Set([1, 2, 3, 16, 18, 25, 26]);
/** Packets that hold the encrypted data: the session-key packets come before them. */
const DATA_TAGS = new Set([9, 18, 20]);
const UNENCRYPTED_TAGS = new Set([2, 4, 8, 11]);
const MAX_ESK_BYTES = 4096;

/**
 * Reads the packet headers at the start of a binary message (a few KB are enough): its
 * session-key packets name the keys it is encrypted to. Random bytes whose first byte happens
 * to look like a packet header fail here, so they are told apart from a message for another key.
 */
export function inspectMessageStart(bytes: Uint8Array): MessageStart {
  const recipients: string[] = [];
  let passwordEncrypted = false;
  let o = 0;
  for (;;) {
    if (o >= bytes.length) return recipients.length > 0 || passwordEncrypted ? { kind: 'encrypted', recipients, allRecipientsSeen: false, passwordEncrypted } : { kind: 'notPgp' };
    const b = bytes[o];
    if ((b & 0x80) === 0) return { kind: 'notPgp' };
    let tag: number;
    let header: number;
    let length: number | undefined;
    if ((b & 0x40) !== 0) {
      tag = b & 0x3f;
      const l1 = bytes[o + 1];
      if (l1 === undefined) return { kind: 'encrypted', recipients, allRecipientsSeen: false, passwordEncrypted };
      if (l1 < 192) [header, length] = [2, l1];
      else if (l1 < 224) [header, length] = [3, ((l1 - 192) << 8) + (bytes[o + 2] ?? 0) + 192];
      else if (l1 === 255) [header, length] = [6, ((bytes[o + 2] << 24) >>> 0) + (bytes[o + 3] << 16) + (bytes[o + 4] << 8) + bytes[o + 5]];
      else [header, length] = [2, undefined]; // partial body length: only data packets use it
    } else {
      tag = (b >> 2) & 0x0f;
      const type = b & 3;
      header = type === 3 ? 1 : 1 + (1 << type);
      if (type === 3) length = undefined;
      else {
        length = 0;
        for (let i = 1; i < header; i += 1) length = length * 256 + (bytes[o + i] ?? 0);
      }
    }
    if (DATA_TAGS.has(tag)) {
      return recipients.length > 0 || passwordEncrypted ? { kind: 'encrypted', recipients, allRecipientsSeen: true, passwordEncrypted } : { kind: 'notPgp' };
    }
    if (o === 0 && UNENCRYPTED_TAGS.has(tag)) return { kind: 'unencrypted' };
    if (length === undefined || length > MAX_ESK_BYTES) return { kind: 'notPgp' };
    const body = o + header;
    if (tag === 1) {
      const version = bytes[body];
      if (version === 3) {
        if (body + 10 > bytes.length) return { kind: 'encrypted', recipients, allRecipientsSeen: false, passwordEncrypted };
        if (!PKESK_ALGORITHMS.has(bytes[body + 9])) return { kind: 'notPgp' };
        recipients.push(Buffer.from(bytes.subarray(body + 1, body + 9)).toString('hex'));
      } else if (version === 6) {
        // v6 names the recipient by fingerprint; anonymous when absent: leave it to openpgp.
        recipients.push('0000000000000000');
      } else if (version !== undefined) return { kind: 'notPgp' };
    } else if (tag === 3) {
      const version = bytes[body];
      if (version !== undefined && version !== 4 && version !== 5 && version !== 6) return { kind: 'notPgp' };
      passwordEncrypted = true;
    } else if (tag !== 10) {
      return { kind: 'notPgp' };
    }
    o = body + length;
  }
}
