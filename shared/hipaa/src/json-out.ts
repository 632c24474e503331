/**
 * The JSON writer's output: documents written straight into shared blocks (one document is one
 * subarray of a block: no copy once written), fixed pieces of output (names, punctuation) stored
 * 8 bytes at a time, and JSON.stringify's escaping of strings.
 */

/**
 * A fixed piece of output (a name, punctuation) as float64 words: [byte length, then the bytes
 * little-endian, 8 to a word, zero-padded]. putPiece writes it a word at a time through a
 * DataView: names are most of the output, and 8 bytes per store
 * beat 4 and TypedArray#set. A word of bytes below 0x80 is a finite double (its top byte is below
 * 0x80, so the exponent is never all ones: no NaN, whose bits an engine may change), so it is
 * stored back bit for bit; pieceOf refuses anything else. A write runs up to 7 bytes past the
 * piece: DocumentBuffer keeps PAST bytes spare for that.
 */
export type Piece = Float64Array;
export const PAST = 8;

export function pieceOf(text: string): Piece {
  const b = Buffer.from(text, 'utf8');
  if (b.some((c) => c >= 0x80)) throw new Error(`output pieces are ASCII: ${JSON.stringify(text)}`);
  const words = Math.ceil(b.length / 8);
  const padded = Buffer.alloc(words * 8);
  b.copy(padded);
  const p = new Float64Array(1 + words);
  p[0] = b.length;
  for (let k = 0; k < words; k++) p[1 + k] = padded.readDoubleLE(8 * k);
  return p;
}

/** Writes piece `p` at offset `o` through `view`; returns the offset past it. */
export function putPiece(view: DataView, o: number, p: Piece): number {
  for (let k = 1; k < p.length; k++) view.setFloat64(o + 8 * k - 8, p[k], true);
  return o + p[0];
}

/** `"name":`, encoded once per name. */
const names = new Map<string, Piece>();

export function namePiece(name: string): Piece {
  let p = names.get(name);
  if (p === undefined) {
    p = pieceOf(`${JSON.stringify(name)}:`);
    names.set(name, p);
  }
  return p;
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * How JSON.stringify writes each byte of a string (an ESC class): 0 as it is, 1 with a short
 * escape, 2 as \u00XX; 3 (bytes over 0x7f of text read as latin1) as the character's two UTF-8 bytes.
 */
export const ESCAPE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = 2;
for (const b of [0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x22, 0x5c]) ESCAPE[b] = 1;
export const LATIN1 = 3;
const SHORT: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };

/** Writes byte `c` of ESC class `esc` (not 0) as JSON.stringify does; returns the new offset. */
export function escapeInto(buf: Buffer, o: number, c: number, esc: number): number {
  if (esc === LATIN1) {
    buf[o++] = 0xc0 | (c >> 6);
    buf[o++] = 0x80 | (c & 0x3f);
    return o;
  }
  buf[o++] = 0x5c;
  if (esc === 1) {
    buf[o++] = SHORT[c];
    return o;
  }
  buf[o++] = 0x75;
  buf[o++] = 0x30;
  buf[o++] = 0x30;
  buf[o++] = HEX[c >> 4];
  buf[o++] = HEX[c & 15];
  return o;
}

/** Writes `v` (a non-negative int32) in decimal at buf[o..); returns the new offset. */
export function putCount(buf: Buffer, o: number, v: number): number {
  let digits = 1;
  for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
  const end = o + digits;
  let e = end;
  for (let x = v; ; ) {
    buf[--e] = 0x30 + (x % 10);
    x = (x / 10) | 0;
    if (x === 0) break;
  }
  return end;
}

/** The smallest block. */
const MIN_BLOCK = 64 * 1024;

/**
 * Documents written into blocks, one after the other: `buf` and `view` are the block being written,
 * `o` the write offset. A document that outgrows its block moves, with what it has so far, to a
 * larger one, so each document stays in one piece. Blocks are the documents' memory: a document
 * is handed out as a subarray of its block.
 */
export class DocumentBuffer {
  buf: Buffer;
  view: DataView;
  o = 0;
  /** Where the document being written starts in `buf`. */
  private from = 0;

  /** `hint`: about how many bytes the documents will take (the first block's size). */
  constructor(hint: number) {
    this.buf = Buffer.allocUnsafe(Math.max(MIN_BLOCK, hint) + PAST);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Makes room for `n` more bytes (and PAST spare). */
  room(n: number): void {
    if (this.o + n + PAST > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const have = this.o - this.from;
    const next = Buffer.allocUnsafe(Math.max(MIN_BLOCK, 2 * (have + n)) + PAST);
    this.buf.copy(next, 0, this.from, this.o);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
    this.from = 0;
    this.o = have;
  }

  /** Starts a document at the write offset. */
  begin(): void {
    this.from = this.o;
  }

  /** Bytes of the document written so far (an offset in it that stays right when the document moves to a larger block). */
  get length(): number {
    return this.o - this.from;
  }

  /** The document written since begin(). */
  take(): Buffer {
    return this.buf.subarray(this.from, this.o);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.o++] = b;
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.o);
    this.o += b.length;
  }

  piece(p: Piece): void {
    this.room(p[0]);
    this.o = putPiece(this.view, this.o, p);
  }

  /** A non-negative integer (segment numbers): in int32 range by small-integer arithmetic, else as JSON.stringify writes it. */
  count(v: number): void {
    if (!(v >= 0 && v <= 0x7fffffff && v === (v | 0))) {
      this.bytes(Buffer.from(JSON.stringify(v), 'latin1'));
      return;
    }
    this.room(10);
    this.o = putCount(this.buf, this.o, v);
  }

  /** A JS string as a JSON string: ASCII by hand, anything else through JSON.stringify. */
  string(s: string): void {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        this.bytes(Buffer.from(JSON.stringify(s), 'utf8'));
        return;
      }
    }
    this.room(n * 6 + 2);
    const buf = this.buf;
    let o = this.o;
    buf[o++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      const esc = ESCAPE[c];
      if (esc === 0) buf[o++] = c;
      else o = escapeInto(buf, o, c, esc);
    }
    buf[o++] = 0x22;
    this.o = o;
  }
}
