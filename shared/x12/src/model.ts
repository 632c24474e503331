/**
 * The lossless X12 model: interchange > group > transaction set > segment > element.
 *
 * A segment keeps its exact text (`raw`, without terminator), the bytes that
 * preceded it (`lead`: line breaks/indentation after the previous terminator)
 * and its terminator (`term`), so that serializing gives back the same bytes.
 * Elements are split lazily from `raw` on first access.
 */
import { isAscii } from 'node:buffer';
import { nextSegment, readsAsUtf8, type SegmentBounds } from './cursor';
import type { X12Issue } from './issues';

export interface Delimiters {
  /** Element separator (ISA byte 3). */
  element: string;
  /** Component (sub-element) separator, ISA16. */
  component: string;
  /** Repetition separator, ISA11 when it is a delimiter (5010); '' when ISA11 is the standards id `U` (4010). */
  repetition: string;
  /** Segment terminator (the byte right after ISA16). */
  segment: string;
}

/** Text encoding used to decode segment bytes. 'utf8' falls back to latin1 per segment when the bytes are not valid UTF-8. */
export type X12Encoding = 'utf8' | 'latin1';

export class Segment {
  /** Segment id (e.g. 'NM1'). */
  readonly id: string;
  /** Exact segment text without lead and terminator. */
  raw: string;
  /** Bytes between the previous terminator and this segment (line breaks, indentation); usually '' or '\n'. */
  lead: string;
  /** The terminator as written ('' when the file ended without one). */
  term: string;
  /** Byte offset of the segment id's first byte in the file (after any BOM). */
  readonly offset: number;
  /** Segment number within the interchange (ISA = 1). */
  readonly index: number;
  /** Segment position within the transaction set as X12 counts it (ST = 1); 0 outside a transaction set. */
  readonly position: number;
  /** Delimiters of the interchange the segment belongs to. */
  readonly delimiters: Delimiters;
  /** True when `raw` holds non-ASCII bytes decoded as latin1 (not valid UTF-8, or latin1 reading): serialize writes it back as latin1. */
  readonly latin1: boolean;
  private cache: string[] | undefined;

  constructor(
    id: string,
    raw: string,
    lead: string,
    term: string,
    offset: number,
    index: number,
    position: number,
    delimiters: Delimiters,
    latin1 = false,
  ) {
    this.id = id;
    this.raw = raw;
    this.lead = lead;
    this.term = term;
    this.offset = offset;
    this.index = index;
    this.position = position;
    this.delimiters = delimiters;
    this.latin1 = latin1;
    this.cache = undefined;
  }

  /** Elements split on the element separator; `elements[0]` is the segment id, so `elements[n]` is element n. */
  get elements(): string[] {
    let e = this.cache;
    if (e === undefined) {
      e = this.raw.split(this.delimiters.element);
      this.cache = e;
    }
    return e;
  }

  /** Replace the elements (index 0 = id); `raw` is rebuilt. */
  set elements(values: string[]) {
    this.cache = values;
    this.raw = values.join(this.delimiters.element);
  }

  /** Number of elements after the id (trailing empty elements included). */
  get elementCount(): number {
    return this.elements.length - 1;
  }

  /** Element n (1-based) as raw text ('' when absent). */
  element(n: number): string {
    const e = this.elements;
    return n < e.length ? e[n] : '';
  }

  /** Repetitions of element n (one entry when the element does not repeat). */
  repetitions(n: number): string[] {
    const v = this.element(n);
    const rep = this.delimiters.repetition;
    return rep !== '' && v.includes(rep) ? v.split(rep) : [v];
  }

  /** Components of element n (repetition r, 0-based). */
  components(n: number, r = 0): string[] {
    const reps = this.repetitions(n);
    const v = r < reps.length ? reps[r] : '';
    return v.split(this.delimiters.component);
  }

  /** Component c (1-based) of element n, repetition r (0-based); '' when absent. */
  component(n: number, c: number, r = 0): string {
    const comps = this.components(n, r);
    return c - 1 < comps.length ? comps[c - 1] : '';
  }

  /** Compact JSON form: id, positions and elements after the id. */
  toJSON(): { id: string; position: number; index: number; offset: number; elements: string[] } {
    return { id: this.id, position: this.position, index: this.index, offset: this.offset, elements: this.elements.slice(1) };
  }
}

/** Facts the reader hands to a TransactionSet. */
export interface TransactionSetInit {
  setId: string;
  controlNumber: string;
  implementationRef: string;
  issues: X12Issue[];
  /** Filler bytes before the ST. */
  lead: string;
  /** The bytes from the ST's first byte through the last terminator (ST..SE). */
  bytes: Buffer;
  offset: number;
  index: number;
  segmentCount: number;
  hasSe: boolean;
  delimiters: Delimiters;
  /** Decode non-ASCII segments as UTF-8 (when valid) rather than latin1. */
  utf8: boolean;
  /** True when the text is known to be ASCII only. */
  ascii: boolean;
}

/**
 * A transaction set (ST..SE). The reader keeps its exact text and counts; the Segment objects are
 * built on first access to `segments` (so reading a file costs no per-segment objects until a
 * consumer asks for them).
 */
export class TransactionSet {
  /** ST01, e.g. '837'. */
  readonly setId: string;
  /** ST02. */
  readonly controlNumber: string;
  /** ST03 when present, else the group's GS08: the implementation guide (e.g. 005010X222A1). */
  readonly implementationRef: string;
  /** Envelope and syntax issues found while reading (counts, control numbers, dictionary checks). */
  readonly issues: X12Issue[];
  /** Filler bytes (line breaks) before the ST. */
  readonly lead: string;
  /** Exact bytes from the ST through the last segment's terminator. */
  readonly bytes: Buffer;
  /** Byte offset of the ST in the file. */
  readonly offset: number;
  /** Segment number of the ST within the interchange. */
  readonly index: number;
  /** Number of segments ST..SE inclusive (as counted for SE01). */
  readonly segmentCount: number;
  readonly delimiters: Delimiters;
  private readonly hasSe: boolean;
  private readonly utf8: boolean;
  private readonly ascii: boolean;
  private cache: Segment[] | undefined;
  private decoded: string | undefined;
  private asciiOnly: boolean | undefined;

  constructor(init: TransactionSetInit) {
    this.setId = init.setId;
    this.controlNumber = init.controlNumber;
    this.implementationRef = init.implementationRef;
    this.issues = init.issues;
    this.lead = init.lead;
    this.bytes = init.bytes;
    this.decoded = undefined;
    this.asciiOnly = undefined;
    this.offset = init.offset;
    this.index = init.index;
    this.segmentCount = init.segmentCount;
    this.delimiters = init.delimiters;
    this.hasSe = init.hasSe;
    this.utf8 = init.utf8;
    this.ascii = init.ascii;
    this.cache = undefined;
  }

  /**
   * Exact text (latin1, one char per byte) from the ST through the last segment's terminator:
   * `bytes` decoded on first access. Paths that read many sets use `bytes`: a string over 128 KiB
   * is costly to make (see the reader's BLOCK_CHARS).
   */
  get text(): string {
    return (this.decoded ??= this.bytes.toString('latin1'));
  }

  /**
   * True when the set's bytes are all ASCII (each char is one byte and one character): the
   * reader's word when it saw only ASCII around the set, else checked once on the bytes.
   */
  get isAscii(): boolean {
    return (this.asciiOnly ??= this.ascii || isAscii(this.bytes));
  }

  /** True once `segments` was built (serialize then writes the segments, so edits are kept). */
  get materialized(): boolean {
    return this.cache !== undefined;
  }

  /** What this set was made from, with `bytes` in place of its own (a copy that can move to another thread). */
  initWith(bytes: Buffer): TransactionSetInit {
    return {
      setId: this.setId, controlNumber: this.controlNumber, implementationRef: this.implementationRef, issues: this.issues, lead: this.lead,
      bytes, offset: this.offset, index: this.index, segmentCount: this.segmentCount, hasSe: this.hasSe, delimiters: this.delimiters,
      utf8: this.utf8, ascii: this.ascii,
    };
  }

  /** Segments outside ASCII are read as UTF-8 when they are valid UTF-8 (else as latin1). */
  get decodesUtf8(): boolean {
    return this.utf8;
  }

  /** ST..SE inclusive, in order (built on first access, then cached). */
  get segments(): Segment[] {
    if (this.cache !== undefined) return this.cache;
    const out: Segment[] = [];
    const src = this.bytes;
    const d = this.delimiters;
    const bounds: SegmentBounds = { start: 0, end: 0 };
    for (let leadStart = 0; nextSegment(src, d, leadStart, bounds); leadStart = bounds.end + 1) {
      const { start, end } = bounds;
      const utf8 = !this.ascii && readsAsUtf8(src, start, end, this.utf8);
      const raw = src.toString(utf8 ? 'utf8' : 'latin1', start, end);
      const latin1 = !utf8 && !this.ascii && !isAscii(src.subarray(start, end));
      const k = raw.indexOf(d.element);
      const id = k < 0 ? raw : raw.slice(0, k);
      const lead = leadStart === start ? '' : src.toString('latin1', leadStart, start);
      out.push(new Segment(id, raw, lead, end < src.length ? d.segment : '', this.offset + start, this.index + out.length, out.length + 1, d, latin1));
    }
    if (out.length > 0) out[0].lead = this.lead;
    this.cache = out;
    return out;
  }

  /** The ST segment. */
  get st(): Segment {
    return this.segments[0];
  }

  /** The SE segment (undefined when missing). */
  get se(): Segment | undefined {
    const segs = this.segments;
    return this.hasSe ? segs[segs.length - 1] : undefined;
  }
}

export interface FunctionalGroup {
  gs: Segment;
  ge: Segment | undefined;
  /** GS01 functional identifier code (e.g. 'HC'). */
  functionalId: string;
  /** GS06. */
  controlNumber: string;
  /** GS08 version / release / industry identifier (e.g. 005010X222A1). */
  version: string;
  /** Transaction sets (empty in streaming mode unless `retain` is set). */
  transactions: TransactionSet[];
  /** Number of ST segments seen. */
  transactionCount: number;
  /** Segments inside the group but outside any transaction set (kept for round trip). */
  loose: Segment[];
  issues: X12Issue[];
}

export interface InterchangeHeader {
  authorizationQualifier: string;
  authorization: string;
  securityQualifier: string;
  security: string;
  senderQualifier: string;
  /** ISA06 trimmed. */
  senderId: string;
  receiverQualifier: string;
  /** ISA08 trimmed. */
  receiverId: string;
  /** ISA09 YYMMDD. */
  date: string;
  /** ISA10 HHMM. */
  time: string;
  /** ISA11 as written (repetition separator in 5010, 'U' in 4010). */
  standardsOrRepetition: string;
  /** ISA12, e.g. '00501'. */
  version: string;
  /** ISA13. */
  controlNumber: string;
  /** ISA14 ('0' / '1'). */
  ackRequested: string;
  /** ISA15 ('P' / 'T'). */
  usage: string;
}

export interface Interchange {
  isa: Segment;
  iea: Segment | undefined;
  header: InterchangeHeader;
  delimiters: Delimiters;
  /** Byte offset of the ISA in the input (after a BOM). */
  offset: number;
  /** True when a UTF-8 BOM preceded this interchange. */
  bom: boolean;
  groups: FunctionalGroup[];
  /** Number of GS segments seen. */
  groupCount: number;
  /** Segments directly in the interchange, outside groups (TA1, ISB, ISE, stray segments). */
  loose: Segment[];
  /** Segments read in the interchange, ISA through IEA (final when the interchange ends). */
  segmentCount: number;
  /** Bytes after the last segment of the interchange that are not a segment (trailing line breaks). */
  trailer: string;
  issues: X12Issue[];
}
