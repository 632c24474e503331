/**
 * Implementation-guide validation as a TransactionValidator: structure (unexpected, out of
 * order, missing, over maximum use, loop repeats, not-used segments), HL parent/child links,
 * element usage, lengths, types, dates, times, the guide's code values, X12 syntax notes, and
 * balancing (837 claim charge = sum of line charges; 835 payment = sum of claim payments minus
 * provider adjustments, claim and line charge - payment = adjustments). Issues carry 999 IK3 /
 * IK4 codes, segment positions and loop ids. Messages hold no element values.
 */
import { isValidDate, isValidDateAt, isValidTime, isValidTimeAt } from '@ediflow/x12';
import type { ElementErrorCode, FunctionalGroup, Interchange, TransactionSet, TransactionValidator, X12Issue } from '@ediflow/x12';
import type { ElementDef, RtLoop, SegmentDef } from './definition';
import { Segments, short, type ByteSegment } from './byte-segments';
import { isDecimal, parseDecimal } from './decimal';
import { compiledGuide, resolveGuide, type SupportedGuide } from './guides';
import { elementOf, fastSegments, walkWith, type SegmentLike, type SegmentSource } from './walk';

const NUMERIC = /^-?\d+$/;

/** Where a segment is: what an issue names once the walker has moved past it. */
interface SegmentPlace {
  id: string;
  position: number;
  offset: number;
}

function elementIssue(seg: SegmentPlace, loopId: string, position: number, def: ElementDef, code: ElementErrorCode, what: string, bad?: string, component?: number, repetition?: number): X12Issue {
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

function digits(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
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
const tests = new WeakMap<ElementDef, Tests>();

function testsOf(def: ElementDef): Tests {
  let t = tests.get(def);
  if (t === undefined) {
    t = {
      codes: def.codes !== undefined && def.codes.length > 0 ? new Set(def.codes) : undefined,
      pattern: def.pattern !== undefined ? new RegExp(`^(?:${def.pattern})$`) : undefined,
      kind: kindOf(def.type ?? 'AN'),
      components: (def.components ?? []).map(testsOf),
    };
    tests.set(def, t);
  }
  return t;
}

/**
 * The tests of a segment's elements, by position - 1: one lookup per segment where the byte path
 * made one per value (a WeakMap get each).
 */
const segmentTests = new WeakMap<SegmentDef, Tests[]>();

function testsOfSegment(def: SegmentDef): Tests[] {
  let t = segmentTests.get(def);
  if (t === undefined) {
    t = def.elements.map(testsOf);
    segmentTests.set(def, t);
  }
  return t;
}

function kindOf(type: string): number {
  if (type === 'R') return DECIMAL;
  if (type.startsWith('N')) return INTEGER;
  if (type === 'DT') return DATE;
  return type === 'TM' ? TIME : OTHER;
}

/** Checks one simple value; returns [code, reason] or undefined. */
function checkValue(v: string, def: ElementDef): [ElementErrorCode, string] | undefined {
  const type = def.type ?? 'AN';
  if (type === 'R') {
    if (!isDecimal(v)) return ['6', 'not a decimal number'];
  } else if (type.startsWith('N')) {
    if (!NUMERIC.test(v)) return ['6', 'not a number'];
  }
  const len = type === 'R' || type.startsWith('N') ? digits(v) : v.length;
  if (def.min !== undefined && len < def.min) return ['4', 'too short'];
  if (def.max !== undefined && len > def.max) return ['5', 'too long'];
  if (type === 'DT' && !isValidDate(v)) return ['8', 'invalid date'];
  if (type === 'TM' && !isValidTime(v)) return ['9', 'invalid time'];
  const t = testsOf(def);
  if (t.codes !== undefined && !t.codes.has(v)) return ['7', 'code value not in the guide'];
  if (t.pattern !== undefined && !t.pattern.test(v)) return ['I12', 'does not match the guide pattern'];
  return undefined;
}

/** One value (or one repetition `rep` of it) of element `p`: its components, or the value itself. */
function checkRepetition(seg: SegmentLike, loopId: string, p: number, ed: ElementDef, rv: string, rep: number | undefined, component: string, out: X12Issue[]): void {
  if (ed.components === undefined) {
    const bad = checkValue(rv, ed);
    if (bad !== undefined) out.push(elementIssue(seg, loopId, p, ed, bad[0], bad[1], rv, undefined, rep));
    return;
  }
  const comps = rv.split(component);
  const cdefs = ed.components;
  if (cdefs.length > 0 && comps.length > cdefs.length) out.push(elementIssue(seg, loopId, p, ed, '13', 'too many components', undefined, undefined, rep));
  for (let c = 1; c <= cdefs.length; c++) {
    const cd = cdefs[c - 1];
    const cv = c - 1 < comps.length ? comps[c - 1] : '';
    if (cv === '') {
      if (cd.usage === 'R') out.push(elementIssue(seg, loopId, p, cd, '1', 'required component missing', undefined, c, rep));
      continue;
    }
    if (cd.usage === 'N') {
      out.push(elementIssue(seg, loopId, p, cd, 'I10', 'component not used in this guide', cv, c, rep));
      continue;
    }
    const bad = checkValue(cv, cd);
    if (bad !== undefined) out.push(elementIssue(seg, loopId, p, cd, bad[0], bad[1], cv, c, rep));
  }
}

function checkSegment(seg: SegmentLike, def: SegmentDef, loopId: string, out: X12Issue[]): void {
  const els = seg.elements;
  const defs = def.elements;
  const d = seg.delimiters;
  for (let p = 1; p <= defs.length; p++) {
    const ed = defs[p - 1];
    const v = p < els.length ? els[p] : '';
    if (v === '') {
      if (ed.usage === 'R') out.push(elementIssue(seg, loopId, p, ed, '1', 'required element missing'));
      continue;
    }
    if (ed.usage === 'N') {
      out.push(elementIssue(seg, loopId, p, ed, 'I10', 'element not used in this guide', v));
      continue;
    }
    if (d.repetition === '' || !v.includes(d.repetition)) {
      // the common case: one value, no repetition list to build
      checkRepetition(seg, loopId, p, ed, v, undefined, d.component, out);
      continue;
    }
    const reps = v.split(d.repetition);
    if (ed.repeat === undefined || ed.repeat === 1) {
      out.push(elementIssue(seg, loopId, p, ed, '12', 'too many repetitions'));
      continue;
    }
    for (let r = 0; r < reps.length; r++) checkRepetition(seg, loopId, p, ed, reps[r], r + 1, d.component, out);
  }
  if (els.length - 1 > defs.length) {
    let last = els.length - 1;
    while (last > defs.length && els[last] === '') last--;
    if (last > defs.length) out.push(elementIssue(seg, loopId, defs.length + 1, { key: '', name: '', usage: 'N' }, '3', 'too many data elements'));
  }
  for (const rule of def.syntax ?? []) checkSyntax(seg, def, loopId, rule, out, (p) => (els[p] ?? '') !== '');
}

/*
 * The byte path: checkSegment's checks made on the bytes of an ASCII set (ByteSegment), with the
 * same issues in the same order. A string is made only for what needs one: a date or time, a
 * code looked up (short: interned up to 3 bytes), a pattern, and the bad value of an issue.
 * Measured on the bench's 10 MB 837P: splitting every segment into element strings
 * (fastSegments) was a fifth of the validator's time and most of its garbage.
 */

/** Element p of the segment being checked is bytes [starts[p], ends[p]) for p < count (0: the id). */
let starts = new Int32Array(64);
let ends = new Int32Array(64);
let count = 0;

/** Fills starts/ends/count for `seg`: the bounds String#split(element separator) would give. */
function boundsOf(seg: ByteSegment): void {
  const { src, sep, end } = seg;
  let n = 0;
  for (let a = seg.start; ; ) {
    let b = a;
    while (b < end && src[b] !== sep) b++;
    if (n === starts.length) {
      const more = new Int32Array(n * 2);
      more.set(starts);
      starts = more;
      const moreEnds = new Int32Array(n * 2);
      moreEnds.set(ends);
      ends = moreEnds;
    }
    starts[n] = a;
    ends[n] = b;
    n++;
    if (b >= end) break;
    a = b + 1;
  }
  count = n;
}

const present = (p: number): boolean => p < count && starts[p] !== ends[p];
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** isDecimal on bytes [a, b): optional minus, digits with an optional point, a digit somewhere. */
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

/** NUMERIC on bytes [a, b): optional minus, then one digit or more. */
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

/** Bytes [a, b) of the segment's set as a string. */
const textAt = (seg: ByteSegment, a: number, b: number): string => seg.src.toString('latin1', a, b);

/** checkValue on bytes [a, b) of the segment's set. */
function checkValueAt(seg: ByteSegment, a: number, b: number, def: ElementDef, t: Tests): [ElementErrorCode, string] | undefined {
  const src = seg.src;
  const kind = t.kind;
  if (kind === DECIMAL) {
    if (!isDecimalAt(src, a, b)) return ['6', 'not a decimal number'];
  } else if (kind === INTEGER) {
    if (!isIntegerAt(src, a, b)) return ['6', 'not a number'];
  }
  const len = kind === DECIMAL || kind === INTEGER ? digitsAt(src, a, b) : b - a;
  if (def.min !== undefined && len < def.min) return ['4', 'too short'];
  if (def.max !== undefined && len > def.max) return ['5', 'too long'];
  if (kind === DATE && !isValidDateAt(src, a, b)) return ['8', 'invalid date'];
  if (kind === TIME && !isValidTimeAt(src, a, b)) return ['9', 'invalid time'];
  if (t.codes !== undefined && !t.codes.has(b - a <= 3 ? short(src, a, b) : textAt(seg, a, b))) return ['7', 'code value not in the guide'];
  if (t.pattern !== undefined && !t.pattern.test(textAt(seg, a, b))) return ['I12', 'does not match the guide pattern'];
  return undefined;
}

/** checkRepetition on bytes [a, b) of element `p`; `comp` is the component separator's byte. */
function checkRepetitionAt(
  seg: ByteSegment, loopId: string, p: number, ed: ElementDef, et: Tests, a: number, b: number, rep: number | undefined, comp: number, out: X12Issue[],
): void {
  const src = seg.src;
  if (ed.components === undefined) {
    const bad = checkValueAt(seg, a, b, ed, et);
    if (bad !== undefined) out.push(elementIssue(seg, loopId, p, ed, bad[0], bad[1], textAt(seg, a, b), undefined, rep));
    return;
  }
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
      out.push(elementIssue(seg, loopId, p, cd, 'I10', 'component not used in this guide', textAt(seg, x, y), c, rep));
      continue;
    }
    const bad = checkValueAt(seg, x, y, cd, et.components[c - 1]);
    if (bad !== undefined) out.push(elementIssue(seg, loopId, p, cd, bad[0], bad[1], textAt(seg, x, y), c, rep));
  }
}

/** checkSegment on the bytes of a segment of an ASCII set (its delimiters have a component separator). */
function checkSegmentBytes(seg: ByteSegment, def: SegmentDef, loopId: string, out: X12Issue[]): void {
  boundsOf(seg);
  const src = seg.src;
  const d = seg.delimiters;
  const repSep = d.repetition === '' ? -1 : d.repetition.charCodeAt(0);
  const comp = d.component.charCodeAt(0);
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
      out.push(elementIssue(seg, loopId, p, ed, 'I10', 'element not used in this guide', textAt(seg, a, b)));
      continue;
    }
    let r = a;
    while (r < b && src[r] !== repSep) r++;
    if (r === b) {
      // the common case: one value
      checkRepetitionAt(seg, loopId, p, ed, ts[p - 1], a, b, undefined, comp, out);
      continue;
    }
    if (ed.repeat === undefined || ed.repeat === 1) {
      out.push(elementIssue(seg, loopId, p, ed, '12', 'too many repetitions'));
      continue;
    }
    for (let x = a, k = 1; ; k++) {
      let y = x;
      while (y < b && src[y] !== repSep) y++;
      checkRepetitionAt(seg, loopId, p, ed, ts[p - 1], x, y, k, comp, out);
      if (y >= b) break;
      x = y + 1;
    }
  }
  if (count - 1 > defs.length) {
    let last = count - 1;
    while (last > defs.length && !present(last)) last--;
    if (last > defs.length) out.push(elementIssue(seg, loopId, defs.length + 1, { key: '', name: '', usage: 'N' }, '3', 'too many data elements'));
  }
  for (const rule of def.syntax ?? []) checkSyntax(seg, def, loopId, rule, out, present);
}

/** The element positions a syntax note names ('P0809' -> [8, 9]), parsed once per note. */
const ruleCache = new Map<string, number[]>();

function rulePositions(rule: string): number[] {
  let positions = ruleCache.get(rule);
  if (positions === undefined) {
    positions = [];
    for (let i = 1; i + 1 < rule.length + 1; i += 2) {
      const n = Number(rule.slice(i, i + 2));
      if (Number.isFinite(n) && n > 0) positions.push(n);
    }
    ruleCache.set(rule, positions);
  }
  return positions;
}

/** X12 syntax notes: P paired, R required (one of), E exclusion, C conditional, L list conditional. */
function checkSyntax(seg: SegmentPlace, def: SegmentDef, loopId: string, rule: string, out: X12Issue[], has: (p: number) => boolean): void {
  const kind = rule.charAt(0);
  const positions = rulePositions(rule);
  if (positions.length === 0) return;
  // most segments meet their notes: tell that from how many of the elements are there
  let n = 0;
  for (const p of positions) if (has(p)) n++;
  const all = n === positions.length;
  const lead = has(positions[0]);
  if (
    (kind === 'P' && (n === 0 || all)) || (kind === 'R' && n > 0) || (kind === 'E' && n <= 1) ||
    (kind === 'C' && (!lead || all)) || (kind === 'L' && (!lead || n > 1))
  ) return;
  // a rule over elements the guide does not use cannot be broken by a conforming sender
  const present = positions.map(has);
  const edef = (p: number): ElementDef => def.elements[p - 1] ?? { key: '', name: '', usage: 'S' };
  const usable = (p: number): boolean => edef(p).usage !== 'N';
  switch (kind) {
    case 'P':
      if (present.some((x) => x)) positions.forEach((p, i) => {
        if (!present[i] && usable(p)) out.push(elementIssue(seg, loopId, p, edef(p), '2', `conditional element missing (${rule})`));
      });
      break;
    case 'R':
      if (!present.some((x) => x) && positions.some(usable)) out.push(elementIssue(seg, loopId, positions[0], edef(positions[0]), '2', `one of the elements required (${rule})`));
      break;
    case 'E':
      if (present.filter((x) => x).length > 1) {
        const p = positions[present.lastIndexOf(true)];
        out.push(elementIssue(seg, loopId, p, edef(p), '10', `exclusion condition violated (${rule})`));
      }
      break;
    case 'C':
      if (present[0]) positions.slice(1).forEach((p, i) => {
        if (!present[i + 1] && usable(p)) out.push(elementIssue(seg, loopId, p, edef(p), '2', `conditional element missing (${rule})`));
      });
      break;
    case 'L':
      if (present[0] && !present.slice(1).some((x) => x) && positions.slice(1).some(usable)) {
        out.push(elementIssue(seg, loopId, positions[1], edef(positions[1]), '2', `conditional element missing (${rule})`));
      }
      break;
    default:
  }
}

function balanceIssue(seg: SegmentPlace, loopId: string, position: number, reference: string, what: string): X12Issue {
  // no amounts in the message: it is logged, and amounts belong to a patient's claim
  return {
    code: 'GUIDE_BALANCE', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset,
    message: `${seg.id}${String(position).padStart(2, '0')} in loop ${loopId} does not balance: ${what}`,
    segment: { id: seg.id, position: seg.position, loopId, syntaxCode: '8' },
    element: { position, reference, syntaxCode: 'I12' },
  };
}

const amount = (s: SegmentLike, n: number): bigint => parseDecimal(elementOf(s, n)) ?? 0n;
const placeOf = (s: SegmentLike): SegmentPlace => ({ id: s.id, position: s.position, offset: s.offset });
const CAS_AMOUNTS = [3, 6, 9, 12, 15, 18];
const PLB_AMOUNTS = [4, 6, 8, 10, 12, 14];
const casSum = (s: SegmentLike): bigint => CAS_AMOUNTS.reduce((a, n) => a + amount(s, n), 0n);

/**
 * Balancing state for one transaction set, fed segment by segment as the walker places them. It
 * keeps where a segment is, not the segment (that may be a cursor the walker moves on).
 */
class Balancer {
  private claim: { seg: SegmentPlace; charge: bigint; lines: bigint; hasLines: boolean } | undefined;
  private payment: { seg: SegmentPlace; paid: bigint; plb: bigint } | undefined;
  private clp: { seg: SegmentPlace; charge: bigint; paid: bigint; adj: bigint } | undefined;
  private svc: { seg: SegmentPlace; charge: bigint; paid: bigint; adj: bigint } | undefined;

  constructor(private readonly out: X12Issue[]) {}

  segment(seg: SegmentLike, loop: RtLoop): void {
    switch (seg.id) {
      case 'CLM':
        if (loop.id === '2300') this.claim = { seg: placeOf(seg), charge: amount(seg, 2), lines: 0n, hasLines: false };
        break;
      case 'SV1':
      case 'SV2':
      case 'SV3':
        if (loop.id === '2400' && this.claim !== undefined) {
          this.claim.lines += amount(seg, seg.id === 'SV2' ? 3 : 2);
          this.claim.hasLines = true;
        }
        break;
      case 'BPR':
        this.payment = { seg: placeOf(seg), paid: amount(seg, 2), plb: 0n };
        break;
      case 'CLP':
        this.clp = { seg: placeOf(seg), charge: amount(seg, 3), paid: amount(seg, 4), adj: 0n };
        if (this.payment !== undefined) this.payment.paid -= this.clp.paid;
        break;
      case 'SVC':
        this.svc = { seg: placeOf(seg), charge: amount(seg, 2), paid: amount(seg, 3), adj: 0n };
        break;
      case 'CAS': {
        const a = casSum(seg);
        if (loop.id === '2110' && this.svc !== undefined) this.svc.adj += a;
        if ((loop.id === '2110' || loop.id === '2100') && this.clp !== undefined) this.clp.adj += a;
        break;
      }
      case 'PLB':
        if (this.payment !== undefined) this.payment.plb += PLB_AMOUNTS.reduce((a, n) => a + amount(seg, n), 0n);
        break;
      default:
    }
  }

  close(loop: RtLoop): void {
    if (loop.id === '2300' && this.claim !== undefined) {
      const c = this.claim;
      if (c.hasLines && c.charge !== c.lines) this.out.push(balanceIssue(c.seg, '2300', 2, '782', 'claim charge is not the sum of the service line charges'));
      this.claim = undefined;
    } else if (loop.id === '2110' && this.svc !== undefined) {
      const s = this.svc;
      if (s.charge - s.paid !== s.adj) this.out.push(balanceIssue(s.seg, '2110', 3, '782', 'line charge minus line payment is not the sum of the line adjustments'));
      this.svc = undefined;
    } else if (loop.id === '2100' && this.clp !== undefined) {
      const c = this.clp;
      if (c.charge - c.paid !== c.adj) this.out.push(balanceIssue(c.seg, '2100', 4, '782', 'claim charge minus claim payment is not the sum of the claim and line adjustments'));
      this.clp = undefined;
    } else if (loop.parent === undefined && this.payment !== undefined) {
      // BPR02 = sum(CLP04) - sum(PLB amounts): what is left after taking the claims off must be -PLB
      const p = this.payment;
      if (p.paid !== -p.plb) this.out.push(balanceIssue(p.seg, 'HEADER', 2, '782', 'total payment is not the sum of the claim payments minus the provider adjustments'));
      this.payment = undefined;
    }
  }
}

/**
 * Guide issues of one transaction set (empty when its guide is not supported). An ASCII set is
 * checked from its bytes (checkSegmentBytes: no string per element, no segment objects); any
 * other set through its decoded segments, as checkWithGuide does (the same issues: tests
 * compare the two on the corpus and on seeded mutations).
 */
export function checkTransaction(tx: TransactionSet, groupVersion = ''): X12Issue[] {
  const guide = resolveGuide(tx.setId, tx.implementationRef, groupVersion);
  if (guide === undefined) return [];
  if (tx.delimiters.component !== '' && tx.isAscii) {
    return checkWith(guide, new Segments(tx), checkSegmentBytes);
  }
  return checkWithGuide(guide, fastSegments(tx));
}

export function checkWithGuide(guide: SupportedGuide, segments: readonly SegmentLike[]): X12Issue[] {
  return checkWith(guide, segments, checkSegment);
}

function checkWith<S extends SegmentLike>(
  guide: SupportedGuide, segments: SegmentSource<S>, check: (seg: S, def: SegmentDef, loopId: string, out: X12Issue[]) => void,
): X12Issue[] {
  const elementIssues: X12Issue[] = [];
  const balance = new Balancer(elementIssues);
  // only the issues are wanted: the walker builds nothing
  const r = walkWith<S, null>(compiledGuide(guide), segments, true, {
    root: () => null,
    open: () => null,
    segment(_node, rt, seg, loop) {
      if (seg.id !== 'ST' && seg.id !== 'SE') check(seg, rt.def, loop.id, elementIssues);
      balance.segment(seg, loop);
    },
    unplaced: () => undefined,
    close: (_node, loop) => balance.close(loop),
  });
  const seen = new Set<string>();
  const all = r.issues.concat(elementIssues).filter((i) => {
    // one finding per place and code (the HL checks and the code list can both see HL04)
    const k = `${i.segment?.position}|${i.segment?.id}|${i.segment?.syntaxCode}|${i.element?.position}|${i.element?.component}|${i.element?.syntaxCode}|${i.element === undefined ? i.message : ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  all.sort((a, b) => (a.segment?.position ?? 0) - (b.segment?.position ?? 0));
  return all;
}

/**
 * The implementation-guide validator for ReportBuilder / validate (`validators: [guideValidator()]`).
 * Transaction sets of other guides pass through with no issues.
 */
export function guideValidator(): TransactionValidator {
  return {
    name: 'hipaa-guide',
    validate(tx: TransactionSet, group: FunctionalGroup, _ic: Interchange): X12Issue[] {
      return checkTransaction(tx, group.version);
    },
  };
}
