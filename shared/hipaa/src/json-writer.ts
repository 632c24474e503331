/**
 * Semantic JSON written straight to bytes: the same text as
 * JSON.stringify(translateTransaction(tx, ctx).documents[0]), about three times as fast (README.md, Throughput).
 *
 * Measured on the bench's 837P (npm run bench -- --only translate): building the document
 * tree and JSON.stringify spent most of their time splitting every segment into element
 * strings, building one object per segment and composite, and collecting that garbage.
 * Here the walker (the same one, so loops, order and repeats come out the same) reads the
 * segments from the transaction's bytes (the cursor of byte-segments.ts) and reads only the
 * elements it needs to place a segment (qualifiers). It records what it places as a flat list of events (the tape: loop
 * opened, segment bytes, loop closed) instead of a tree, where a loop's JSON is its events in
 * order (nearly always; see Tape). The writer then copies element bytes into a reused buffer
 * with each property name encoded once, and hands the buffer to a sink as it fills.
 *
 * Transaction sets with non-ASCII bytes, and segment definitions whose property names could
 * collide, go through segmentObject and JSON.stringify, so the output is always the same text.
 */
import type { Delimiters, TransactionSet } from '@ediflow/x12';
import { inElementGroup, type CompiledGuide, type RtLoop, type RtSegment, type SegmentDef } from './definition';
import { compiledGuide, resolveGuide, type SupportedGuide } from './guides';
import { segmentObject, type JsonValue } from './segment-json';
import { CLAIM_LOOP, documentBase, translateTransaction, type TranslateContext } from './translate';
import { ByteSegment, Segments } from './byte-segments';
import { walk, walkWith, type LoopSource, type WalkBuilder } from './walk';

/** Receives the JSON in pieces, in order; the bytes are valid only during the call. */
export type JsonSink = (bytes: Buffer) => void;

const CHUNK = 64 * 1024;
/** Room kept free past a write: the longest fixed piece (a property name, punctuation). */
const SLACK = 1024;

/** A segment definition's property names as bytes; null when two properties could share a name. */
interface Plan {
  /** Per element (index i - 1): its name. */
  names: Piece[];
  /** Per element: its components' names. */
  components: Piece[][];
  group: Piece | undefined;
  items: Piece[];
  /** The longest name's bytes (at least that of a generated elementN / componentN name). */
  longest: number;
  /**
   * Per element: how it is written (STRING, COMPOSITE, and REPEATS added when it repeats), read
   * here once: element definitions come in many shapes, and reading their fields per segment was slow.
   */
  kinds: Uint8Array;
  /** The element group's first element, size and end (past its last element); 0 when there is none. */
  gFrom: number;
  gSize: number;
  gEnd: number;
}

/** Plan.kinds values. */
const STRING = 1;
const COMPOSITE = 2;
const REPEATS = 4;

const plans = new WeakMap<SegmentDef, Plan | null>();

function planOf(def: SegmentDef): Plan | null {
  let plan = plans.get(def);
  if (plan !== undefined) return plan;
  let ok = true;
  const seen = new Set<string>();
  const g = def.group;
  const add = (name: string): void => {
    if (seen.has(name) || /^element\d+$/.test(name) || name === '__proto__') ok = false;
    seen.add(name);
  };
  def.elements.forEach((ed, i) => {
    if (!inElementGroup(def, i + 1)) add(ed.key);
    const comps = new Set<string>();
    for (const c of ed.components ?? []) {
      if (comps.has(c.key) || /^component\d+$/.test(c.key) || c.key === '__proto__') ok = false;
      comps.add(c.key);
    }
  });
  if (g !== undefined) {
    add(g.key);
    if (new Set(g.itemKeys).size !== g.itemKeys.length || g.itemKeys.includes('__proto__')) ok = false;
  }
  if (ok) {
    const names = def.elements.map((ed) => namePiece(ed.key));
    const components = def.elements.map((ed) => (ed.components ?? []).map((c) => namePiece(c.key)));
    const group = g === undefined ? undefined : namePiece(g.key);
    const items = g === undefined ? [] : g.itemKeys.map((k) => namePiece(k));
    const all = [...names, ...components.flat(), ...items, ...(group === undefined ? [] : [group])];
    const kinds = Uint8Array.from(def.elements, (ed) => (ed.components !== undefined ? COMPOSITE : STRING) + (ed.repeat === undefined || ed.repeat === 1 ? 0 : REPEATS));
    plan = {
      names, components, group, items, longest: Math.max(24, ...all.map((p) => p[0])), kinds,
      gFrom: g?.from ?? 0, gSize: g?.size ?? 0, gEnd: g === undefined ? 0 : g.from + g.size * g.count,
    };
  } else plan = null;
  plans.set(def, plan);
  return plan;
}

/**
 * A fixed piece of output (a name, punctuation) as float64 words: [byte length, then the bytes
 * little-endian, 8 to a word, zero-padded]. putPiece writes it a word at a time through a
 * DataView. Names are most of the output (78 % of the bench's 837P JSON), and 8 bytes per store
 * beat 4: 2.2 million 26-byte names in 20-27 ms vs 30-35 ms (node /tmp/w/floor*.js, scratch),
 * and both beat TypedArray#set (105-149 ms per 3 million names).
 *
 * A word of bytes below 0x80 is a finite double (its top byte is below 0x80, so the exponent is
 * never all ones: no NaN, whose bits an engine may change), so it is stored back bit for bit;
 * pieceOf refuses anything else. A write runs up to 7 bytes past the piece; Out keeps PAST
 * bytes spare for that.
 */
type Piece = Float64Array;
const PAST = 8;

function pieceOf(text: string): Piece {
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

/** The output buffer's DataView, for putPiece (set as a segment is written, like `pos`). */
let view: DataView;

function putPiece(o: number, p: Piece): number {
  const v = view;
  for (let k = 1; k < p.length; k++) v.setFloat64(o + 8 * k - 8, p[k], true);
  return o + p[0];
}

/** `"name":`, encoded once per name. */
const names = new Map<string, Piece>();

function namePiece(name: string): Piece {
  let p = names.get(name);
  if (p === undefined) {
    p = pieceOf(`${JSON.stringify(name)}:`);
    names.set(name, p);
  }
  return p;
}

const elementNames: Piece[] = [];
const componentNames: Piece[] = [];
const numbered = (list: Piece[], prefix: string, i: number): Piece => (list[i] ??= namePiece(`${prefix}${i}`));

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** How JSON.stringify writes each byte of an ASCII string: 0 as is, 1 with a short escape, 2 as \u00XX. */
const ESCAPE = new Uint8Array(128);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = 2;
for (const b of [0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x22, 0x5c]) ESCAPE[b] = 1;
const SHORT: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };

/** Writes byte `c` (one that ESCAPE marks) escaped as JSON.stringify does; returns the new offset. */
function escapeInto(buf: Buffer, o: number, c: number): number {
  buf[o++] = 0x5c;
  if (ESCAPE[c] === 1) {
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
function putCount(buf: Buffer, o: number, v: number): number {
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

/** The output buffer, handed to the sink as it fills. */
class Out {
  /** CHUNK bytes of output, and PAST spare for putPiece's last word. */
  readonly buf = Buffer.allocUnsafeSlow(CHUNK + PAST);
  readonly view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  o = 0;
  sink: JsonSink = () => undefined;

  /** Makes room for `n` more bytes (n <= CHUNK - SLACK). */
  room(n: number): void {
    if (this.o + n > CHUNK) this.flush();
  }

  flush(): void {
    if (this.o > 0) this.sink(this.buf.subarray(0, this.o));
    this.o = 0;
  }

  byte(b: number): void {
    if (this.o >= CHUNK) this.flush();
    this.buf[this.o++] = b;
  }

  /** Bytes that fit in the buffer (n <= CHUNK). */
  bytes(b: Buffer): void {
    const n = b.length;
    if (this.o + n > CHUNK) this.flush();
    this.buf.set(b, this.o);
    this.o += n;
  }

  /** A fixed piece (a name, punctuation). */
  piece(p: Piece): void {
    if (this.o + p[0] > CHUNK) this.flush();
    view = this.view;
    this.o = putPiece(this.o, p);
  }

  /** A non-negative integer (segment numbers): in int32 range by small-integer arithmetic, else as JSON.stringify writes it. */
  count(v: number): void {
    if (!(v >= 0 && v <= 0x7fffffff && v === (v | 0))) {
      this.raw(Buffer.from(JSON.stringify(v), 'latin1'));
      return;
    }
    this.room(10);
    this.o = putCount(this.buf, this.o, v);
  }

  /** A JS string as a JSON string: ASCII by hand, anything else through JSON.stringify. */
  string(s: string): void {
    const n = s.length;
    if (n * 6 + 2 > CHUNK - SLACK) {
      this.text(s);
      return;
    }
    this.room(n * 6 + 2);
    const buf = this.buf;
    let o = this.o;
    buf[o++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.text(s);
        return;
      }
      if (ESCAPE[c] === 0) buf[o++] = c;
      else o = escapeInto(buf, o, c);
    }
    buf[o++] = 0x22;
    this.o = o;
  }

  /** Bytes of any length. */
  raw(b: Buffer): void {
    if (b.length > CHUNK - SLACK) {
      this.flush();
      this.sink(b);
    } else this.bytes(b);
  }

  /** A JS string as a JSON string (any text: JSON.stringify does the escaping). */
  text(s: string): void {
    this.raw(Buffer.from(JSON.stringify(s), 'utf8'));
  }
}

const NULL = pieceOf('null');
const EMPTY = pieceOf('{}');

/** One document being written: its output, the transaction's bytes and delimiters, and their class table. */
interface Writing {
  out: Out;
  src: Buffer;
  d: Delimiters;
  table: Uint8Array;
}

/** Class bits of a byte in a segment: where a copy stops (element, component, repetition separator). */
const SEP = 1;
const COMP = 2;
const REP = 4;
/** Per delimiter set: ESCAPE's class in bits 3-4, the separators in bits 0-2. */
const classTables = new Map<string, Uint8Array>();

function classTable(d: Delimiters): Uint8Array {
  const key = d.element + d.component + d.repetition;
  let t = classTables.get(key);
  if (t === undefined) {
    t = new Uint8Array(256);
    for (let c = 0; c < 128; c++) t[c] = ESCAPE[c] << 3;
    t[d.element.charCodeAt(0)] |= SEP;
    if (d.component !== '') t[d.component.charCodeAt(0)] |= COMP;
    if (d.repetition !== '') t[d.repetition.charCodeAt(0)] |= REP;
    // delimiters come from the input: keep a few sets, not one per odd file
    if (classTables.size >= 64) classTables.clear();
    classTables.set(key, t);
  }
  return t;
}

/**
 * Writes the segment as segmentObject + JSON.stringify would, straight into out.buf: one
 * pass over its bytes, with room for the worst case made once. `pos` carries the read
 * position between the helpers.
 */
let pos = 0;

/** src[pos..) up to a byte of class `stop` (or `end`) as a JSON string. */
function putString(buf: Buffer, o: number, src: Buffer, end: number, table: Uint8Array, stop: number): number {
  let i = pos;
  buf[o++] = 0x22;
  for (; i < end; i++) {
    const c = src[i];
    const t = table[c];
    if (t === 0) {
      buf[o++] = c;
      continue;
    }
    if ((t & stop) !== 0) break;
    if (t < 8) buf[o++] = c; // a separator that is data here
    else o = escapeInto(buf, o, c);
  }
  buf[o++] = 0x22;
  pos = i;
  return o;
}

/** compositeObject: src[pos..) up to a byte of class `stop` other than the component separator. */
function putComposite(buf: Buffer, o: number, src: Buffer, end: number, table: Uint8Array, stop: number, names: Piece[]): number {
  buf[o++] = 0x7b;
  let first = true;
  for (let k = 0; ; k++) {
    const t = pos < end ? table[src[pos]] : SEP;
    if ((t & (stop | COMP)) === 0) {
      if (!first) buf[o++] = 0x2c;
      first = false;
      o = putPiece(o, k < names.length ? names[k] : numbered(componentNames, 'component', k + 1));
      o = putString(buf, o, src, end, table, stop | COMP);
    }
    if (pos >= end || (table[src[pos]] & COMP) === 0) break;
    pos++;
  }
  buf[o++] = 0x7d;
  return o;
}

/** elementValue: the element at src[pos..) (not empty) up to the element separator; `kind` from Plan.kinds. */
function putElement(buf: Buffer, o: number, src: Buffer, end: number, table: Uint8Array, kind: number, names: Piece[], rep: boolean): number {
  if (kind === STRING) return putString(buf, o, src, end, table, SEP);
  const composite = (kind & COMPOSITE) !== 0;
  if ((kind & REPEATS) === 0) return putComposite(buf, o, src, end, table, SEP, names);
  const stop = rep ? SEP | REP : SEP;
  buf[o++] = 0x5b;
  for (let first = true; ; first = false) {
    if (!first) buf[o++] = 0x2c;
    o = composite ? putComposite(buf, o, src, end, table, stop, names) : putString(buf, o, src, end, table, stop);
    if (pos >= end || (table[src[pos]] & REP) === 0 || !rep) break;
    pos++;
  }
  buf[o++] = 0x5d;
  return o;
}

/** segmentObject of segment-json.ts, from the segment's bytes src[start, end) (planOf(def) as `plan`). */
function writeSegment(w: Writing, def: SegmentDef, plan: Plan | null, start: number, end: number): void {
  const { out, src, d } = w;
  const need = (end - start) * (14 + (plan?.longest ?? 0)) + (plan?.longest ?? 0) + 64;
  if (plan === null || need > CHUNK - SLACK) {
    // names that could collide, or a segment too long for the buffer: the reference implementation
    writeValue(w, segmentObject(src.toString('latin1', start, end).split(d.element), def, d));
    return;
  }
  out.room(need);
  const buf = out.buf;
  view = out.view;
  let o = out.o;
  const table = w.table;
  const rep = d.repetition !== '';
  const kinds = plan.kinds;
  const defined = kinds.length;
  const gFrom = plan.gFrom;
  const gSize = plan.gSize;
  const gEnd = plan.gEnd;
  pos = start;
  while (pos < end && (table[src[pos]] & SEP) === 0) pos++;
  let first = true;
  /** Items of the group written so far (-1: no group open), the open item (size > 1) and its names written. */
  let items = -1;
  let item = -1;
  let itemKeys = 0;
  buf[o++] = 0x7b;
  for (let i = 1; pos < end; i++) {
    pos++;
    if (pos >= end || (table[src[pos]] & SEP) !== 0) continue; // empty element
    const inGroup = i >= gFrom && i < gEnd && i <= defined;
    if (!inGroup && items >= 0) {
      if (item >= 0 && gSize > 1) buf[o++] = 0x7d;
      buf[o++] = 0x5d;
      items = -1;
      item = -1;
    }
    if (i > defined) {
      if (!first) buf[o++] = 0x2c;
      o = putPiece(o, numbered(elementNames, 'element', i));
      o = putString(buf, o, src, end, table, SEP);
    } else if (inGroup) {
      if (items < 0) {
        if (!first) buf[o++] = 0x2c;
        o = putPiece(o, plan.group as Piece);
        buf[o++] = 0x5b;
        items = 0;
      }
      const k = Math.floor((i - gFrom) / gSize);
      if (gSize === 1) {
        for (; items < k; items++) {
          if (items > 0) buf[o++] = 0x2c;
          o = putPiece(o, NULL);
        }
        if (items > 0) buf[o++] = 0x2c;
        o = putElement(buf, o, src, end, table, kinds[i - 1], plan.components[i - 1], rep);
        items = k + 1;
      } else {
        if (k !== item) {
          if (item >= 0) buf[o++] = 0x7d;
          for (; items < k; items++) {
            if (items > 0) buf[o++] = 0x2c;
            o = putPiece(o, EMPTY);
          }
          if (items > 0) buf[o++] = 0x2c;
          buf[o++] = 0x7b;
          item = k;
          items = k + 1;
          itemKeys = 0;
        }
        if (itemKeys > 0) buf[o++] = 0x2c;
        itemKeys++;
        o = putPiece(o, plan.items[(i - gFrom) % gSize]);
        o = putElement(buf, o, src, end, table, kinds[i - 1], plan.components[i - 1], rep);
      }
    } else {
      if (!first) buf[o++] = 0x2c;
      o = putPiece(o, plan.names[i - 1]);
      o = putElement(buf, o, src, end, table, kinds[i - 1], plan.components[i - 1], rep);
    }
    first = false;
    // on to the next element separator (the copy stopped at one, or at the end)
    while (pos < end && (table[src[pos]] & SEP) === 0) pos++;
  }
  if (items >= 0) {
    if (item >= 0 && gSize > 1) buf[o++] = 0x7d;
    buf[o++] = 0x5d;
  }
  buf[o++] = 0x7d;
  out.o = o;
}

/** A value of the walker's tree: loops, source pointers, kept segments, and segment references. */
function writeValue(w: Writing, v: JsonValue | ByteSegment | number | undefined): void {
  const out = w.out;
  if (v instanceof ByteSegment) {
    const def = v.def as SegmentDef;
    writeSegment(w, def, planOf(def), v.start, v.end);
  } else if (typeof v === 'string') out.string(v);
  else if (typeof v === 'number') out.count(v);
  else if (v === null) out.piece(NULL);
  else if (Array.isArray(v)) {
    out.byte(0x5b);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.byte(0x2c);
      writeValue(w, v[i]);
    }
    out.byte(0x5d);
  } else if (typeof v === 'object') {
    out.byte(0x7b);
    let first = true;
    // for-in walks the object's own names in order (tree objects are plain, with no inherited enumerable names)
    for (const k in v) {
      const x = v[k] as JsonValue | ByteSegment | number | undefined;
      if (x === undefined) continue;
      if (!first) out.byte(0x2c);
      first = false;
      if (k === 'source' && isLoopSource(x)) {
        writeLoopSource(out, sourceHead(x.loop), x.first, x.last);
        continue;
      }
      out.piece(namePiece(k));
      writeValue(w, x);
    }
    out.byte(0x7d);
  }
}

/** A loop's source pointer as the walker makes it: exactly { loop, first, last }. */
function isLoopSource(v: unknown): v is LoopSource {
  const s = v as Partial<LoopSource>;
  return typeof s.loop === 'string' && typeof s.first === 'number' && typeof s.last === 'number';
}

/** `"source":{"loop":"2300","first":` per loop id. */
const sourceHeads = new Map<string, Piece>();
const LAST = pieceOf(',"last":');

function sourceHead(loop: string): Piece {
  let head = sourceHeads.get(loop);
  if (head === undefined) {
    head = pieceOf(`"source":{"loop":${JSON.stringify(loop)},"first":`);
    sourceHeads.set(loop, head);
  }
  return head;
}

/** A loop's source pointer, after its `"source":{"loop":…,"first":` (sourceHead). */
function writeLoopSource(out: Out, head: Piece, first: number, last: number): void {
  out.piece(head);
  out.count(first);
  out.piece(LAST);
  out.count(last);
  out.byte(0x7d);
}

/*
 * The tape: what the walker placed, as a flat list of events, written out in one pass. The
 * tree (an object per loop instance, a list per repeating child) is only needed to find
 * where a repeated name goes; when every child of a loop has its own name and a child that
 * may occur once comes at most once, the JSON of a loop instance is its events in order.
 * Measured on the bench's 10 MB 837P: building and walking the tree was ~30 % of the time.
 */

/** Event kinds: the low 2 bits of an event's first int (the rest: the loop's or segment's ordinal). */
const OPEN = 0;
const SEGMENT = 1;
const CLOSE = 2;
/** Ints per event: kind + ordinal * 4, then a segment's start and end or a loop's first and last. */
const EVENT = 3;

/**
 * The walker's builder for the byte writer. It gives up (`failed`) where the tree is more than
 * the events in order: a segment kept as sent (unrecognizedSegments, a name that repeats out
 * of order) or a child that may occur once placed again (the tree makes a list of it). The
 * tree path writes such a set.
 */
class Tape implements WalkBuilder<ByteSegment, number> {
  ops = new Int32Array(EVENT * 4096);
  n = 0;
  failed = false;
  /** Per open loop instance, outermost first: the ordinal of its last child placed (-1: none yet). */
  private last: number[] = [];
  private depth = 0;

  private push(head: number, a: number, b: number): void {
    if (this.n + EVENT > this.ops.length) {
      const more = new Int32Array(this.ops.length * 2);
      more.set(this.ops);
      this.ops = more;
    }
    const ops = this.ops;
    ops[this.n] = head;
    ops[this.n + 1] = a;
    ops[this.n + 2] = b;
    this.n += EVENT;
  }

  private child(c: RtSegment | RtLoop): void {
    const d = this.depth - 1;
    if (this.last[d] === c.ordinal && !c.repeatable) this.failed = true;
    this.last[d] = c.ordinal;
  }

  root(src: LoopSource): number {
    this.n = 0;
    this.failed = false;
    this.depth = 1;
    this.last[0] = -1;
    this.push(OPEN, src.first, src.last); // the root is ordinal 0
    return 0;
  }

  open(_parent: number, loop: RtLoop, src: LoopSource): number {
    this.child(loop);
    const at = this.n;
    this.push(loop.ordinal * 4 + OPEN, src.first, src.last);
    this.last[this.depth++] = -1;
    return at;
  }

  segment(_node: number, rt: RtSegment, seg: ByteSegment): void {
    this.child(rt);
    this.push(rt.ordinal * 4 + SEGMENT, seg.start, seg.end);
  }

  unplaced(): void {
    this.failed = true;
  }

  close(node: number, _loop: RtLoop, src: LoopSource): void {
    this.ops[node + 2] = src.last;
    this.push(CLOSE, 0, 0);
    this.depth--;
  }
}

/** Per compiled guide, by ordinal: what the tape writer needs of each loop and segment. */
interface GuideTable {
  /** `,"name":` (with `[` when it repeats): a child after the loop's source pointer or another child. */
  member: Piece[];
  repeatable: boolean[];
  defs: (SegmentDef | undefined)[];
  plans: (Plan | null)[];
  sourceHeads: Piece[];
  /** Bytes one event writes at most, past a segment's own: `],"name":[` and a loop's `{"source":…}`. */
  room: number;
}

const tables = new WeakMap<CompiledGuide, GuideTable | null>();

/** The guide's table; null when some loop has two children of one name (the tree path keeps them apart). */
function tableOf(guide: CompiledGuide): GuideTable | null {
  let t = tables.get(guide);
  if (t !== undefined) return t;
  const plain = guide.loops.every((loop) => {
    const keys = loop.children.map((c) => c.def.key);
    // 'source' and 'unrecognizedSegments' are the tree's own names; integer-like names would sort first
    return new Set(keys).size === keys.length && keys.every((k) => k !== 'source' && k !== 'unrecognizedSegments' && k !== '__proto__' && !/^\d+$/.test(k));
  });
  if (plain) {
    const member = guide.nodes.map((c) => pieceOf(`,${JSON.stringify(c.def.key)}:${c.repeatable ? '[' : ''}`));
    const sourceHeads = guide.nodes.map((c) => sourceHead(c.id));
    const longest = (pieces: Piece[]): number => Math.max(0, ...pieces.map((p) => p[0]));
    t = {
      member,
      repeatable: guide.nodes.map((c) => c.repeatable),
      defs: guide.nodes.map((c) => (c.kind === 'segment' ? c.def : undefined)),
      plans: guide.nodes.map((c) => (c.kind === 'segment' ? planOf(c.def) : null)),
      sourceHeads,
      // `]` + member + `{` + head + 2 counts of up to 10 digits + `,"last":` + `}`, and PAST for the last word
      room: 1 + longest(member) + 1 + longest(sourceHeads) + 20 + LAST[0] + 1 + PAST,
    };
  } else t = null;
  tables.set(guide, t);
  return t;
}

/**
 * The tape's events as JSON: the root loop's object and everything in it. Each event makes room
 * for its largest case once (GuideTable.room) and writes straight into the buffer.
 */
function writeTape(w: Writing, tape: Tape, t: GuideTable, claim?: ClaimCut): void {
  const out = w.out;
  const ops = tape.ops;
  const { repeatable, member, sourceHeads } = t;
  /** Per open loop instance: the ordinal of the last child written (-1: none yet). */
  const last: number[] = [];
  let depth = 0;
  for (let i = 0; i < tape.n; i += EVENT) {
    out.room(t.room);
    const buf = out.buf;
    let o = out.o;
    const head = ops[i];
    const kind = head & 3;
    if (kind === CLOSE) {
      const l = last[--depth];
      if (l >= 0 && repeatable[l]) buf[o++] = 0x5d;
      buf[o++] = 0x7d;
      out.o = o;
      continue;
    }
    const ord = head >> 2;
    if (claim !== undefined && kind === OPEN && depth > 0) {
      const to = claim.skipTo(i / EVENT);
      if (to >= 0) {
        i = to * EVENT; // the last event left out: the next step starts past it
        continue;
      }
    }
    view = out.view;
    if (depth > 0) {
      const l = last[depth - 1];
      if (l === ord) buf[o++] = 0x2c;
      else {
        if (l >= 0 && repeatable[l]) buf[o++] = 0x5d;
        o = putPiece(o, member[ord]);
        last[depth - 1] = ord;
      }
    }
    if (kind === SEGMENT) {
      out.o = o;
      writeSegment(w, t.defs[ord] as SegmentDef, t.plans[ord], ops[i + 1], ops[i + 2]);
      continue;
    }
    // a loop: `{"source":{"loop":…,"first":N,"last":N}` (the tape's numbers are int32)
    buf[o++] = 0x7b;
    o = putPiece(o, sourceHeads[ord]);
    o = putCount(buf, o, ops[i + 1]);
    o = putPiece(o, LAST);
    o = putCount(buf, o, ops[i + 2]);
    buf[o++] = 0x7d;
    out.o = o;
    last[depth++] = -1;
  }
}

let idle: Out | undefined;
let idleTape: Tape | undefined;
/** Ints of a tape kept for the next set (1M events: 12 MiB). */
const KEEP_TAPE = EVENT * 1024 * 1024;

/**
 * The set's tape, walked in the idle tape when there is one; undefined when the tape gives up (the
 * document is more than its events: the tree path writes it). Hand it back with keepTape.
 */
function walkTape(compiled: CompiledGuide, segments: Segments): Tape | undefined {
  const tape = idleTape ?? new Tape();
  idleTape = undefined;
  walkWith(compiled, segments, false, tape);
  if (!tape.failed) return tape;
  keepTape(tape);
  return undefined;
}

/** A tape for the next set (a very long one is not kept). */
function keepTape(tape: Tape): void {
  if (tape.ops.length <= KEEP_TAPE) idleTape = tape;
}

/** Runs `write` on the idle output buffer (a new one when a sink call re-entered while it was in use), sending to `sink`. */
function withOut<T>(sink: JsonSink, write: (out: Out) => T): T {
  const out = idle ?? new Out();
  idle = undefined;
  out.sink = sink;
  try {
    return write(out);
  } finally {
    out.o = 0;
    idle = out;
  }
}

/**
 * Writes the semantic JSON document of a transaction set (one per set: split 'transaction')
 * to `sink`, as JSON.stringify(translateTransaction(tx, ctx).documents[0]) would give it.
 * Returns the guide, or undefined (and writes nothing) when the set is not of a supported guide.
 */
export function writeSemanticJson(tx: TransactionSet, ctx: TranslateContext, sink: JsonSink): SupportedGuide | undefined {
  const guide = resolveGuide(tx.setId, tx.implementationRef, ctx.group.version);
  if (guide === undefined) return undefined;
  const src = tx.bytes;
  if (!tx.isAscii) {
    sink(Buffer.from(JSON.stringify(translateTransaction(tx, ctx).documents[0]), 'utf8'));
    return guide;
  }
  const d = tx.delimiters;
  const compiled = compiledGuide(guide);
  const segments = new Segments(tx);
  const table = tableOf(compiled);
  // the tape when it holds the whole document, else the tree
  const tape = table === null ? undefined : walkTape(compiled, segments);
  try {
    const tree = tape !== undefined ? undefined : walk(compiled, segments.all(), {
      segmentValue: (seg, def) => {
        seg.def = def;
        return seg as unknown as JsonValue;
      },
    }).root;
    const head = JSON.stringify(documentBase(guide, tx, ctx));
    withOut(sink, (out) => {
      out.raw(Buffer.from(`${head.slice(0, -1)},"transaction":`, 'utf8'));
      const w: Writing = { out, src, d, table: classTable(d) };
      if (tape !== undefined) writeTape(w, tape, table as GuideTable);
      else writeValue(w, tree);
      out.byte(0x7d);
      out.flush();
    });
  } finally {
    if (tape !== undefined) keepTape(tape);
  }
  return guide;
}

/**
 * What a per-claim document keeps of a set's tape, as the tree path's split (translate.ts prune)
 * keeps it: the claim loop instance whole, its enclosing loop instances (the chain), and of every
 * loop instance on the chain the children that hold no claim. A child key (a run of same-ordinal
 * instances) that holds a claim is dropped whole, unless it holds the chain's next instance: then
 * only that instance is kept. Events are numbered by their index / EVENT.
 */
class ClaimCut {
  /** Per OPEN event: its parent OPEN (-1: the root) and its run (same-key siblings). */
  private readonly parent: Int32Array;
  private readonly runOf: Int32Array;
  /** Per run: some instance is or holds a claim loop; its last instance's CLOSE event; the instance the document being written keeps (-1: none). */
  private readonly runHolds: Uint8Array;
  private readonly runEnd: Int32Array;
  private readonly runKeeps: Int32Array;
  /** Per OPEN event: on the chain of the document being written. */
  private readonly onChain: Uint8Array;
  /** The claim loop instances' OPEN events, in order. */
  readonly claims: number[] = [];

  constructor(tape: Tape, claimOrdinals: Set<number>) {
    const n = tape.n / EVENT;
    const ops = tape.ops;
    this.parent = new Int32Array(n);
    this.runOf = new Int32Array(n);
    this.runHolds = new Uint8Array(n);
    this.runEnd = new Int32Array(n);
    this.runKeeps = new Int32Array(n).fill(-1);
    this.onChain = new Uint8Array(n);
    const holds = new Uint8Array(n);
    const stack: number[] = [];
    /** Per open instance: the ordinal of its last child event, and that child's run. */
    const lastOrd: number[] = [];
    const lastRun: number[] = [];
    let runs = 0;
    for (let e = 0; e < n; e++) {
      const head = ops[e * EVENT];
      const kind = head & 3;
      const ord = head >> 2;
      const depth = stack.length;
      if (kind === CLOSE) {
        const o = stack.pop() as number;
        lastOrd.pop();
        lastRun.pop();
        this.runEnd[this.runOf[o]] = e; // the run's instances close in order: the last one's CLOSE stays
        if (holds[o] === 1) {
          this.runHolds[this.runOf[o]] = 1;
          if (stack.length > 0) holds[stack[stack.length - 1]] = 1;
        }
        continue;
      }
      if (kind === SEGMENT) {
        if (depth > 0) lastOrd[depth - 1] = ord;
        continue;
      }
      this.parent[e] = depth > 0 ? stack[depth - 1] : -1;
      if (depth > 0 && lastOrd[depth - 1] === ord) this.runOf[e] = lastRun[depth - 1];
      else {
        this.runOf[e] = runs++;
        if (depth > 0) {
          lastOrd[depth - 1] = ord;
          lastRun[depth - 1] = this.runOf[e];
        }
      }
      if (depth > 0 && claimOrdinals.has(ord)) {
        holds[e] = 1;
        this.claims.push(e);
      }
      stack.push(e);
      lastOrd.push(-1);
      lastRun.push(-1);
    }
  }

  /** Marks (or unmarks) the chain from the root to the claim instance `c`. */
  chain(c: number, on: boolean): void {
    for (let e = c; e >= 0; e = this.parent[e]) {
      this.onChain[e] = on ? 1 : 0;
      this.runKeeps[this.runOf[e]] = on ? e : -1;
    }
  }

  /**
   * For the loop instance opened at event `e`: -1 when the document being written keeps it, else
   * the last event to leave out with it. Left-out siblings are passed over a run at a time (a
   * billing provider's 500 subscribers are one step per document, not 500).
   */
  skipTo(e: number): number {
    if (this.onChain[e] === 1) return -1;
    const run = this.runOf[e];
    const keep = this.runKeeps[run];
    if (keep > e) return keep - 1;
    if (keep >= 0 || this.runHolds[run] === 1) return this.runEnd[run];
    return -1;
  }
}

const KEY_END = pieceOf('},"transaction":');
const SPLIT_END = pieceOf('}}');

/**
 * The documents of one set, copied out of the writer's buffer into shared 1 MiB blocks (a
 * document is one subarray): one allocation per MiB instead of one or more per document.
 */
class Arena {
  private block = Buffer.alloc(0);
  /** Where the document being copied starts in `block`, and where it ends so far. */
  private from = 0;
  private to = 0;

  start(): void {
    this.from = this.to;
  }

  add(bytes: Buffer): void {
    const n = this.to - this.from;
    if (this.to + bytes.length > this.block.length) {
      // a new block: the document so far moves along, so that it stays in one piece
      const next = Buffer.allocUnsafe(Math.max(ARENA, 2 * (n + bytes.length)));
      this.block.copy(next, 0, this.from, this.to);
      this.block = next;
      this.from = 0;
      this.to = n;
    }
    bytes.copy(this.block, this.to);
    this.to += bytes.length;
  }

  /** The document copied since start(). */
  take(): Buffer {
    return this.block.subarray(this.from, this.to);
  }
}

const ARENA = 1024 * 1024;

/** A per-claim document's JSON and its claim id (translateTransaction's key.claimId). */
export interface ClaimJson {
  claimId: string;
  bytes: Buffer;
}

/**
 * The documents of translateTransaction(tx, ctx, { split: 'claim' }), each as its
 * JSON.stringify text in UTF-8, written from the set's bytes as writeSemanticJson writes the
 * whole set: one walk, then one pass over the tape per claim that leaves out the other claims.
 * Undefined when the set is not of a guide that splits per claim (837 2300, 835 2100): the
 * caller writes the whole set. Sets the byte writer cannot write (non-ASCII, a tape that gave up,
 * a claim id element that is not a plain value) go through translateTransaction and JSON.stringify.
 */
export function semanticClaimsJsonBytes(tx: TransactionSet, ctx: TranslateContext): ClaimJson[] | undefined {
  const guide = resolveGuide(tx.setId, tx.implementationRef, ctx.group.version);
  if (guide === undefined) return undefined;
  const claimLoop = CLAIM_LOOP[guide];
  if (claimLoop === undefined) return undefined;
  const viaTree = (): ClaimJson[] =>
    translateTransaction(tx, ctx, { split: 'claim' }).documents.map((d) => ({ claimId: d.key.claimId ?? '', bytes: Buffer.from(JSON.stringify(d), 'utf8') }));
  const src = tx.bytes;
  const compiled = compiledGuide(guide);
  const table = tableOf(compiled);
  if (table === null || !tx.isAscii) return viaTree();
  // the tree path reads the claim id as element 1 (by the first claim loop's names) of the claim loop's first segment
  const first = compiled.loops.find((l) => l.id === claimLoop)?.first.def;
  if (first === undefined || first.elements.length === 0) return viaTree();
  const claimOrdinals = new Set(compiled.nodes.filter((c) => c.kind === 'loop' && c.id === claimLoop).map((c) => c.ordinal));
  const tape = walkTape(compiled, new Segments(tx));
  if (tape === undefined) return viaTree();
  try {
    const cut = new ClaimCut(tape, claimOrdinals);
    const ops = tape.ops;
    const seg = new ByteSegment(tx.delimiters, src, tx.delimiters.element.charCodeAt(0));
    const ids: string[] = [];
    for (const c of cut.claims) {
      // the segment right after the claim loop opens, when it is the loop's first one (a loop opened without it has no id)
      const e = (c + 1) * EVENT;
      const def = (ops[e] & 3) === SEGMENT ? table.defs[ops[e] >> 2] : undefined;
      if (def === undefined || def.key !== first.key || def.elements[0]?.key !== first.elements[0].key) {
        ids.push('');
        continue;
      }
      const plan = table.plans[ops[e] >> 2];
      // element 1 not a plain value (a composite, repeats, in a group): the tree's reading
      if (plan === null || plan.kinds[0] !== STRING || (plan.gSize > 0 && plan.gFrom === 1)) return viaTree();
      ids.push(seg.set('', 0, 0, ops[e + 1], ops[e + 2]).element(1));
    }
    // `key` is the base's last field: each document's key gets its claimId, then come transaction and split
    const head = JSON.stringify(documentBase(guide, tx, ctx)).slice(0, -2);
    const headBytes = Buffer.from(`${head},"claimId":`, 'utf8');
    const splitHead = Buffer.from(`,"split":{"mode":"claim","index":`, 'utf8');
    const splitCount = Buffer.from(`,"count":${cut.claims.length},"claimId":`, 'utf8');
    const arena = new Arena();
    return withOut((bytes) => arena.add(bytes), (out) => {
      const w: Writing = { out, src, d: tx.delimiters, table: classTable(tx.delimiters) };
      return cut.claims.map((c, k) => {
        const claimId = ids[k];
        arena.start();
        out.raw(headBytes);
        out.string(claimId);
        out.piece(KEY_END);
        cut.chain(c, true);
        writeTape(w, tape, table, cut);
        cut.chain(c, false);
        out.raw(splitHead);
        out.count(k + 1);
        out.raw(splitCount);
        out.string(claimId);
        out.piece(SPLIT_END);
        out.flush();
        return { claimId, bytes: arena.take() };
      });
    });
  } finally {
    keepTape(tape);
  }
}

/** The document of writeSemanticJson as one string, or undefined for an unsupported guide. */
export function semanticJson(tx: TransactionSet, ctx: TranslateContext): string | undefined {
  return semanticJsonBytes(tx, ctx)?.toString('utf8');
}

/**
 * The document of writeSemanticJson as its UTF-8 bytes, or undefined for an unsupported guide:
 * for a publisher that stores or sends bytes. Decoding the text and encoding it again cost more
 * than half of the writing on the bench's 10 MB 837P (213-226 ms writing, 329-348 ms with a
 * string made and encoded again, 235-244 ms for the bytes).
 */
export function semanticJsonBytes(tx: TransactionSet, ctx: TranslateContext): Buffer | undefined {
  const parts: Buffer[] = [];
  const guide = writeSemanticJson(tx, ctx, (bytes) => parts.push(Buffer.from(bytes)));
  return guide === undefined ? undefined : Buffer.concat(parts);
}
