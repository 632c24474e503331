/**
 * A transaction set's segments read straight from its bytes (TransactionSet.bytes): one cursor
 * moved along them, elements split only when asked for. The byte writer
 * (json-writer.ts) and the validator's byte path (validate.ts) walk sets with it.
 */
import type { Delimiters, TransactionSet } from '@ediflow/x12';
import type { SegmentDef } from './definition';
import { nextSegment, type SegmentBounds, type SegmentLike, type SegmentSource } from './walk';

/**
 * A segment read from the transaction's bytes; elements are split only when asked for. Once
 * placed, it stands in the tree for its JSON (with the definition it was placed with). The
 * tape path moves one of them along the segments (Segments.at); the tree path keeps one per
 * segment (Segments.all).
 */
export class ByteSegment implements SegmentLike {
  private split: string[] | undefined;
  /** The component separator's byte (-1: none). */
  private readonly comp: number;
  def: SegmentDef | undefined;
  id = '';
  position = 0;
  offset = 0;
  start = 0;
  end = 0;

  constructor(
    readonly delimiters: Delimiters,
    /** The set's bytes, and its element separator's byte. */
    readonly src: Buffer,
    readonly sep: number,
  ) {
    this.comp = delimiters.component === '' ? -1 : delimiters.component.charCodeAt(0);
  }

  /** Makes this segment number `position` (ST = 1), at bytes [start, end) of the set (offset: in the file). */
  set(id: string, position: number, offset: number, start: number, end: number): this {
    this.id = id;
    this.position = position;
    this.offset = offset;
    this.start = start;
    this.end = end;
    this.split = undefined;
    this.def = undefined;
    return this;
  }

  /**
   * The elements as String#split(element separator) gives them, cut out one by one: values of up
   * to 3 bytes come from the short-string cache (no string made), longer ones are decoded.
   */
  get elements(): string[] {
    if (this.split !== undefined) return this.split;
    const { src, end, sep } = this;
    const out: string[] = [];
    for (let a = this.start; ; ) {
      let b = a;
      while (b < end && src[b] !== sep) b++;
      out.push(short(src, a, b));
      if (b >= end) break;
      a = b + 1;
    }
    this.split = out;
    return out;
  }

  element(i: number, firstComponent = false): string {
    const s = this.src;
    let a = this.start;
    for (let k = 0; k < i; k++) {
      while (a < this.end && s[a] !== this.sep) a++;
      if (a >= this.end) return '';
      a++;
    }
    let b = a;
    if (firstComponent) {
      // a qualifier that is a composite's first component ("HC" of HC:99213): no string of the whole element
      const comp = this.comp;
      while (b < this.end && s[b] !== this.sep && s[b] !== comp) b++;
    } else while (b < this.end && s[b] !== this.sep) b++;
    return short(s, a, b);
  }
}

/**
 * Strings of up to 3 bytes (segment ids, qualifiers, codes), so reading one makes no string: a
 * direct-mapped cache keyed by the bytes (slot from a multiplicative hash; a new string takes
 * the slot of an old one). Bounded by construction, and one array read where a Map lookup was.
 */
const SHORT_SLOTS = 4096;
const shortCodes = new Int32Array(SHORT_SLOTS).fill(-1);
const shortStrings: string[] = new Array<string>(SHORT_SLOTS).fill('');

export function short(src: Buffer, a: number, b: number): string {
  const n = b - a;
  if (n > 3) return src.toString('latin1', a, b);
  const code = n * 16777216 + (n > 0 ? src[a] * 65536 : 0) + (n > 1 ? src[a + 1] * 256 : 0) + (n > 2 ? src[a + 2] : 0);
  const slot = Math.imul(code, 0x9e3779b1) >>> 20;
  if (shortCodes[slot] === code) return shortStrings[slot];
  // internalized (as a property name is), so the walker's Map and Set lookups and id
  // comparisons against the guide's own strings compare pointers: ~15 % off each lookup
  const known = Object.keys({ [src.toString('latin1', a, b)]: 0 })[0];
  shortCodes[slot] = code;
  shortStrings[slot] = known;
  return known;
}

/**
 * The segments of a transaction set's bytes, found as the walker asks for them (in order, see
 * SegmentSource): one cursor moved along, no list of ids or positions.
 */
export class Segments implements SegmentSource<ByteSegment> {
  private readonly cursor: ByteSegment;
  /** The segment the cursor holds (-1: none yet) and where the next one starts looking. */
  private index = -1;
  private next = 0;
  private readonly bounds: SegmentBounds = { start: 0, end: 0 };
  private readonly sep: number;

  private readonly src: Buffer;

  constructor(private readonly tx: TransactionSet) {
    this.src = tx.bytes;
    this.sep = tx.delimiters.element.charCodeAt(0);
    this.cursor = new ByteSegment(tx.delimiters, this.src, this.sep);
  }

  /** Segment i (0-based) in the one cursor object, valid until the next call; undefined past the last. */
  at(i: number): ByteSegment | undefined {
    if (i === this.index) return this.cursor;
    if (i === 0) this.next = 0;
    else if (i !== this.index + 1) throw new Error(`segments are read in order: ${i} after ${this.index}`);
    return this.read(this.cursor, i) ? this.cursor : undefined;
  }

  /** Every segment in an object of its own (the tree keeps them). */
  all(): ByteSegment[] {
    const out: ByteSegment[] = [];
    this.next = 0;
    for (;;) {
      const seg = new ByteSegment(this.tx.delimiters, this.src, this.sep);
      if (!this.read(seg, out.length)) break;
      out.push(seg);
    }
    this.index = -1;
    return out;
  }

  /** Points `seg` at segment i, the next one from `next`; false when there is none. */
  private read(seg: ByteSegment, i: number): boolean {
    const b = this.bounds;
    if (!nextSegment(this.src, this.tx.delimiters, this.next, b)) return false;
    const { src, sep } = this;
    let e = b.start;
    while (e < b.end && src[e] !== sep) e++;
    seg.set(short(src, b.start, e), i + 1, this.tx.offset + b.start, b.start, b.end);
    this.next = b.end + 1;
    this.index = i;
    return true;
  }
}

