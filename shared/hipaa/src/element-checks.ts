/**
 * Element checks of a placed segment, made on its bytes: required elements missing (IK403 1),
 * not-used elements present (I10), too many elements (3), repetitions (12), components (13), and
 * per value its type (6), length (4, 5), date (8), time (9), the guide's code list (7) and pattern
 * (I12); then the segment's syntax notes (2, 10). A string is made only for what needs one: a
 * code looked up, a pattern, an issue's bad value. Messages hold no element values.
 */
import { isValidDateAt, isValidTimeAt, type ByteSegment, type ElementErrorCode, type X12Issue } from '@ediflow/x12';
import type { ElementDef, SegmentDef } from './definition';
import { checkNote, syntaxNotes } from './syntax-notes';

/** Where a segment is: what an issue names once the walker has moved past it. */
export interface SegmentPlace {
  id: string;
  position: number;
  offset: number;
}

export function elementIssue(
  seg: SegmentPlace, loopId: string, position: number, def: ElementDef, code: ElementErrorCode, what: string, bad?: string, component?: number, repetition?: number,
): X12Issue {
  const element: X12Issue['element'] = { position, syntaxCode: code };
  if (def.ref !== undefined && /^\d+$/.test(def.ref)) element.reference = def.ref;
  if (component !== undefined) element.component = component;
  if (repetition !== undefined) element.repetition = repetition;
  if (bad !== undefined) element.badValue = bad;
  const place = `${seg.id}${String(position).padStart(2, '0')}${component !== undefined ? `-${component}` : ''}`;
  return {
    code: 'GUIDE_ELEMENT', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset,
    message: `${place} in loop ${loopId}: ${what}`, segment: { id: seg.id, position: seg.position, loopId, syntaxCode: '8' }, element,
  };
}

/** Tests.kind values: how a value's type is checked. */
const OTHER = 0;
const DECIMAL = 1;
const INTEGER = 2;
const DATE = 3;
const TIME = 4;

/** A definition's code list, pattern and type, ready to test (built once per definition), and its components'. */
interface Tests {
  codes: Set<string> | undefined;
  pattern: RegExp | undefined;
  kind: number;
  components: Tests[];
}

function kindOf(type: string): number {
  if (type === 'R') return DECIMAL;
  if (type.startsWith('N')) return INTEGER;
  if (type === 'DT') return DATE;
  return type === 'TM' ? TIME : OTHER;
}

function testsOf(def: ElementDef): Tests {
  return {
    codes: def.codes !== undefined && def.codes.length > 0 ? new Set(def.codes) : undefined,
    pattern: def.pattern !== undefined ? new RegExp(`^(?:${def.pattern})$`) : undefined,
    kind: kindOf(def.type ?? 'AN'),
    components: (def.components ?? []).map(testsOf),
  };
}

/** The tests of a segment's elements, by position - 1, built once per definition. */
const segmentTests = new WeakMap<SegmentDef, Tests[]>();

function testsOfSegment(def: SegmentDef): Tests[] {
  let t = segmentTests.get(def);
  if (t === undefined) {
    t = def.elements.map(testsOf);
    segmentTests.set(def, t);
  }
  return t;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Optional minus, digits with an optional point, a digit somewhere: bytes [a, b). */
function isDecimalAt(src: Buffer, a: number, b: number): boolean {
  let i = a;
  if (i < b && src[i] === 0x2d) i++;
  let whole = 0;
  while (i < b && isDigit(src[i])) {
    i++;
    whole++;
  }
  if (i < b && src[i] === 0x2e) {
    i++;
    let frac = 0;
    while (i < b && isDigit(src[i])) {
      i++;
      frac++;
    }
    return i === b && whole + frac > 0;
  }
  return i === b && whole > 0;
}

/** Optional minus, then one digit or more: bytes [a, b). */
function isIntegerAt(src: Buffer, a: number, b: number): boolean {
  let i = a;
  if (i < b && src[i] === 0x2d) i++;
  if (i >= b) return false;
  for (; i < b; i++) if (!isDigit(src[i])) return false;
  return true;
}

function digitsAt(src: Buffer, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) if (isDigit(src[i])) n++;
  return n;
}

/** Characters of bytes [a, b) as a JS string counts them: one a byte, or UTF-16 units of UTF-8 text. */
function lengthAt(seg: ByteSegment, a: number, b: number): number {
  if (!seg.utf8) return b - a;
  const src = seg.src;
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = src[i];
    if ((c & 0xc0) !== 0x80) n++;
    if (c >= 0xf0) n++; // a character past U+FFFF is two UTF-16 units
  }
  return n;
}

/**
 * Checks the elements of placed segments. It keeps the bounds of the segment being checked
 * (reused arrays, grown when a segment has more elements than any before).
 */
export class ElementChecker {
  /** Element p of the segment being checked is bytes [starts[p], ends[p]) for p < count (0: the id). */
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private count = 0;
  private readonly present = (p: number): boolean => p < this.count && this.starts[p] !== this.ends[p];

  constructor(private readonly out: X12Issue[]) {}

  /** Fills starts/ends/count for `seg`: the bounds String#split(element separator) would give. */
  private boundsOf(seg: ByteSegment): void {
    const { src, sep, end } = seg;
    let n = 0;
    for (let a = seg.start; ; ) {
      let b = a;
      while (b < end && src[b] !== sep) b++;
      if (n === this.starts.length) {
        const more = new Int32Array(n * 2);
        more.set(this.starts);
        this.starts = more;
        const moreEnds = new Int32Array(n * 2);
        moreEnds.set(this.ends);
        this.ends = moreEnds;
      }
      this.starts[n] = a;
      this.ends[n] = b;
      n++;
      if (b >= end) break;
      a = b + 1;
    }
    this.count = n;
  }

  /** The checks of one value, bytes [a, b): [code, reason] or undefined. */
  private checkValue(seg: ByteSegment, a: number, b: number, def: ElementDef, t: Tests): [ElementErrorCode, string] | undefined {
    const src = seg.src;
    const kind = t.kind;
    if (kind === DECIMAL) {
      if (!isDecimalAt(src, a, b)) return ['6', 'not a decimal number'];
    } else if (kind === INTEGER) {
      if (!isIntegerAt(src, a, b)) return ['6', 'not a number'];
    }
    const len = kind === DECIMAL || kind === INTEGER ? digitsAt(src, a, b) : lengthAt(seg, a, b);
    if (def.min !== undefined && len < def.min) return ['4', 'too short'];
    if (def.max !== undefined && len > def.max) return ['5', 'too long'];
    if (kind === DATE && !isValidDateAt(src, a, b)) return ['8', 'invalid date'];
    if (kind === TIME && !isValidTimeAt(src, a, b)) return ['9', 'invalid time'];
    if (t.codes !== undefined && !t.codes.has(seg.text(a, b))) return ['7', 'code value not in the guide'];
    if (t.pattern !== undefined && !t.pattern.test(seg.text(a, b))) return ['I12', 'does not match the guide pattern'];
    return undefined;
  }

  /** One value (or repetition `rep`) of element `p`, bytes [a, b): its components, or the value itself. */
  private checkRepetition(seg: ByteSegment, loopId: string, p: number, ed: ElementDef, et: Tests, a: number, b: number, rep: number | undefined): void {
    const out = this.out;
    const src = seg.src;
    if (ed.components === undefined) {
      const bad = this.checkValue(seg, a, b, ed, et);
      if (bad !== undefined) out.push(elementIssue(seg, loopId, p, ed, bad[0], bad[1], seg.text(a, b), undefined, rep));
      return;
    }
    const comp = seg.comp;
    let n = 1;
    for (let i = a; i < b; i++) if (src[i] === comp) n++;
    const cdefs = ed.components;
    if (cdefs.length > 0 && n > cdefs.length) out.push(elementIssue(seg, loopId, p, ed, '13', 'too many components', undefined, undefined, rep));
    let next = a;
    for (let c = 1; c <= cdefs.length; c++) {
      const cd = cdefs[c - 1];
      let x = 0;
      let y = 0;
      if (c <= n) {
        x = next;
        y = x;
        while (y < b && src[y] !== comp) y++;
        next = y + 1;
      }
      if (x === y) {
        if (cd.usage === 'R') out.push(elementIssue(seg, loopId, p, cd, '1', 'required component missing', undefined, c, rep));
        continue;
      }
      if (cd.usage === 'N') {
        out.push(elementIssue(seg, loopId, p, cd, 'I10', 'component not used in this guide', seg.text(x, y), c, rep));
        continue;
      }
      const bad = this.checkValue(seg, x, y, cd, et.components[c - 1]);
      if (bad !== undefined) out.push(elementIssue(seg, loopId, p, cd, bad[0], bad[1], seg.text(x, y), c, rep));
    }
  }

  /** Checks the elements of `seg`, placed with definition `def` in loop `loopId`. */
  check(seg: ByteSegment, def: SegmentDef, loopId: string): void {
    this.boundsOf(seg);
    const out = this.out;
    const { starts, ends, present } = this;
    const src = seg.src;
    const d = seg.delimiters;
    const repSep = d.repetition === '' ? -1 : d.repetition.charCodeAt(0);
    const defs = def.elements;
    const ts = testsOfSegment(def);
    for (let p = 1; p <= defs.length; p++) {
      const ed = defs[p - 1];
      if (!present(p)) {
        if (ed.usage === 'R') out.push(elementIssue(seg, loopId, p, ed, '1', 'required element missing'));
        continue;
      }
      const a = starts[p];
      const b = ends[p];
      if (ed.usage === 'N') {
        out.push(elementIssue(seg, loopId, p, ed, 'I10', 'element not used in this guide', seg.text(a, b)));
        continue;
      }
      let r = a;
      while (r < b && src[r] !== repSep) r++;
      if (r === b) {
        // the common case: one value
        this.checkRepetition(seg, loopId, p, ed, ts[p - 1], a, b, undefined);
        continue;
      }
      if (ed.repeat === undefined || ed.repeat === 1) {
        out.push(elementIssue(seg, loopId, p, ed, '12', 'too many repetitions'));
        continue;
      }
      for (let x = a, k = 1; ; k++) {
        let y = x;
        while (y < b && src[y] !== repSep) y++;
        this.checkRepetition(seg, loopId, p, ed, ts[p - 1], x, y, k);
        if (y >= b) break;
        x = y + 1;
      }
    }
    if (this.count - 1 > defs.length) {
      let last = this.count - 1;
      while (last > defs.length && !present(last)) last--;
      if (last > defs.length) out.push(elementIssue(seg, loopId, defs.length + 1, { key: '', name: '', usage: 'N' }, '3', 'too many data elements'));
    }
    for (const note of syntaxNotes(def)) {
      checkNote(def, note, present, (p, ed, code, what) => out.push(elementIssue(seg, loopId, p, ed, code, what)));
    }
  }
}
