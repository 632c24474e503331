/**
 * Element checks of a placed segment, made on its bytes: required elements missing (IK403 1),
 * not-used elements present (I10), too many elements (3), repetitions (12), components (13), and
 * per value its type (6), length (4, 5), date (8), time (9), the guide's code list (I6 for an X12 code
 * this place does not use, 7 for any other value) and pattern (I12); then the segment's syntax notes (2, 10). A string is made only for what needs one: a
 * code looked up, a pattern, an issue's bad value. Messages hold no element values.
 */
import { isValidDateAt, isValidTimeAt, shortString, type ByteSegment, type ElementErrorCode, type X12Issue } from '@ediflow/x12';
import type { ElementDef, SegmentDef } from './definition';
import { noteHolds, reportNote, syntaxNotes } from './syntax-notes';

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

/** Plan.kind values: how a value's type is checked. */
const OTHER = 0;
const DECIMAL = 1;
const INTEGER = 2;
const DATE = 3;
const TIME = 4;

/** Plan.usage values. */
const SITUATIONAL = 0;
const REQUIRED = 1;
const NOT_USED = 2;

/**
 * A definition's elements (or a composite's components) as typed arrays, by position - 1: read
 * once per definition. Element definitions come in many shapes, and reading their fields per
 * segment was most of the checks' time.
 */
interface Plan {
  defs: ElementDef[];
  usage: Uint8Array;
  kind: Uint8Array;
  /** -1: no bound. */
  min: Int32Array;
  max: Int32Array;
  /** The element may repeat. */
  repeats: Uint8Array;
  codes: (Set<string> | undefined)[];
  patterns: (RegExp | undefined)[];
  /** A composite's components' plan. */
  components: (Plan | undefined)[];
  /** Indexes of Date Time Period Format Qualifiers (1250) followed by their Date Time Period (1251). */
  periods: number[];
}

function kindOf(type: string): number {
  if (type === 'R') return DECIMAL;
  if (type.startsWith('N')) return INTEGER;
  if (type === 'DT') return DATE;
  return type === 'TM' ? TIME : OTHER;
}

function planOf(defs: ElementDef[]): Plan {
  return {
    defs,
    usage: Uint8Array.from(defs, (d) => (d.usage === 'R' ? REQUIRED : d.usage === 'N' ? NOT_USED : SITUATIONAL)),
    kind: Uint8Array.from(defs, (d) => kindOf(d.type ?? 'AN')),
    min: Int32Array.from(defs, (d) => d.min ?? -1),
    max: Int32Array.from(defs, (d) => d.max ?? -1),
    repeats: Uint8Array.from(defs, (d) => (d.repeat === undefined || d.repeat === 1 ? 0 : 1)),
    codes: defs.map((d) => (d.codes !== undefined && d.codes.length > 0 ? new Set(d.codes) : undefined)),
    patterns: defs.map((d) => (d.pattern !== undefined ? new RegExp(`^(?:${d.pattern})$`) : undefined)),
    components: defs.map((d) => (d.components !== undefined ? planOf(d.components) : undefined)),
    periods: defs.flatMap((d, i) => (d.ref === '1250' && defs[i + 1]?.ref === '1251' ? [i] : [])),
  };
}

/** The plan of a segment's elements, built once per definition. */
const plans = new WeakMap<SegmentDef, Plan>();

function segmentPlan(def: SegmentDef): Plan {
  let plan = plans.get(def);
  if (plan === undefined) {
    plan = planOf(def.elements);
    plans.set(def, plan);
  }
  return plan;
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

/** Bits of ElementChecker.flags: what an element's bytes hold. */
const HAS_REPETITION = 1;
/** A control character (below 0x20, or DEL) that is not one of the interchange's delimiters. */
const HAS_CONTROL = 2;
/** In a byte table: the element separator (ends an element). */
const IS_SEPARATOR = 4;

/**
 * Whether value [a, b) in a Date Time Period Format Qualifier's (1250) format is a valid date, time
 * or range; undefined for a format not checked here. D8 CCYYMMDD, RD8 CCYYMMDD-CCYYMMDD, DT
 * CCYYMMDDHHMM, TM HHMM.
 */
function periodHolds(format: string, src: Buffer, a: number, b: number): [ElementErrorCode, string] | undefined {
  const n = b - a;
  switch (format) {
    case 'D8':
      return n === 8 && isValidDateAt(src, a, b) ? undefined : ['8', 'invalid date (D8: CCYYMMDD)'];
    case 'RD8':
      return n === 17 && src[a + 8] === 0x2d && isValidDateAt(src, a, a + 8) && isValidDateAt(src, a + 9, b) ? undefined : ['8', 'invalid date range (RD8: CCYYMMDD-CCYYMMDD)'];
    case 'DT':
      if (n !== 12 || !isValidDateAt(src, a, a + 8)) return ['8', 'invalid date and time (DT: CCYYMMDDHHMM)'];
      return isValidTimeAt(src, a + 8, b) ? undefined : ['9', 'invalid time (DT: CCYYMMDDHHMM)'];
    case 'TM':
      return n === 4 && isValidTimeAt(src, a, b) ? undefined : ['9', 'invalid time (TM: HHMM)'];
    default:
      return undefined;
  }
}

/**
 * Checks the elements of placed segments. It keeps the bounds of the segment being checked
 * (reused arrays, grown when a segment has more elements than any before).
 */
export class ElementChecker {
  /** Element p of the segment being checked is bytes [starts[p], ends[p]) for p < count (0: the id), holding `flags[p]`. */
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private flags = new Uint8Array(64);
  private count = 0;
  private readonly present = (p: number): boolean => p < this.count && this.starts[p] !== this.ends[p];
  /** Per byte value, what it is in an element (IS_SEPARATOR, HAS_REPETITION, HAS_CONTROL, 0) for the delimiters `tableKey` names: one lookup a byte. */
  private readonly table = new Uint8Array(256);
  private tableKey = -1;

  /**
   * `isCode(ref, value)`: whether a value outside this place's code list is still a code X12 defines
   * for data element `ref` (IK403 I6, code value not used in the implementation) rather than an
   * invalid one (7).
   */
  constructor(
    private readonly out: X12Issue[],
    private readonly isCode: (ref: string | undefined, value: string) => boolean = () => false,
  ) {}

  /** The byte table for these delimiters (made again only when they change). */
  private tableFor(sep: number, repSep: number, comp: number): Uint8Array {
    const key = sep * 65536 + (repSep + 1) * 256 + (comp + 1);
    const t = this.table;
    if (key === this.tableKey) return t;
    t.fill(0);
    for (let c = 0; c < 0x20; c++) t[c] = HAS_CONTROL;
    t[0x7f] = HAS_CONTROL;
    if (comp >= 0) t[comp] = 0;
    if (repSep >= 0) t[repSep] = HAS_REPETITION;
    t[sep] = IS_SEPARATOR;
    this.tableKey = key;
    return t;
  }

  /** Fills starts/ends/flags/count for `seg`: the bounds String#split(element separator) would give. */
  private boundsOf(seg: ByteSegment, repSep: number): void {
    const { src, sep, end, comp } = seg;
    const table = this.tableFor(sep, repSep, comp);
    let starts = this.starts;
    let ends = this.ends;
    let flags = this.flags;
    let n = 0;
    for (let a = seg.start; ; ) {
      let b = a;
      let f = 0;
      for (; b < end; b++) {
        const k = table[src[b]];
        if (k !== 0) {
          if (k === IS_SEPARATOR) break;
          f |= k;
        }
      }
      if (n === starts.length) {
        const grow = <T extends Int32Array | Uint8Array>(x: T, y: T): T => {
          y.set(x);
          return y;
        };
        starts = this.starts = grow(starts, new Int32Array(n * 2));
        ends = this.ends = grow(ends, new Int32Array(n * 2));
        flags = this.flags = grow(flags, new Uint8Array(n * 2));
      }
      starts[n] = a;
      ends[n] = b;
      flags[n] = f;
      n++;
      if (b >= end) break;
      a = b + 1;
    }
    this.count = n;
  }

  /** The checks of value i of `plan`, bytes [a, b): [code, reason] or undefined. */
  private checkValue(seg: ByteSegment, a: number, b: number, plan: Plan, i: number): [ElementErrorCode, string] | undefined {
    const src = seg.src;
    const kind = plan.kind[i];
    let len: number;
    if (kind === DECIMAL) {
      if (!isDecimalAt(src, a, b)) return ['6', 'not a decimal number'];
      len = digitsAt(src, a, b);
    } else if (kind === INTEGER) {
      if (!isIntegerAt(src, a, b)) return ['6', 'not a number'];
      len = digitsAt(src, a, b);
    } else len = lengthAt(seg, a, b);
    const min = plan.min[i];
    const max = plan.max[i];
    if (min >= 0 && len < min) return ['4', 'too short'];
    if (max >= 0 && len > max) return ['5', 'too long'];
    if (kind === DATE && !isValidDateAt(src, a, b)) return ['8', 'invalid date'];
    if (kind === TIME && !isValidTimeAt(src, a, b)) return ['9', 'invalid time'];
    const codes = plan.codes[i];
    if (codes !== undefined) {
      const value = seg.text(a, b);
      if (!codes.has(value)) return this.isCode(plan.defs[i].ref, value) ? ['I6', 'code value not used in this guide here'] : ['7', 'code value not in the guide'];
    }
    const pattern = plan.patterns[i];
    if (pattern !== undefined && !pattern.test(seg.text(a, b))) return ['I12', 'does not match the guide pattern'];
    return undefined;
  }

  /** One value (or repetition `rep`) of element `p` (plan index p - 1), bytes [a, b): its components, or the value itself. */
  private checkRepetition(seg: ByteSegment, loopId: string, p: number, plan: Plan, a: number, b: number, rep: number | undefined): void {
    const out = this.out;
    const i = p - 1;
    const parts = plan.components[i];
    if (parts === undefined) {
      const bad = this.checkValue(seg, a, b, plan, i);
      if (bad !== undefined) out.push(elementIssue(seg, loopId, p, plan.defs[i], bad[0], bad[1], seg.text(a, b), undefined, rep));
      return;
    }
    const src = seg.src;
    const comp = seg.comp;
    let n = 1;
    for (let x = a; x < b; x++) if (src[x] === comp) n++;
    const count = parts.defs.length;
    if (count > 0 && n > count) out.push(elementIssue(seg, loopId, p, plan.defs[i], '13', 'too many components', undefined, undefined, rep));
    let next = a;
    for (let c = 1; c <= count; c++) {
      let x = 0;
      let y = 0;
      if (c <= n) {
        x = next;
        y = x;
        while (y < b && src[y] !== comp) y++;
        next = y + 1;
      }
      const usage = parts.usage[c - 1];
      if (x === y) {
        if (usage === REQUIRED) out.push(elementIssue(seg, loopId, p, parts.defs[c - 1], '1', 'required component missing', undefined, c, rep));
        continue;
      }
      if (usage === NOT_USED) {
        out.push(elementIssue(seg, loopId, p, parts.defs[c - 1], 'I10', 'component not used in this guide', seg.text(x, y), c, rep));
        continue;
      }
      const bad = this.checkValue(seg, x, y, parts, c - 1);
      if (bad !== undefined) out.push(elementIssue(seg, loopId, p, parts.defs[c - 1], bad[0], bad[1], seg.text(x, y), c, rep));
    }
  }

  /**
   * Separators at the end of the segment or of an element (`NM1*41*2*X**~`, `HC:99213:~`): X12 says
   * not to send them. A warning without an acknowledgment code (the 5010 999 has none for them):
   * the report names the place, the 999 and the set's acceptance do not change.
   */
  private trailing(seg: ByteSegment, loopId: string, repSep: number): void {
    const { starts, ends, count } = this;
    const src = seg.src;
    let what: string | undefined;
    let position = 0;
    if (count > 1 && starts[count - 1] === ends[count - 1]) {
      what = 'element separator';
      position = count - 1;
    } else {
      for (let p = 1; p < count; p++) {
        const b = ends[p];
        if (b > starts[p] && (src[b - 1] === seg.comp || src[b - 1] === repSep)) {
          what = src[b - 1] === repSep ? 'repetition separator' : 'component separator';
          position = p;
          break;
        }
      }
    }
    if (what === undefined) return;
    this.out.push({
      code: 'TRAILING_SEPARATOR', severity: 'warning', level: 'transaction', source: 'syntax', offset: seg.offset,
      message: `${seg.id}${String(position).padStart(2, '0')} in loop ${loopId}: trailing ${what}`,
      segment: { id: seg.id, position: seg.position, loopId },
    });
  }

  /** Checks the elements of `seg`, placed with definition `def` in loop `loopId`. */
  check(seg: ByteSegment, def: SegmentDef, loopId: string): void {
    const d = seg.delimiters;
    const repSep = d.repetition === '' ? -1 : d.repetition.charCodeAt(0);
    this.boundsOf(seg, repSep);
    const out = this.out;
    const { starts, ends, flags, count } = this;
    const src = seg.src;
    const plan = segmentPlan(def);
    const { usage, kind, min, max, codes, patterns, components } = plan;
    const defined = plan.defs.length;
    const utf8 = seg.utf8;
    for (let p = 1; p <= defined; p++) {
      const i = p - 1;
      if (p >= count || starts[p] === ends[p]) {
        if (usage[i] === REQUIRED) out.push(elementIssue(seg, loopId, p, plan.defs[i], '1', 'required element missing'));
        continue;
      }
      const a = starts[p];
      const b = ends[p];
      if (usage[i] === NOT_USED) {
        out.push(elementIssue(seg, loopId, p, plan.defs[i], 'I10', 'element not used in this guide', seg.text(a, b)));
        continue;
      }
      if ((flags[p] & HAS_CONTROL) !== 0) {
        out.push(elementIssue(seg, loopId, p, plan.defs[i], '6', 'control character in the element', seg.text(a, b)));
        continue;
      }
      if ((flags[p] & HAS_REPETITION) === 0) {
        if (components[i] !== undefined) {
          this.checkRepetition(seg, loopId, p, plan, a, b, undefined);
          continue;
        }
        // the common case, inline: one plain value whose length, codes and pattern are all there is to it
        const k = kind[i];
        if (k === OTHER && !utf8) {
          const len = b - a;
          const lo = min[i];
          const hi = max[i];
          const list = codes[i];
          if ((lo < 0 || len >= lo) && (hi < 0 || len <= hi) && (list === undefined || list.has(len <= 3 ? shortString(src, a, b) : src.toString('latin1', a, b))) && patterns[i] === undefined) continue;
        }
        const bad = this.checkValue(seg, a, b, plan, i);
        if (bad !== undefined) out.push(elementIssue(seg, loopId, p, plan.defs[i], bad[0], bad[1], seg.text(a, b)));
        continue;
      }
      if (plan.repeats[i] === 0) {
        out.push(elementIssue(seg, loopId, p, plan.defs[i], '12', 'too many repetitions'));
        continue;
      }
      for (let x = a, k = 1; ; k++) {
        let y = x;
        while (y < b && src[y] !== repSep) y++;
        this.checkRepetition(seg, loopId, p, plan, x, y, k);
        if (y >= b) break;
        x = y + 1;
      }
    }
    for (const i of plan.periods) {
      const p = i + 1;
      if (!this.present(p) || !this.present(p + 1) || (flags[p] | flags[p + 1]) !== 0) continue;
      const bad = periodHolds(seg.text(starts[p], ends[p]), src, starts[p + 1], ends[p + 1]);
      if (bad !== undefined) out.push(elementIssue(seg, loopId, p + 1, plan.defs[i + 1], bad[0], bad[1], seg.text(starts[p + 1], ends[p + 1])));
    }
    this.trailing(seg, loopId, repSep);
    const present = this.present;
    if (this.count - 1 > defined) {
      let last = this.count - 1;
      while (last > defined && !present(last)) last--;
      if (last > defined) out.push(elementIssue(seg, loopId, defined + 1, { key: '', name: '', usage: 'N' }, '3', 'too many data elements'));
    }
    const notes = syntaxNotes(def);
    for (let k = 0; k < notes.length; k++) {
      if (noteHolds(notes[k], present)) continue;
      reportNote(def, notes[k], present, (p, ed, code, what) => out.push(elementIssue(seg, loopId, p, ed, code, what)));
    }
  }
}
