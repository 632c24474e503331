/**
 * Generic element validator: checks a segment against a SegmentDefinition from
 * the dictionary (required elements, too many elements, lengths, data types,
 * dates, times, code values, repetitions, components) and returns the problems
 * as IK4-style element findings. No values go into messages.
 */
import type { ElementErrorCode } from './codes';
import type { ComponentDefinition, DataType, ElementDefinition, SegmentDefinition } from './dictionary';
import type { Segment } from './model';

export interface ElementFinding {
  position: number;
  component?: number;
  repetition?: number;
  reference: string;
  syntaxCode: ElementErrorCode;
  /** Copy of the bad value (may be PHI; only for IK404/AK404). */
  badValue?: string;
  /** PHI-free description. */
  message: string;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Number of significant characters of a numeric value (sign and decimal point excluded), or -1 when not numeric. */
function numericLength(v: string, decimal: boolean): number {
  let i = 0;
  let n = 0;
  let dots = 0;
  if (v.charCodeAt(0) === 45) i = 1; // '-'
  if (i === v.length) return -1;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (isDigit(c)) n++;
    else if (decimal && c === 46 && dots === 0) dots++;
    else return -1;
  }
  return n === 0 ? -1 : n;
}

function hasControlChars(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

const allDigits = (v: string): boolean => {
  for (let i = 0; i < v.length; i++) if (!isDigit(v.charCodeAt(i))) return false;
  return v.length > 0;
};

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Month m (1-12) of year y has a day d. */
function dateOk(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS[m - 1]);
}

/** Hours, minutes and seconds (-1: none) of a time. */
const timeOk = (h: number, mi: number, sec: number): boolean => h <= 23 && mi <= 59 && sec <= 59;

/** The digits at [from, from + n) of `v` (all digits) as a number. */
function digits(v: string, from: number, n: number): number {
  let x = 0;
  for (let i = from; i < from + n; i++) x = x * 10 + v.charCodeAt(i) - 48;
  return x;
}

/** The same of bytes. */
function digitsAt(b: Uint8Array, from: number, n: number): number {
  let x = 0;
  for (let i = from; i < from + n; i++) x = x * 10 + b[i] - 48;
  return x;
}

function allDigitsAt(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(b[i])) return false;
  return to > from;
}

/** CCYYMMDD or YYMMDD calendar date. */
export function isValidDate(v: string): boolean {
  const n = v.length;
  if ((n !== 8 && n !== 6) || !allDigits(v)) return false;
  return dateOk(n === 8 ? digits(v, 0, 4) : 2000 + digits(v, 0, 2), digits(v, n - 4, 2), digits(v, n - 2, 2));
}

/** isValidDate of bytes [from, to) (no string made). */
export function isValidDateAt(b: Uint8Array, from: number, to: number): boolean {
  const n = to - from;
  if ((n !== 8 && n !== 6) || !allDigitsAt(b, from, to)) return false;
  return dateOk(n === 8 ? digitsAt(b, from, 4) : 2000 + digitsAt(b, from, 2), digitsAt(b, to - 4, 2), digitsAt(b, to - 2, 2));
}

/** HHMM[SS[D[D]]] time. */
export function isValidTime(v: string): boolean {
  const n = v.length;
  if (n < 4 || n > 8 || n === 5 || !allDigits(v)) return false;
  return timeOk(digits(v, 0, 2), digits(v, 2, 2), n < 6 ? -1 : digits(v, 4, 2));
}

/** isValidTime of bytes [from, to). */
export function isValidTimeAt(b: Uint8Array, from: number, to: number): boolean {
  const n = to - from;
  if (n < 4 || n > 8 || n === 5 || !allDigitsAt(b, from, to)) return false;
  return timeOk(digitsAt(b, from, 2), digitsAt(b, from + 2, 2), n < 6 ? -1 : digitsAt(b, from + 4, 2));
}

function checkValue(
  value: string,
  def: ComponentDefinition,
  place: { position: number; component?: number; repetition?: number },
  out: ElementFinding[],
): void {
  const name = `element ${place.position}${place.component !== undefined ? `-${place.component}` : ''}`;
  const add = (syntaxCode: ElementErrorCode, message: string, withValue: boolean): void => {
    const f: ElementFinding = { ...place, reference: def.ref, syntaxCode, message: `${name} (${def.ref}): ${message}` };
    if (withValue) f.badValue = value;
    out.push(f);
  };
  const type: DataType = def.type;
  let length = value.length;
  if (type === 'R' || type.charCodeAt(0) === 78 /* N */) {
    const n = numericLength(value, type === 'R');
    if (n < 0) {
      add('6', `not a valid ${type === 'R' ? 'decimal' : 'numeric'} value`, true);
      length = value.length;
    } else length = n;
  } else if (hasControlChars(value)) {
    add('6', 'invalid character', true);
  }
  if (length < def.min) add('4', `shorter than ${def.min}`, true);
  else if (length > def.max) add('5', `longer than ${def.max}`, true);
  if (type === 'DT') {
    if (length >= def.min && length <= def.max && !isValidDate(value)) add('8', 'invalid date', true);
  } else if (type === 'TM') {
    if (length >= def.min && length <= def.max && !isValidTime(value)) add('9', 'invalid time', true);
  } else if (def.codes !== undefined && !def.codes.includes(value)) {
    add('7', 'invalid code value', true);
  }
}

function checkElement(value: string, pos: number, def: ElementDefinition, seg: Segment, out: ElementFinding[], whole: boolean): void {
  const d = seg.delimiters;
  if (value === '') {
    if (def.req === 'M') out.push({ position: pos, reference: def.ref, syntaxCode: '1', message: `element ${pos} (${def.ref}): required element missing` });
    return;
  }
  if (whole) {
    checkValue(value, def, { position: pos }, out);
    return;
  }
  let reps: string[];
  if (d.repetition !== '' && value.includes(d.repetition)) {
    reps = value.split(d.repetition);
    const max = def.repeat ?? 1;
    for (let r = max; r < reps.length; r++) {
      out.push({ position: pos, repetition: r + 1, reference: def.ref, syntaxCode: '12', badValue: reps[r], message: `element ${pos} (${def.ref}): too many repetitions` });
    }
  } else reps = [value];
  const repeated = reps.length > 1;
  for (let r = 0; r < reps.length; r++) {
    const v = reps[r];
    const rep = repeated ? { repetition: r + 1 } : {};
    if (def.components !== undefined) {
      const comps = v.split(d.component);
      const cdefs = def.components;
      for (let c = 0; c < cdefs.length; c++) {
        const cv = c < comps.length ? comps[c] : '';
        if (cv === '') {
          if (cdefs[c].req === 'M') out.push({ position: pos, component: c + 1, ...rep, reference: cdefs[c].ref, syntaxCode: '1', message: `element ${pos}-${c + 1} (${cdefs[c].ref}): required component missing` });
        } else checkValue(cv, cdefs[c], { position: pos, component: c + 1, ...rep }, out);
      }
      for (let c = cdefs.length; c < comps.length; c++) {
        if (comps[c] !== '') out.push({ position: pos, component: c + 1, ...rep, reference: def.ref, syntaxCode: '13', badValue: comps[c], message: `element ${pos} (${def.ref}): too many components` });
      }
    } else if (v.includes(d.component)) {
      const comps = v.split(d.component);
      out.push({ position: pos, component: 2, ...rep, reference: def.ref, syntaxCode: '13', badValue: v, message: `element ${pos} (${def.ref}): too many components` });
      if (comps[0] !== '') checkValue(comps[0], def, { position: pos, ...rep }, out);
    } else checkValue(v, def, { position: pos, ...rep }, out);
  }
}

/**
 * Check a segment against its definition. Returns one finding per element problem (empty when fine).
 * `whole`: do not split repetitions/components (for the ISA, whose ISA11/ISA16 are the delimiters).
 */
export function checkSegmentElements(seg: Segment, def: SegmentDefinition, whole = false): ElementFinding[] {
  const out: ElementFinding[] = [];
  const els = seg.elements;
  const defs = def.elements;
  for (let i = 0; i < defs.length; i++) {
    checkElement(i + 1 < els.length ? els[i + 1] : '', i + 1, defs[i], seg, out, whole);
  }
  for (let p = defs.length + 1; p < els.length; p++) {
    if (els[p] !== '') out.push({ position: p, reference: '', syntaxCode: '3', badValue: els[p], message: `element ${p}: too many data elements` });
  }
  return out;
}
