/**
 * The byte cursor: X12 segments read straight from bytes. One filler rule, one segment scan and
 * one decoding rule for the reader, the model's segments, the generic JSON and every guide walk:
 * a cursor moved along a transaction set's bytes, elements cut out only when asked for, and
 * strings of up to 3 bytes (ids, qualifiers, codes) taken from a cache instead of being made.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { Delimiters } from './model';

const LF = 0x0a;
const CR = 0x0d;

/**
 * The byte also taken as filler between segments when the terminator is a line break: '~'
 * (files that end segments with "~\n" but declare the line break as terminator); -1 otherwise.
 */
export function extraFillerOf(terminator: number): number {
  return terminator === LF || terminator === CR ? 0x7e : -1;
}

/** The first byte at or after `p` (below `end`) that is not filler: line breaks, blanks, tabs and `extra`. */
export function skipFiller(src: Uint8Array, p: number, end: number, extra: number): number {
  while (p < end) {
    const c = src[p];
    if (c === LF || c === CR || c === 0x20 || c === 0x09 || c === extra) p++;
    else break;
  }
  return p;
}

/** Where a segment lies in bytes: its first byte and its terminator (or the end). */
export interface SegmentBounds {
  start: number;
  end: number;
}

/**
 * Finds the segment of `src` that starts at or after `from`, past filler; false when only filler
 * is left. Fills `into` (one object the caller reuses: no allocation per segment).
 */
export function nextSegment(src: Buffer, d: Delimiters, from: number, into: SegmentBounds): boolean {
  const n = src.length;
  const term = d.segment.charCodeAt(0);
  const p = skipFiller(src, from, n, extraFillerOf(term));
  if (p >= n) return false;
  const t = src.indexOf(term, p);
  into.start = p;
  into.end = t < 0 ? n : t;
  return true;
}

/** U+FFFD in UTF-8: a segment that holds it is read as latin1, as one that is not UTF-8 at all. */
const REPLACEMENT = Buffer.from('\ufffd', 'utf8');

/**
 * Whether bytes [a, b) of a segment are read as UTF-8: they hold bytes outside ASCII, the
 * interchange is read as UTF-8, and they are valid UTF-8 (without U+FFFD, which decoding uses for
 * what is not). Otherwise a segment is read as latin1, one character a byte.
 */
export function readsAsUtf8(src: Buffer, a: number, b: number, utf8: boolean): boolean {
  if (!utf8) return false;
  const bytes = src.subarray(a, b);
  return !isAscii(bytes) && isUtf8(bytes) && bytes.indexOf(REPLACEMENT) < 0;
}

/**
 * Strings of up to 3 bytes (segment ids, qualifiers, codes), so reading one makes no string: a
 * direct-mapped cache keyed by the bytes (slot from a multiplicative hash; a new string takes
 * the slot of an old one). Bounded by construction, and one array read where a Map lookup was.
 * It only ever holds what the bytes decode to (latin1), so sharing it changes no result.
 */
const SHORT_SLOTS = 4096;
const shortCodes = new Int32Array(SHORT_SLOTS).fill(-1);
const shortStrings: string[] = new Array<string>(SHORT_SLOTS).fill('');

/** Bytes [a, b) as latin1 text; from the cache when they are 3 or fewer. */
export function shortString(src: Buffer, a: number, b: number): string {
  const n = b - a;
  if (n > 3) return src.toString('latin1', a, b);
  const code = n * 16777216 + (n > 0 ? src[a] * 65536 : 0) + (n > 1 ? src[a + 1] * 256 : 0) + (n > 2 ? src[a + 2] : 0);
  const slot = Math.imul(code, 0x9e3779b1) >>> 20;
  if (shortCodes[slot] === code) return shortStrings[slot];
  // internalized (as a property name is), so Map and Set lookups and id comparisons against a
  // guide's own strings compare pointers
  const known = Object.keys({ [src.toString('latin1', a, b)]: 0 })[0];
  shortCodes[slot] = code;
  shortStrings[slot] = known;
  return known;
}

/**
 * One segment read from bytes (a transaction set's, or any): bounds, id and place, with elements
 * cut out only when asked for. A cursor moves one of these along a set (SegmentCursor.at).
 */
export class ByteSegment {
  private split: string[] | undefined;
  /** The component separator's byte (-1: none). */
  readonly comp: number;
  id = '';
  /** Position in the transaction set (ST = 1). */
  position = 0;
  /** Byte offset of the segment in the file. */
  offset = 0;
  /** Bytes [start, end) of `src` (end: the terminator). */
  start = 0;
  end = 0;
  /** The segment's bytes outside ASCII are UTF-8 text (else each byte is one latin1 character). */
  utf8 = false;

  constructor(
    readonly delimiters: Delimiters,
    readonly src: Buffer,
    /** The element separator's byte. */
    readonly sep: number = delimiters.element.charCodeAt(0),
  ) {
    this.comp = delimiters.component === '' ? -1 : delimiters.component.charCodeAt(0);
  }

  /** Makes this the segment at bytes [start, end) of `src`, number `position` (offset: in the file). */
  set(id: string, position: number, offset: number, start: number, end: number, utf8 = false): this {
    this.id = id;
    this.position = position;
    this.offset = offset;
    this.start = start;
    this.end = end;
    this.utf8 = utf8;
    this.split = undefined;
    this.lastKey = Number.NaN;
    return this;
  }

  /** Bytes [a, b) of the segment's source as text (UTF-8 or latin1 as the segment reads). */
  text(a: number, b: number): string {
    if (this.utf8 && !isAscii(this.src.subarray(a, b))) return this.src.toString('utf8', a, b);
    return shortString(this.src, a, b);
  }

  /** The elements as String#split(element separator) gives them (index 0: the id). */
  get elements(): string[] {
    if (this.split !== undefined) return this.split;
    const { src, end, sep } = this;
    const out: string[] = [];
    for (let a = this.start; ; ) {
      let b = a;
      while (b < end && src[b] !== sep) b++;
      out.push(this.text(a, b));
      if (b >= end) break;
      a = b + 1;
    }
    this.split = out;
    return out;
  }

  /** Element i (0: the id), '' when absent; with `firstComponent`, only up to the component separator. */
  element(i: number, firstComponent = false): string {
    // a guide walk asks for the same qualifier of one segment once per candidate place
    const key = firstComponent ? -1 - i : i;
    if (key === this.lastKey) return this.lastValue;
    const value = this.cut(i, firstComponent);
    this.lastKey = key;
    this.lastValue = value;
    return value;
  }

  /** The last element() asked for (-1 - i: with firstComponent; NaN: none since set()), and its value. */
  private lastKey = Number.NaN;
  private lastValue = '';

  private cut(i: number, firstComponent: boolean): string {
    const s = this.src;
    const end = this.end;
    let a = this.start;
    for (let k = 0; k < i; k++) {
      while (a < end && s[a] !== this.sep) a++;
      if (a >= end) return '';
      a++;
    }
    let b = a;
    if (firstComponent) {
      const comp = this.comp;
      while (b < end && s[b] !== this.sep && s[b] !== comp) b++;
    } else while (b < end && s[b] !== this.sep) b++;
    return this.text(a, b);
  }
}

/** What a SegmentCursor reads: a transaction set's bytes and how they decode. */
export interface SegmentSourceSet {
  readonly bytes: Buffer;
  readonly delimiters: Delimiters;
  /** Byte offset of the bytes in the file. */
  readonly offset: number;
  readonly isAscii: boolean;
  /** Segments outside ASCII are read as UTF-8 when valid (else latin1). */
  readonly decodesUtf8: boolean;
}

/**
 * The segments of a transaction set's bytes, in order: at(0), at(1), ... until undefined, each
 * time the same ByteSegment moved along (valid until the next call); all() gives one each.
 */
export class SegmentCursor {
  private readonly cursor: ByteSegment;
  /** The segment the cursor holds (-1: none yet) and where the next one starts looking. */
  private index = -1;
  private next = 0;
  private readonly bounds: SegmentBounds = { start: 0, end: 0 };
  private readonly src: Buffer;

  constructor(private readonly tx: SegmentSourceSet) {
    this.src = tx.bytes;
    this.cursor = new ByteSegment(tx.delimiters, this.src);
  }

  /** Segment i (0-based), the one after the last asked for (or the same again); undefined past the last. */
  at(i: number): ByteSegment | undefined {
    if (i === this.index) return this.cursor;
    if (i === 0) this.next = 0;
    else if (i !== this.index + 1) throw new Error(`segments are read in order: ${i} after ${this.index}`);
    return this.read(this.cursor, i) ? this.cursor : undefined;
  }

  /** Every segment in an object of its own. */
  all(): ByteSegment[] {
    const out: ByteSegment[] = [];
    this.next = 0;
    for (;;) {
      const seg = new ByteSegment(this.tx.delimiters, this.src);
      if (!this.read(seg, out.length)) break;
      out.push(seg);
    }
    this.index = -1;
    return out;
  }

  /** Points `seg` at segment i, the next one from `next`; false when there is none. */
  private read(seg: ByteSegment, i: number): boolean {
    const b = this.bounds;
    const src = this.src;
    if (!nextSegment(src, this.tx.delimiters, this.next, b)) return false;
    const utf8 = !this.tx.isAscii && readsAsUtf8(src, b.start, b.end, this.tx.decodesUtf8);
    const sep = seg.sep;
    let e = b.start;
    while (e < b.end && src[e] !== sep) e++;
    seg.set('', i + 1, this.tx.offset + b.start, b.start, b.end, utf8);
    seg.id = seg.text(b.start, e);
    this.next = b.end + 1;
    this.index = i;
    return true;
  }
}
