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
