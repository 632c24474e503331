/**
 * One segment's JSON written from its bytes: the object of its definition (names of elements,
 * components and element groups; empty elements left out; values as sent), a segment the guide
 * has no place for ({ segment, position, elements }), or a segment of a set of no guide
 * ({ id, position, elements }). One pass over the bytes, with room for the worst case made once.
 */
import type { Delimiters } from '@ediflow/x12';
import { inElementGroup, type SegmentDef } from './definition';
import { DocumentBuffer, ESCAPE, LATIN1, escapeInto, namePiece, pieceOf, putCount, putPiece, type Piece } from './json-out';

/** Per element: how it is written (STRING, COMPOSITE, and REPEATS added when it repeats). */
const STRING = 1;
const COMPOSITE = 2;
const REPEATS = 4;

/** A segment definition's property names as pieces, and how each element is written. */
export interface Plan {
  /** Per element (index i - 1): its name. */
  names: Piece[];
  /** Per element: its components' names. */
  components: Piece[][];
  group: Piece | undefined;
  items: Piece[];
  /** The longest name's bytes (at least that of a generated elementN / componentN name). */
  longest: number;
  /** Per element: STRING or COMPOSITE, plus REPEATS (read once: element definitions come in many shapes). */
  kinds: Uint8Array;
  /** The element group's first element, size and end (past its last element); 0 when there is none. */
  gFrom: number;
  gSize: number;
  gEnd: number;
}

const plans = new WeakMap<SegmentDef, Plan>();

/**
 * The plan of a segment definition. A definition whose JSON names could collide (two elements of
 * one name, a name the writer generates for an element or component past the definition, such as
 * element12 in a segment of 11 elements, __proto__) is refused: its objects would lose a value.
 */
export function planOf(def: SegmentDef): Plan {
  let plan = plans.get(def);
  if (plan !== undefined) return plan;
  const seen = new Set<string>();
  const g = def.group;
  const refuse = (why: string): never => {
    throw new Error(`segment definition ${def.segment} (${def.key}): ${why}`);
  };
  /** Whether `name` is one the writer generates past `count` defined ones (`prefix` + a number above count). */
  const generated = (name: string, prefix: string, count: number): boolean => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)) && Number(name.slice(prefix.length)) > count;
  const add = (name: string): void => {
    if (seen.has(name) || generated(name, 'element', def.elements.length) || name === '__proto__') refuse(`the name ${name} is taken`);
    seen.add(name);
  };
  def.elements.forEach((ed, i) => {
    if (!inElementGroup(def, i + 1)) add(ed.key);
    const comps = new Set<string>();
    const n = ed.components?.length ?? 0;
    for (const c of ed.components ?? []) {
      if (comps.has(c.key) || generated(c.key, 'component', n) || c.key === '__proto__') refuse(`the component name ${c.key} is taken`);
      comps.add(c.key);
    }
  });
  if (g !== undefined) {
    add(g.key);
    if (new Set(g.itemKeys).size !== g.itemKeys.length || g.itemKeys.includes('__proto__')) refuse('its element group has two items of one name');
  }
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
  plans.set(def, plan);
  return plan;
}

/** Whether element 1 of the definition is written as a plain string (a claim id is read from it). */
export function firstElementIsString(def: SegmentDef): boolean {
  const plan = planOf(def);
  return plan.kinds.length > 0 && plan.kinds[0] === STRING && !(plan.gSize > 0 && plan.gFrom === 1);
}

/** Class bits of a byte in a segment: where a copy stops (element, component, repetition separator). */
const SEP = 1;
const COMP = 2;
const REP = 4;

/**
 * Per delimiter set and reading: the ESC class in bits 3-4, the separators in bits 0-2. Text read
 * as latin1 writes its bytes over 0x7f as two UTF-8 bytes; UTF-8 text copies them.
 */
const classTables = new Map<string, Uint8Array>();

export function classTable(d: Delimiters, latin1: boolean): Uint8Array {
  const key = d.element + d.component + d.repetition + (latin1 ? 'L' : 'U');
  let t = classTables.get(key);
  if (t === undefined) {
    t = new Uint8Array(256);
    for (let c = 0; c < 256; c++) t[c] = (c >= 0x80 && latin1 ? LATIN1 : ESCAPE[c]) << 3;
    t[d.element.charCodeAt(0)] |= SEP;
    if (d.component !== '') t[d.component.charCodeAt(0)] |= COMP;
    if (d.repetition !== '') t[d.repetition.charCodeAt(0)] |= REP;
    // delimiters come from the input: keep a few sets, not one per odd file
    if (classTables.size >= 64) classTables.clear();
    classTables.set(key, t);
  }
  return t;
}

const NULL = pieceOf('null');
const EMPTY = pieceOf('{}');
const UNPLACED_HEAD = pieceOf('{"segment":');
const UNPLACED_POSITION = pieceOf(',"position":"');
const ELEMENTS = pieceOf(',"elements":[');
const SEGMENT_HEAD = pieceOf('{"id":');
const SEGMENT_POSITION = pieceOf(',"position":');

const elementNames: Piece[] = [];
const componentNames: Piece[] = [];
const numbered = (list: Piece[], prefix: string, i: number): Piece => (list[i] ??= namePiece(`${prefix}${i}`));

/**
 * Writes segments of one set's bytes into a DocumentBuffer. `pos` carries the read position
 * between the helpers of one segment.
 */
export class SegmentWriter {
  private pos = 0;
  private readonly rep: boolean;

  constructor(
    private readonly out: DocumentBuffer,
    private readonly src: Buffer,
    private readonly d: Delimiters,
  ) {
    this.rep = d.repetition !== '';
  }

  /** src[pos..) up to a byte of class `stop` (or `end`) as a JSON string. */
  private putString(buf: Buffer, o: number, end: number, table: Uint8Array, stop: number): number {
    const src = this.src;
    let i = this.pos;
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
      else o = escapeInto(buf, o, c, t >> 3);
    }
    buf[o++] = 0x22;
    this.pos = i;
    return o;
  }

  /** A composite's object: src[pos..) up to a byte of class `stop` other than the component separator. */
  private putComposite(buf: Buffer, view: DataView, o: number, end: number, table: Uint8Array, stop: number, names: Piece[]): number {
    const src = this.src;
    buf[o++] = 0x7b;
    let first = true;
    for (let k = 0; ; k++) {
      const t = this.pos < end ? table[src[this.pos]] : SEP;
      if ((t & (stop | COMP)) === 0) {
        if (!first) buf[o++] = 0x2c;
        first = false;
        o = putPiece(view, o, k < names.length ? names[k] : numbered(componentNames, 'component', k + 1));
        o = this.putString(buf, o, end, table, stop | COMP);
      }
      if (this.pos >= end || (table[src[this.pos]] & COMP) === 0) break;
      this.pos++;
    }
    buf[o++] = 0x7d;
    return o;
  }

  /** The element at src[pos..) (not empty) up to the element separator; `kind` from Plan.kinds. */
  private putElement(buf: Buffer, view: DataView, o: number, end: number, table: Uint8Array, kind: number, names: Piece[]): number {
    if (kind === STRING) return this.putString(buf, o, end, table, SEP);
    const composite = (kind & COMPOSITE) !== 0;
    if ((kind & REPEATS) === 0) return this.putComposite(buf, view, o, end, table, SEP, names);
    const rep = this.rep;
    const stop = rep ? SEP | REP : SEP;
    buf[o++] = 0x5b;
    for (let first = true; ; first = false) {
      if (!first) buf[o++] = 0x2c;
      o = composite ? this.putComposite(buf, view, o, end, table, stop, names) : this.putString(buf, o, end, table, stop);
      if (this.pos >= end || (table[this.src[this.pos]] & REP) === 0 || !rep) break;
      this.pos++;
    }
    buf[o++] = 0x5d;
    return o;
  }

  /** The segment at bytes [start, end), placed with definition `def`, as its object. */
  segment(def: SegmentDef, plan: Plan, start: number, end: number, table: Uint8Array): void {
    const out = this.out;
    const src = this.src;
    out.room((end - start) * (14 + plan.longest) + plan.longest + 64);
    const buf = out.buf;
    const view = out.view;
    let o = out.o;
    const kinds = plan.kinds;
    const defined = kinds.length;
    const { gFrom, gSize, gEnd } = plan;
    let pos = start;
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
      this.pos = pos;
      const inGroup = i >= gFrom && i < gEnd && i <= defined;
      if (!inGroup && items >= 0) {
        if (item >= 0 && gSize > 1) buf[o++] = 0x7d;
        buf[o++] = 0x5d;
        items = -1;
        item = -1;
      }
      if (i > defined) {
        if (!first) buf[o++] = 0x2c;
        o = putPiece(view, o, numbered(elementNames, 'element', i));
        o = this.putString(buf, o, end, table, SEP);
      } else if (inGroup) {
        if (items < 0) {
          if (!first) buf[o++] = 0x2c;
          o = putPiece(view, o, plan.group as Piece);
          buf[o++] = 0x5b;
          items = 0;
        }
        const k = Math.floor((i - gFrom) / gSize);
        if (gSize === 1) {
          for (; items < k; items++) {
            if (items > 0) buf[o++] = 0x2c;
            o = putPiece(view, o, NULL);
          }
          if (items > 0) buf[o++] = 0x2c;
          o = this.putElement(buf, view, o, end, table, kinds[i - 1], plan.components[i - 1]);
          items = k + 1;
        } else {
          if (k !== item) {
            if (item >= 0) buf[o++] = 0x7d;
            for (; items < k; items++) {
              if (items > 0) buf[o++] = 0x2c;
              o = putPiece(view, o, EMPTY);
            }
            if (items > 0) buf[o++] = 0x2c;
            buf[o++] = 0x7b;
            item = k;
            items = k + 1;
            itemKeys = 0;
          }
          if (itemKeys > 0) buf[o++] = 0x2c;
          itemKeys++;
          o = putPiece(view, o, plan.items[(i - gFrom) % gSize]);
          o = this.putElement(buf, view, o, end, table, kinds[i - 1], plan.components[i - 1]);
        }
      } else {
        if (!first) buf[o++] = 0x2c;
        o = putPiece(view, o, plan.names[i - 1]);
        o = this.putElement(buf, view, o, end, table, kinds[i - 1], plan.components[i - 1]);
      }
      first = false;
      // on to the next element separator (the copy stopped at one, or at the end)
      pos = this.pos;
      while (pos < end && (table[src[pos]] & SEP) === 0) pos++;
    }
    if (items >= 0) {
      if (item >= 0 && gSize > 1) buf[o++] = 0x7d;
      buf[o++] = 0x5d;
    }
    buf[o++] = 0x7d;
    out.o = o;
  }

  /**
   * The element at src[pos..) up to the element separator as a generic element: a JSON string, or,
   * when it holds a component or repetition separator, its repetitions, each its components.
   */
  private putSplit(buf: Buffer, o: number, end: number, table: Uint8Array): number {
    const src = this.src;
    let i = this.pos;
    while (i < end && (table[src[i]] & (SEP | COMP | REP)) === 0) i++;
    if (i >= end || (table[src[i]] & SEP) !== 0) return this.putString(buf, o, end, table, SEP);
    const stop = SEP | COMP | REP;
    buf[o++] = 0x5b;
    buf[o++] = 0x5b;
    for (;;) {
      o = this.putString(buf, o, end, table, stop);
      const t = this.pos < end ? table[src[this.pos]] : SEP;
      if ((t & SEP) !== 0) break;
      if ((t & REP) !== 0) {
        buf[o++] = 0x5d;
        buf[o++] = 0x2c;
        buf[o++] = 0x5b;
      } else buf[o++] = 0x2c;
      this.pos++;
    }
    buf[o++] = 0x5d;
    buf[o++] = 0x5d;
    return o;
  }

  /** The id and the elements after it (split: as generic elements, else each a JSON string), after `head` and `position` (what both raw forms share). */
  private raw(head: Piece, positionHead: Piece, quoted: boolean, split: boolean, position: number, start: number, end: number, table: Uint8Array): void {
    const out = this.out;
    // an escaped byte takes 6 bytes; a split element's separator and brackets take at most 8 per source byte
    out.room((end - start) * (split ? 8 : 6) + 96);
    const buf = out.buf;
    const view = out.view;
    let o = putPiece(view, out.o, head);
    this.pos = start;
    o = this.putString(buf, o, end, table, SEP);
    o = putPiece(view, o, positionHead);
    o = putCount(buf, o, position);
    if (quoted) buf[o++] = 0x22;
    o = putPiece(view, o, ELEMENTS);
    for (let first = true; this.pos < end; first = false) {
      this.pos++;
      if (!first) buf[o++] = 0x2c;
      o = split ? this.putSplit(buf, o, end, table) : this.putString(buf, o, end, table, SEP);
    }
    buf[o++] = 0x5d;
    buf[o++] = 0x7d;
    out.o = o;
  }

  /** A segment the guide has no place for, kept as sent: {"segment":id,"position":"N","elements":[...]}. */
  unplaced(position: number, start: number, end: number, table: Uint8Array): void {
    this.raw(UNPLACED_HEAD, UNPLACED_POSITION, true, false, position, start, end, table);
  }

  /** A segment of a set of no supported guide: {"id":id,"position":N,"elements":[...]}, composites and repetitions split (SegmentsElement). */
  plain(position: number, start: number, end: number, table: Uint8Array): void {
    this.raw(SEGMENT_HEAD, SEGMENT_POSITION, false, true, position, start, end, table);
  }
}
