/**
 * Acknowledgment generation: TA1 (interchange), 999 (5010 groups) and 997
 * (4010 groups), each in its own ISA/GS/ST envelope with sender and receiver
 * swapped. Control numbers and dates come from injected sources.
 */
import { AK304_FOR_IK304, AK403_FOR_IK403, ak502ForIk502, type SegmentErrorCode, type TransactionErrorCode } from './codes';
import { isValidDate, isValidTime } from './elements';
import type { X12Issue } from './issues';
import type { GroupReport, InterchangeReport, TransactionReport, ValidationReport } from './validate';

/** Source of new control numbers (ISA13, GS06, ST02) for outbound acknowledgments. */
export interface ControlNumberSource {
  next(kind: 'interchange' | 'group' | 'transaction'): number;
}

/** Counts up from `start` per kind (tests, single process; production injects a durable source). */
export function sequentialControlNumbers(start = 1): ControlNumberSource {
  const n = { interchange: start, group: start, transaction: start };
  return { next: (kind) => n[kind]++ };
}

export interface AckOptions {
  controlNumbers: ControlNumberSource;
  clock: () => Date;
  /** When to write a TA1: 'always', 'errors' (TA104 E/R), or 'errorsOrRequested' (default: also when ISA14 = 1). */
  ta1?: 'always' | 'errors' | 'errorsOrRequested';
  /** Bytes written after each segment terminator (default '\n'). */
  lineBreak?: string;
  /** Delimiters of the acknowledgments (default element '*', component ':', repetition '^', segment '~'). */
  element?: string;
  component?: string;
  repetition?: string;
  segment?: string;
}

export interface GeneratedAcks {
  ta1?: string;
  ack999?: string;
  ack997?: string;
}

const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
/**
 * Most IK3/AK3 per transaction set, and IK4/AK4 per segment: the first ones in segment order. A set
 * with thousands of bad segments still gets an acknowledgment a partner's tools can read, as other
 * translators cap theirs; the IK5/AK5 rejects the set either way.
 */
const MAX_SEGMENT_NOTES = 100;
const MAX_ELEMENT_NOTES = 99;
/** IK303/AK303 holds a loop id of the transaction set diagram (1-4 characters, e.g. 2300): not 1000A, not the header. */
const LOOP_ID = /^\d[0-9A-Z]{0,3}$/;

interface Ctx {
  e: string;
  c: string;
  r: string;
  t: string;
  nl: string;
  now: Date;
  numbers: ControlNumberSource;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** An echoed value without control characters or the acknowledgment's own delimiters (which would break its syntax). */
function safe(ctx: Ctx, v: string): string {
  let out = '';
  for (const ch of v) if (ch !== ctx.e && ch !== ctx.c && ch !== ctx.r && ch !== ctx.t && ch >= ' ' && ch !== '\x7f') out += ch;
  return out;
}

/** Echoed values must fit the acknowledgment's element syntax even when the original was invalid. */
function fit(ctx: Ctx, v: string, min: number, max: number): string {
  const t = safe(ctx, v).trim().slice(0, max);
  return t.length >= min ? t : t.padEnd(min, 'X');
}
function fitNumber(v: string, max: number): string {
  const digits = v.replace(/\D/g, '').slice(-max);
  return digits === '' ? '0' : digits;
}
function fitControl(ctx: Ctx, v: string): string {
  const t = safe(ctx, v).trim().slice(0, 9);
  return t.length >= 4 ? t : t.padStart(4, '0');
}

function writer(ctx: Ctx): { seg: (...els: string[]) => void; text: () => string; count: () => number; reset: () => void } {
  let out = '';
  let n = 0;
  return {
    seg: (...els: string[]) => {
      let end = els.length;
      while (end > 1 && els[end - 1] === '') end--;
      out += els.slice(0, end).join(ctx.e) + ctx.t + ctx.nl;
      n++;
    },
    text: () => out,
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}

function isaSegment(ctx: Ctx, ic: InterchangeReport, version: string, control: number): string[] {
  const d = ctx.now;
  const h = ic.header;
  const f = [
    '00', '', '00', '', fit(ctx, h.receiverQualifier, 2, 2), safe(ctx, h.receiverId), fit(ctx, h.senderQualifier, 2, 2), safe(ctx, h.senderId),
    `${pad2(d.getUTCFullYear() % 100)}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`, `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}`,
    version >= '00501' ? ctx.r : 'U', version, String(control).padStart(9, '0'), '0', h.usage === 'T' ? 'T' : 'P', ctx.c,
  ];
  return ['ISA', ...f.map((v, i) => v.padEnd(ISA_WIDTHS[i], ' ').slice(0, ISA_WIDTHS[i]))];
}

function clean(ctx: Ctx, v: string): string {
  return safe(ctx, v).slice(0, 99);
}

/**
 * Segment-level findings of a transaction report, grouped by segment position in order: its errors,
 * and the ones a partner's policy accepts as warnings (noted in the 999 of a set accepted with errors).
 */
interface SegmentNote {
  id: string;
  position: number;
  loopId?: string;
  code: SegmentErrorCode;
  elements: X12Issue[];
  businessUnit?: { name: string; value: string };
}

function segmentNotes(issues: X12Issue[]): SegmentNote[] {
  const map = new Map<string, SegmentNote>();
  for (const i of issues) {
    if (i.segment === undefined || i.segment.syntaxCode === undefined) continue;
    const key = `${i.segment.position}:${i.segment.id}`;
    let n = map.get(key);
    if (n === undefined) {
      n = { id: i.segment.id, position: i.segment.position, code: i.segment.syntaxCode, elements: [] };
      if (i.segment.loopId !== undefined) n.loopId = i.segment.loopId;
      map.set(key, n);
    }
    if (n.businessUnit === undefined && i.businessUnit !== undefined) n.businessUnit = i.businessUnit;
    if (i.element !== undefined) n.elements.push(i);
    else n.code = i.segment.syntaxCode;
  }
  return [...map.values()].sort((a, b) => a.position - b.position);
}

function ackGroup(ctx: Ctx, g: GroupReport, kind: '999' | '997', w: ReturnType<typeof writer>): void {
  const st02 = String(ctx.numbers.next('transaction')).padStart(4, '0');
  w.reset();
  if (kind === '999') {
    w.seg('ST', '999', st02, '005010X231A1');
    w.seg('AK1', fit(ctx, g.functionalId, 2, 2), fitNumber(g.controlNumber, 9), fit(ctx, g.version, 1, 12));
  } else {
    w.seg('ST', '997', st02);
    w.seg('AK1', fit(ctx, g.functionalId, 2, 2), fitNumber(g.controlNumber, 9));
  }
  for (const t of g.transactions) ackTransaction(ctx, t, kind, w);
  w.seg('AK9', g.ack, String(g.includedCount), String(g.transactions.length), String(g.acceptedCount), ...g.errorCodes);
  w.seg('SE', String(w.count() + 1), st02);
}

function ackTransaction(ctx: Ctx, t: TransactionReport, kind: '999' | '997', w: ReturnType<typeof writer>): void {
  const is999 = kind === '999';
  const setId = fit(ctx, t.setId, 3, 3);
  if (is999 && t.implementationRef.trim() !== '') w.seg('AK2', setId, fitControl(ctx, t.controlNumber), fit(ctx, t.implementationRef, 1, 35));
  else w.seg('AK2', setId, fitControl(ctx, t.controlNumber));
  // the 997 carries each code as 4010 has it (codes.ts: AK304_FOR_IK304, AK403_FOR_IK403)
  const notes = segmentNotes(t.issues);
  for (const n of notes.slice(0, MAX_SEGMENT_NOTES)) {
    const loop = n.loopId !== undefined && LOOP_ID.test(n.loopId) ? n.loopId : '';
    w.seg(is999 ? 'IK3' : 'AK3', n.id, String(n.position), loop, is999 ? n.code : AK304_FOR_IK304[n.code]);
    // CTX Business Unit Identifier (005010X231A1 2100): the unit the segment is in, when it is known
    // and writable (its value at most 35 characters, without the acknowledgment's delimiters)
    const unit = is999 && n.businessUnit !== undefined ? clean(ctx, n.businessUnit.value).trim().slice(0, 35) : '';
    if (unit !== '') w.seg('CTX', `${n.businessUnit!.name}${ctx.c}${unit}`);
    for (const i of n.elements.slice(0, MAX_ELEMENT_NOTES)) {
      const el = i.element!;
      let pos = String(el.position);
      if (is999) {
        if (el.component !== undefined || el.repetition !== undefined) pos += ctx.c + (el.component !== undefined ? String(el.component) : '');
        if (el.repetition !== undefined) pos += ctx.c + String(el.repetition);
      } else if (el.component !== undefined) pos += ctx.c + String(el.component);
      const ref = el.reference !== undefined && /^\d{1,4}$/.test(el.reference) ? el.reference : '';
      const bad = el.badValue !== undefined && el.syntaxCode !== '1' ? clean(ctx, el.badValue) : '';
      w.seg(is999 ? 'IK4' : 'AK4', pos, ref, is999 ? el.syntaxCode : AK403_FOR_IK403[el.syntaxCode], bad);
    }
  }
  // the 997 has no implementation codes: its AK5 says what 4010 has for them
  const codes = is999 ? t.errorCodes : [...new Set(t.errorCodes.map(ak502ForIk502).filter((c): c is TransactionErrorCode => c !== undefined))];
  w.seg(is999 ? 'IK5' : 'AK5', t.ack, ...codes);
}

function envelope(ctx: Ctx, ic: InterchangeReport, version: string, groupsVersion: string, groups: GroupReport[], kind: '999' | '997'): string {
  const w = writer(ctx);
  const isa13 = ctx.numbers.next('interchange');
  const gs06 = String(ctx.numbers.next('group'));
  const d = ctx.now;
  const first = groups[0];
  w.seg(...isaSegment(ctx, ic, version, isa13));
  w.seg('GS', 'FA', fit(ctx, first.receiverCode, 2, 15), fit(ctx, first.senderCode, 2, 15), `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`,
    `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}`, gs06, 'X', groupsVersion);
  const head = w.text();
  let body = '';
  for (const g of groups) {
    const gw = writer(ctx);
    ackGroup(ctx, g, kind, gw);
    body += gw.text();
  }
  const tail = writer(ctx);
  tail.seg('GE', String(groups.length), gs06);
  tail.seg('IEA', '1', String(isa13).padStart(9, '0'));
  return head + body + tail.text();
}

/**
 * Generate acknowledgments for a validation report: a TA1 per interchange (when it has interchange
 * errors, or ISA14 asks for one), a 999 for the 5010 groups and a 997 for the 4010 groups. Several
 * interchanges give several ISA envelopes in the same string.
 */
export function generateAcks(report: ValidationReport, options: AckOptions): GeneratedAcks {
  const ctx: Ctx = {
    e: options.element ?? '*', c: options.component ?? ':', r: options.repetition ?? '^', t: options.segment ?? '~',
    nl: options.lineBreak ?? '\n', now: options.clock(), numbers: options.controlNumbers,
  };
  const policy = options.ta1 ?? 'errorsOrRequested';
  const out: GeneratedAcks = {};
  for (const ic of report.interchanges) {
    const wantTa1 = policy === 'always' || ic.ta1.ack !== 'A' || (policy === 'errorsOrRequested' && ic.header.ackRequested === '1');
    const version = ic.header.version >= '00501' ? '00501' : '00401';
    if (wantTa1) {
      const w = writer(ctx);
      const isa13 = ctx.numbers.next('interchange');
      w.seg(...isaSegment(ctx, ic, version, isa13));
      const h = ic.header;
      // TA102/TA103 echo ISA09/ISA10, or a valid stand-in when those are not a valid date and time
      const date = h.date.length === 6 && isValidDate(h.date) ? h.date : '000101';
      const time = h.time.length === 4 && isValidTime(h.time) ? h.time : '0000';
      w.seg('TA1', fitNumber(h.controlNumber, 9).padStart(9, '0'), date, time, ic.ta1.ack, ic.ta1.note);
      w.seg('IEA', '0', String(isa13).padStart(9, '0'));
      out.ta1 = (out.ta1 ?? '') + w.text();
    }
    const g5010 = ic.groups.filter((g) => (g.version.startsWith('004') ? false : g.version.startsWith('005') || version === '00501'));
    const g4010 = ic.groups.filter((g) => !g5010.includes(g));
    if (g5010.length > 0) out.ack999 = (out.ack999 ?? '') + envelope(ctx, ic, '00501', '005010X231A1', g5010, '999');
    if (g4010.length > 0) out.ack997 = (out.ack997 ?? '') + envelope(ctx, ic, '00401', '004010', g4010, '997');
  }
  return out;
}
