/**
 * Semantic JSON written straight to bytes: the same text as
 * JSON.stringify(translateTransaction(tx, ctx).documents[0]), about three times faster.
 *
 * Measured on the bench's 837P (npm run bench -- --only translate): building the document
 * tree and JSON.stringify spent most of their time splitting every segment into element
 * strings, building one object per segment and composite, and collecting that garbage.
 * Here the walker (the same one, so loops, order and repeats come out the same) reads the
 * segments from the transaction's bytes, splits only the elements it needs to place a
 * segment (qualifiers), and puts a reference to the segment's bytes in the tree. The
 * writer then copies element bytes into a reused buffer with each property name encoded
 * once, and hands the buffer to a sink as it fills.
 *
 * Transaction sets with non-ASCII bytes, and segment definitions whose property names could
 * collide, go through segmentObject and JSON.stringify, so the output is always the same text.
 */
import type { Delimiters, TransactionSet } from '@ediflow/x12';
import type { ElementDef, SegmentDef } from './definition';
import { compiledGuide, resolveGuide, type SupportedGuide } from './guides';
import { segmentObject, type JsonValue } from './segment-json';
import { documentBase, translateTransaction, type TranslateContext } from './translate';
import { walk, type SegmentLike } from './walk';

/** Receives the JSON in pieces, in order; the bytes are valid only during the call. */
export type JsonSink = (bytes: Buffer) => void;

const CHUNK = 64 * 1024;
/** Room kept free past a write: the longest fixed piece (a property name, punctuation). */
const SLACK = 1024;

/**
 * A segment read from the transaction's bytes; elements are split only when asked for. Once
 * placed, it stands in the tree for its JSON (with the definition it was placed with).
 */
class ByteSegment implements SegmentLike {
  private split: string[] | undefined;
  def: SegmentDef | undefined;

  constructor(
    readonly id: string,
    readonly position: number,
    readonly offset: number,
    readonly delimiters: Delimiters,
    private readonly src: Buffer,
    readonly start: number,
    readonly end: number,
    private readonly sep: number,
  ) {}

  get elements(): string[] {
    this.split ??= this.src.toString('latin1', this.start, this.end).split(this.delimiters.element);
    return this.split;
  }

  element(i: number): string {
    const s = this.src;
    let a = this.start;
    for (let k = 0; k < i; k++) {
      while (a < this.end && s[a] !== this.sep) a++;
      if (a >= this.end) return '';
      a++;
    }
    let b = a;
    while (b < this.end && s[b] !== this.sep) b++;
    return s.toString('latin1', a, b);
  }
}

/** Segment ids of up to 3 bytes, keyed by their bytes, so reading one costs no string. */
const ids = new Map<number, string>();

function segmentsOf(tx: TransactionSet, src: Buffer, n: number): ByteSegment[] {
  const d = tx.delimiters;
  const term = d.segment.charCodeAt(0);
  const sep = d.element.charCodeAt(0);
  const tilde = term === 10 || term === 13 ? 126 : -1;
  const out: ByteSegment[] = [];
  let p = 0;
  while (p < n) {
    let c = src[p];
    while (c === 10 || c === 13 || c === 32 || c === 9 || c === tilde) {
      if (++p >= n) break;
      c = src[p];
    }
    if (p >= n) break;
    let t = p;
    while (t < n && src[t] !== term) t++;
    let e = p;
    while (e < t && src[e] !== sep) e++;
    let id: string;
    if (e - p >= 1 && e - p <= 3) {
      const code = (e - p) * 16777216 + src[p] * 65536 + (e - p > 1 ? src[p + 1] * 256 : 0) + (e - p > 2 ? src[p + 2] : 0);
      let known = ids.get(code);
      if (known === undefined) {
        known = src.toString('latin1', p, e);
        ids.set(code, known);
      }
      id = known;
    } else id = src.toString('latin1', p, e);
    out.push(new ByteSegment(id, out.length + 1, tx.offset + p, d, src, p, t, sep));
    p = t + 1;
  }
  return out;
}

/** A segment definition's property names as bytes; null when two properties could share a name. */
interface Plan {
  /** Per element (index i - 1): its name. */
  names: Buffer[];
  /** Per element: its components' names. */
  components: Buffer[][];
  group: Buffer | undefined;
  items: Buffer[];
}

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
    const inGroup = g !== undefined && i + 1 >= g.from && i + 1 < g.from + g.size * g.count;
    if (!inGroup) add(ed.key);
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
  plan = ok
    ? {
        names: def.elements.map((ed) => nameBytes(ed.key)),
        components: def.elements.map((ed) => (ed.components ?? []).map((c) => nameBytes(c.key))),
        group: g === undefined ? undefined : nameBytes(g.key),
        items: g === undefined ? [] : g.itemKeys.map((k) => nameBytes(k)),
      }
    : null;
  plans.set(def, plan);
  return plan;
}

/** `"name":` as bytes, encoded once per name. */
const names = new Map<string, Buffer>();

function nameBytes(name: string): Buffer {
  let b = names.get(name);
  if (b === undefined) {
    b = Buffer.from(`${JSON.stringify(name)}:`, 'utf8');
    names.set(name, b);
  }
  return b;
}

const elementNames: Buffer[] = [];
const componentNames: Buffer[] = [];
const numbered = (list: Buffer[], prefix: string, i: number): Buffer => (list[i] ??= nameBytes(`${prefix}${i}`));

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** How JSON.stringify writes each byte of an ASCII string: 0 as is, 1 with a short escape, 2 as \u00XX. */
const ESCAPE = new Uint8Array(128);
for (let b = 0; b < 0x20; b++) ESCAPE[b] = 2;
for (const b of [0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x22, 0x5c]) ESCAPE[b] = 1;
const SHORT: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };

/** The output buffer, handed to the sink as it fills. */
class Out {
  buf = Buffer.allocUnsafeSlow(CHUNK);
  o = 0;
  sink: JsonSink = () => undefined;

  /** Makes room for `n` more bytes (n <= CHUNK - SLACK). */
  room(n: number): void {
    if (this.o + n > this.buf.length) this.flush();
  }

  flush(): void {
    if (this.o > 0) this.sink(this.buf.subarray(0, this.o));
    this.o = 0;
  }

  byte(b: number): void {
    if (this.o >= this.buf.length) this.flush();
    this.buf[this.o++] = b;
  }

  /** A short piece (a name, punctuation): copied by hand, cheaper than Buffer#copy at these sizes. */
  bytes(b: Buffer): void {
    const n = b.length;
    if (this.o + n > this.buf.length) this.flush();
    const buf = this.buf;
    let o = this.o;
    for (let i = 0; i < n; i++) buf[o++] = b[i];
    this.o = o;
  }

  /** A non-negative integer (segment numbers). */
  count(v: number): void {
    if (!(Number.isSafeInteger(v) && v >= 0)) {
      this.raw(Buffer.from(JSON.stringify(v), 'latin1'));
      return;
    }
    this.room(20);
    const buf = this.buf;
    let o = this.o;
    let div = 1;
    while (div * 10 <= v) div *= 10;
    for (; div >= 1; div = Math.floor(div / 10)) buf[o++] = 0x30 + (Math.floor(v / div) % 10);
    this.o = o;
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
      const e = ESCAPE[c];
      if (e === 0) buf[o++] = c;
      else if (e === 1) {
        buf[o++] = 0x5c;
        buf[o++] = SHORT[c];
      } else {
        buf[o++] = 0x5c;
        buf[o++] = 0x75;
        buf[o++] = 0x30;
        buf[o++] = 0x30;
        buf[o++] = HEX[c >> 4];
        buf[o++] = HEX[c & 15];
      }
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

  /** Bytes src[a..b) (ASCII) as a JSON string. */
  quoted(src: Buffer, a: number, b: number): void {
    if ((b - a) * 6 + 2 > CHUNK - SLACK) {
      this.text(src.toString('latin1', a, b));
      return;
    }
    this.room((b - a) * 6 + 2);
    const buf = this.buf;
    let o = this.o;
    buf[o++] = 0x22;
    for (let i = a; i < b; i++) {
      const c = src[i];
      const e = ESCAPE[c];
      if (e === 0) buf[o++] = c;
      else if (e === 1) {
        buf[o++] = 0x5c;
        buf[o++] = SHORT[c];
      } else {
        buf[o++] = 0x5c;
        buf[o++] = 0x75;
        buf[o++] = 0x30;
        buf[o++] = 0x30;
        buf[o++] = HEX[c >> 4];
        buf[o++] = HEX[c & 15];
      }
    }
    buf[o++] = 0x22;
    this.o = o;
  }
}

const indexOf = (src: Buffer, c: number, a: number, b: number): number => {
  for (let i = a; i < b; i++) if (src[i] === c) return i;
  return -1;
};

/** compositeObject of segment-json.ts, from bytes. */
function writeComposite(out: Out, src: Buffer, a: number, b: number, comps: Buffer[], comp: number): void {
  out.byte(0x7b);
  if (indexOf(src, comp, a, b) < 0) {
    if (b > a) {
      out.bytes(comps.length > 0 ? comps[0] : numbered(componentNames, 'component', 1));
      out.quoted(src, a, b);
    }
  } else {
    let first = true;
    let i = 0;
    let p = a;
    for (;;) {
      let q = p;
      while (q < b && src[q] !== comp) q++;
      if (q > p) {
        if (!first) out.byte(0x2c);
        first = false;
        out.bytes(i < comps.length ? comps[i] : numbered(componentNames, 'component', i + 1));
        out.quoted(src, p, q);
      }
      if (q >= b) break;
      p = q + 1;
      i++;
    }
  }
  out.byte(0x7d);
}

/** elementValue of segment-json.ts, from bytes (the element is not empty). */
function writeElement(out: Out, src: Buffer, a: number, b: number, def: ElementDef, comps: Buffer[], comp: number, rep: number): void {
  const repeats = def.repeat !== undefined && def.repeat !== 1;
  if (!repeats) {
    if (def.components !== undefined) writeComposite(out, src, a, b, comps, comp);
    else out.quoted(src, a, b);
    return;
  }
  out.byte(0x5b);
  let p = a;
  for (let first = true; ; first = false) {
    let q = p;
    if (rep >= 0) while (q < b && src[q] !== rep) q++;
    else q = b;
    if (!first) out.byte(0x2c);
    if (def.components !== undefined) writeComposite(out, src, p, q, comps, comp);
    else out.quoted(src, p, q);
    if (q >= b) break;
    p = q + 1;
  }
  out.byte(0x5d);
}

/** segmentObject of segment-json.ts, from the segment's bytes. */
function writeSegment(out: Out, src: Buffer, ref: ByteSegment, d: Delimiters): void {
  const def = ref.def as SegmentDef;
  const plan = planOf(def);
  if (plan === null) {
    const elements = src.toString('latin1', ref.start, ref.end).split(d.element);
    writeValue(out, src, segmentObject(elements, def, d), d);
    return;
  }
  const sep = d.element.charCodeAt(0);
  const comp = d.component.charCodeAt(0);
  const rep = d.repetition === '' ? -1 : d.repetition.charCodeAt(0);
  const defs = def.elements;
  const g = def.group;
  const gEnd = g === undefined ? 0 : g.from + g.size * g.count;
  const end = ref.end;
  let a = ref.start;
  while (a < end && src[a] !== sep) a++;
  let first = true;
  /** Items of the group written so far, and whether the current item's object is open (size > 1). */
  let items = -1;
  let item = -1;
  let itemKeys = 0;
  const closeGroup = (): void => {
    if (items < 0) return;
    if (item >= 0 && g !== undefined && g.size > 1) out.byte(0x7d);
    out.byte(0x5d);
    items = -1;
    item = -1;
  };
  out.byte(0x7b);
  for (let i = 1; a < end; i++) {
    a++;
    let b = a;
    while (b < end && src[b] !== sep) b++;
    if (b > a) {
      const ed = defs[i - 1];
      const inGroup = ed !== undefined && g !== undefined && i >= g.from && i < gEnd;
      if (!inGroup) closeGroup();
      if (ed === undefined) {
        if (!first) out.byte(0x2c);
        out.bytes(numbered(elementNames, 'element', i));
        out.quoted(src, a, b);
      } else if (inGroup) {
        if (items < 0) {
          if (!first) out.byte(0x2c);
          out.bytes(plan.group as Buffer);
          out.byte(0x5b);
          items = 0;
        }
        const k = Math.floor((i - g.from) / g.size);
        if (g.size === 1) {
          while (items < k) {
            if (items > 0) out.byte(0x2c);
            out.bytes(NULL);
            items++;
          }
          if (items > 0) out.byte(0x2c);
          writeElement(out, src, a, b, ed, plan.components[i - 1], comp, rep);
          items = k + 1;
        } else {
          if (k !== item) {
            if (item >= 0) out.byte(0x7d);
            while (items < k) {
              if (items > 0) out.byte(0x2c);
              out.bytes(EMPTY);
              items++;
            }
            if (items > 0) out.byte(0x2c);
            out.byte(0x7b);
            item = k;
            items = k + 1;
            itemKeys = 0;
          }
          if (itemKeys > 0) out.byte(0x2c);
          itemKeys++;
          out.bytes(plan.items[(i - g.from) % g.size]);
          writeElement(out, src, a, b, ed, plan.components[i - 1], comp, rep);
        }
      } else {
        if (!first) out.byte(0x2c);
        out.bytes(plan.names[i - 1]);
        writeElement(out, src, a, b, ed, plan.components[i - 1], comp, rep);
      }
      first = false;
    }
    a = b;
  }
  closeGroup();
  out.byte(0x7d);
}

const NULL = Buffer.from('null', 'latin1');
const EMPTY = Buffer.from('{}', 'latin1');

/** A value of the walker's tree: loops, source pointers, kept segments, and segment references. */
function writeValue(out: Out, src: Buffer, v: JsonValue | ByteSegment | number | undefined, d: Delimiters): void {
  if (v instanceof ByteSegment) writeSegment(out, src, v, d);
  else if (typeof v === 'string') out.string(v);
  else if (typeof v === 'number') out.count(v);
  else if (v === null) out.bytes(NULL);
  else if (Array.isArray(v)) {
    out.byte(0x5b);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.byte(0x2c);
      writeValue(out, src, v[i], d);
    }
    out.byte(0x5d);
  } else if (typeof v === 'object') {
    out.byte(0x7b);
    let first = true;
    for (const k of Object.keys(v)) {
      const x = v[k] as JsonValue | ByteSegment | number | undefined;
      if (x === undefined) continue;
      if (!first) out.byte(0x2c);
      first = false;
      out.bytes(nameBytes(k));
      writeValue(out, src, x, d);
    }
    out.byte(0x7d);
  }
}

/** The transaction's bytes, in a buffer reused from one set to the next (a very long one is not kept). */
let source = Buffer.alloc(0);
const KEEP_SOURCE = 16 * 1024 * 1024;
let idle: Out | undefined;

/**
 * Writes the semantic JSON document of a transaction set (one per set: split 'transaction')
 * to `sink`, as JSON.stringify(translateTransaction(tx, ctx).documents[0]) would give it.
 * Returns the guide, or undefined (and writes nothing) when the set is not of a supported guide.
 */
export function writeSemanticJson(tx: TransactionSet, ctx: TranslateContext, sink: JsonSink): SupportedGuide | undefined {
  const guide = resolveGuide(tx.setId, tx.implementationRef, ctx.group.version);
  if (guide === undefined) return undefined;
  const text = tx.text;
  if (!(tx.isAscii || !/[^\x00-\x7f]/.test(text))) {
    sink(Buffer.from(JSON.stringify(translateTransaction(tx, ctx).documents[0]), 'utf8'));
    return guide;
  }
  const n = text.length;
  // A sink that re-enters must not overwrite the bytes of the set being written: each call takes the buffer.
  let src = source;
  source = Buffer.alloc(0);
  if (src.length < n) src = Buffer.allocUnsafeSlow(Math.max(n, CHUNK));
  src.write(text, 0, n, 'latin1');
  const d = tx.delimiters;
  const tree = walk(compiledGuide(guide), segmentsOf(tx, src, n), {
    segmentValue: (seg, def) => {
      seg.def = def;
      return seg as unknown as JsonValue;
    },
  }).root;
  const head = JSON.stringify(documentBase(guide, tx, ctx));
  // the idle output buffer, unless a sink call re-entered this function while it was in use
  const out = idle ?? new Out();
  idle = undefined;
  out.sink = sink;
  try {
    out.raw(Buffer.from(`${head.slice(0, -1)},"transaction":`, 'utf8'));
    writeValue(out, src, tree, d);
    out.byte(0x7d);
    out.flush();
  } finally {
    out.o = 0;
    idle = out;
    if (src.length <= KEEP_SOURCE) source = src;
  }
  return guide;
}

/** The document of writeSemanticJson as one string, or undefined for an unsupported guide. */
export function semanticJson(tx: TransactionSet, ctx: TranslateContext): string | undefined {
  const parts: Buffer[] = [];
  const guide = writeSemanticJson(tx, ctx, (bytes) => parts.push(Buffer.from(bytes)));
  return guide === undefined ? undefined : Buffer.concat(parts).toString('utf8');
}
