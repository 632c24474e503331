/**
 * Validation report: collects envelope issues found while reading, runs the
 * data-dictionary checks on known segments inside transaction sets (997/999
 * acknowledgment segments) and any extra transaction validators (for example
 * implementation-guide loop validation), and decides the TA1 / IK5 / AK9 codes.
 */
import type { GroupErrorCode, SetAckCode, Ta1AckCode, Ta1NoteCode, TransactionErrorCode } from './codes';
import { segmentDefinition } from './dictionary';
import { checkSegmentElements } from './elements';
import type { X12Issue } from './issues';
import type { Delimiters, FunctionalGroup, Interchange, InterchangeHeader, TransactionSet } from './model';
import type { ParseResult } from './parse';
import type { X12Event } from './reader';

/** A pluggable transaction-set validator (e.g. implementation-guide loops). It returns issues with places. */
export interface TransactionValidator {
  readonly name: string;
  validate(transaction: TransactionSet, group: FunctionalGroup, interchange: Interchange): X12Issue[];
}

export interface TransactionReport {
  setId: string;
  controlNumber: string;
  implementationRef: string;
  segmentCount: number;
  /** Byte offset of the ST. */
  offset: number;
  /** The ST's segment number in its interchange (ISA = 1): a segment at position p of the set is segment index + p - 1. */
  index: number;
  issues: X12Issue[];
  /** IK501 / AK501. */
  ack: 'A' | 'E' | 'R';
  /** IK502..IK506 / AK502..AK506 codes (at most 5). */
  errorCodes: TransactionErrorCode[];
}

export interface GroupReport {
  functionalId: string;
  controlNumber: string;
  version: string;
  senderCode: string;
  receiverCode: string;
  offset: number;
  /** GE01 when present and numeric, else the number of sets received. */
  includedCount: number;
  transactions: TransactionReport[];
  issues: X12Issue[];
  /** AK901. */
  ack: SetAckCode;
  /** AK905..AK909 codes (at most 5). */
  errorCodes: GroupErrorCode[];
  acceptedCount: number;
}

export interface InterchangeReport {
  header: InterchangeHeader;
  delimiters: Delimiters;
  offset: number;
  /** Segments in the interchange, ISA through IEA. */
  segmentCount: number;
  issues: X12Issue[];
  groups: GroupReport[];
  /** TA104 / TA105 for this interchange. */
  ta1: { ack: Ta1AckCode; note: Ta1NoteCode };
}

export interface ValidationReport {
  /** True when no issue of severity 'error' was found anywhere. */
  valid: boolean;
  fileIssues: X12Issue[];
  interchanges: InterchangeReport[];
  errorCount: number;
  warningCount: number;
}

export interface ValidateOptions {
  /** Extra validators run on every transaction set (after the dictionary checks). */
  validators?: readonly TransactionValidator[];
  /** Run dictionary checks on 997/999 acknowledgment segments (default true). */
  dictionary?: boolean;
  /**
   * Issue codes reported as warnings instead of errors (`PREFIX_*` lists a family; a partner's policy, e.g. SE_COUNT_MISMATCH
   * for a sender whose counts are known to be off): the transaction set or group is accepted with
   * errors noted (IK501/AK901 E) and the codes still appear in the acknowledgment.
   */
  warnOnly?: readonly string[];
}

const ACK_SETS = new Set(['997', '999']);

/** Dictionary checks of the segments of a transaction set the dictionary knows (997/999 segments). */
export function checkTransactionSyntax(tx: TransactionSet, version: string): X12Issue[] {
  const out: X12Issue[] = [];
  if (!ACK_SETS.has(tx.setId)) return out;
  const segs = tx.segments;
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i];
    if (s.id === 'SE') continue;
    const def = segmentDefinition(s.id, version);
    if (def === undefined) continue;
    for (const f of checkSegmentElements(s, def)) {
      const element: X12Issue['element'] = { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode };
      if (f.component !== undefined) element.component = f.component;
      if (f.repetition !== undefined) element.repetition = f.repetition;
      if (f.badValue !== undefined) element.badValue = f.badValue;
      out.push({
        code: 'ELEMENT_INVALID', severity: 'error', level: 'transaction', source: 'dictionary', offset: s.offset,
        message: `${s.id} at position ${s.position}: ${f.message}`, segment: { id: s.id, position: s.position, syntaxCode: '8' }, element,
      });
    }
  }
  return out;
}

const isError = (i: X12Issue): boolean => i.severity === 'error';
/** Numeric codes first in numeric order, then I-codes. */
const byCode = (a: string, b: string): number => {
  const na = /^\d+$/.test(a) ? Number(a) : 1000;
  const nb = /^\d+$/.test(b) ? Number(b) : 1000;
  return na !== nb ? na - nb : a < b ? -1 : a > b ? 1 : 0;
};

type Soften = (issues: X12Issue[]) => X12Issue[];
const keep: Soften = (issues) => issues;

/** Issues whose code is listed count as warnings (partner policy): the set or group is accepted with errors noted. */
/** Whether an issue code is listed; an entry ending in `*` lists every code with that prefix (e.g. `GUIDE_*`). */
export function codeListed(codes: readonly string[], code: string): boolean {
  return codes.some((c) => (c.endsWith('*') ? code.startsWith(c.slice(0, -1)) : c === code));
}

function softener(codes: readonly string[] | undefined): Soften {
  if (codes === undefined || codes.length === 0) return keep;
  return (issues) => issues.map((i) => (i.severity === 'error' && codeListed(codes, i.code) ? { ...i, severity: 'warning' } : i));
}

/**
 * The report of one transaction set (IK5): its own issues (the reader's) and `extra` ones (the
 * dictionary's, a guide's), with the codes `warnOnly` lists taken as warnings.
 */
export function reportTransaction(tx: TransactionSet, extra: readonly X12Issue[], warnOnly?: readonly string[]): TransactionReport {
  return transactionReport(tx, extra, softener(warnOnly));
}

/** Element places (segment, element, component) of an issue, for telling two checks' findings on one element apart. */
const elementPlace = (i: X12Issue): string => `${i.segment?.position}|${i.element?.position}|${i.element?.component ?? ''}`;

/** A guide's finding on an element stands for the dictionary's on the same element (a guided 999's elements are checked by both). */
function oneFindingPerElement(extra: readonly X12Issue[]): readonly X12Issue[] {
  if (!extra.some((i) => i.source === 'dictionary') || !extra.some((i) => i.source === 'guide')) return extra;
  const guided = new Set(extra.filter((i) => i.source === 'guide' && i.element !== undefined).map(elementPlace));
  return extra.filter((i) => i.source !== 'dictionary' || i.element === undefined || !guided.has(elementPlace(i)));
}

function transactionReport(tx: TransactionSet, all: readonly X12Issue[], soften: Soften = keep): TransactionReport {
  const extra = oneFindingPerElement(all);
  const issues = soften(extra.length === 0 ? tx.issues.slice() : tx.issues.concat(extra));
  const codes: TransactionErrorCode[] = [];
  let standard = false;
  let implementation = false;
  for (const i of issues) {
    if (i.transactionCode !== undefined && !codes.includes(i.transactionCode)) codes.push(i.transactionCode);
    // segment errors, and those a partner's policy accepts (noted in the 999 of a set accepted with errors)
    if (i.segment === undefined || i.segment.syntaxCode === undefined) continue;
    // an implementation (I) code in IK304, or in IK403 under IK304 8, is an implementation guide error (IK502 I5)
    if ((i.element !== undefined ? i.element.syntaxCode : i.segment.syntaxCode).startsWith('I')) implementation = true;
    else standard = true;
  }
  if (standard && !codes.includes('5')) codes.push('5');
  if (implementation && !codes.includes('I5')) codes.push('I5');
  codes.sort(byCode);
  const errors = issues.some(isError);
  // accepted with errors noted: a warning the acknowledgment has a code for (a note without one, such as a trailing separator, leaves it accepted)
  const noted = !errors && issues.some((i) => i.transactionCode !== undefined || i.segment?.syntaxCode !== undefined);
  return {
    setId: tx.setId, controlNumber: tx.controlNumber, implementationRef: tx.implementationRef, segmentCount: tx.segmentCount,
    offset: tx.offset, index: tx.index, issues, ack: errors ? 'R' : noted ? 'E' : 'A', errorCodes: codes.slice(0, 5),
  };
}

function finishGroup(g: FunctionalGroup, txs: TransactionReport[], soften: Soften = keep): GroupReport {
  const groupIssues = soften(g.issues);
  const codes: GroupErrorCode[] = [];
  for (const i of groupIssues) if (i.groupCode !== undefined && !codes.includes(i.groupCode)) codes.push(i.groupCode);
  codes.sort(byCode);
  const accepted = txs.filter((t) => t.ack !== 'R').length;
  const groupErrors = groupIssues.some(isError);
  let ack: SetAckCode;
  if (groupErrors || (txs.length > 0 && accepted === 0)) ack = 'R';
  else if (accepted < txs.length) ack = 'P';
  else if (txs.some((t) => t.ack === 'E') || groupIssues.length > 0) ack = 'E';
  else ack = 'A';
  const ge01 = g.ge?.element(1) ?? '';
  return {
    functionalId: g.functionalId, controlNumber: g.controlNumber, version: g.version,
    senderCode: g.gs.element(2), receiverCode: g.gs.element(3), offset: g.gs.offset,
    includedCount: /^\d+$/.test(ge01) ? Number(ge01) : txs.length,
    transactions: txs, issues: groupIssues.slice(), ack, errorCodes: codes.slice(0, 5), acceptedCount: accepted,
  };
}

function ta1For(ic: Interchange, groups: FunctionalGroup[]): { ack: Ta1AckCode; note: Ta1NoteCode } {
  const all = ic.issues.concat(...groups.map((g) => g.issues.filter((i) => i.ta1Note !== undefined)));
  const err = all.find((i) => isError(i) && i.ta1Note !== undefined);
  if (err !== undefined) return { ack: 'R', note: err.ta1Note! };
  const warn = all.find((i) => i.ta1Note !== undefined);
  if (warn !== undefined) return { ack: 'E', note: warn.ta1Note! };
  return { ack: 'A', note: '000' };
}

/**
 * Builds a ValidationReport from reader events (streaming: feed every event, then call report()).
 * Memory: keeps per-transaction summaries and issues, never segments.
 */
export class ReportBuilder {
  private readonly options: ValidateOptions;
  private readonly soften: Soften;
  private readonly fileIssues: X12Issue[] = [];
  private readonly interchanges: InterchangeReport[] = [];
  private current: { ic: Interchange; groups: GroupReport[]; rawGroups: FunctionalGroup[]; txs: TransactionReport[] } | undefined;

  constructor(options: ValidateOptions = {}) {
    this.options = options;
    this.soften = softener(options.warnOnly);
  }

  /** Validate one transaction set (dictionary + extra validators) and return its report. */
  checkTransaction(tx: TransactionSet, group: FunctionalGroup, ic: Interchange): TransactionReport {
    let extra: X12Issue[] = this.options.dictionary === false ? [] : checkTransactionSyntax(tx, ic.header.version);
    for (const v of this.options.validators ?? []) extra = extra.concat(v.validate(tx, group, ic));
    return transactionReport(tx, extra, this.soften);
  }

  /**
   * Feeds one reader event; for a transaction event, returns that transaction set's report (ack
   * A/E/R): `report` when given (made elsewhere, e.g. by a guide's one pass over the set), else
   * checkTransaction's.
   */
  add(e: X12Event, report?: TransactionReport): TransactionReport | undefined {
    switch (e.type) {
      case 'interchangeStart':
        this.current = { ic: e.interchange, groups: [], rawGroups: [], txs: [] };
        break;
      case 'groupStart':
        this.current!.txs = [];
        break;
      case 'transaction': {
        const r = report ?? this.checkTransaction(e.transaction, e.group, e.interchange);
        this.current!.txs.push(r);
        return r;
      }
      case 'groupEnd':
        this.current!.groups.push(finishGroup(e.group, this.current!.txs, this.soften));
        this.current!.rawGroups.push(e.group);
        this.current!.txs = [];
        break;
      case 'interchangeEnd': {
        const c = this.current!;
        this.interchanges.push({
          header: c.ic.header, delimiters: c.ic.delimiters, offset: c.ic.offset, segmentCount: c.ic.segmentCount, issues: c.ic.issues.slice(), groups: c.groups, ta1: ta1For(c.ic, c.rawGroups),
        });
        this.current = undefined;
        break;
      }
      case 'issue':
        this.fileIssues.push(e.issue);
        break;
      default:
    }
  }

  report(): ValidationReport {
    let errorCount = 0;
    let warningCount = 0;
    const count = (issues: X12Issue[]): void => {
      for (const i of issues) if (isError(i)) errorCount++; else warningCount++;
    };
    count(this.fileIssues);
    for (const ic of this.interchanges) {
      count(ic.issues);
      for (const g of ic.groups) {
        count(g.issues);
        for (const t of g.transactions) count(t.issues);
      }
    }
    return { valid: errorCount === 0, fileIssues: this.fileIssues.slice(), interchanges: this.interchanges.slice(), errorCount, warningCount };
  }
}

/**
 * The report with one more interchange-level issue on interchange `index` (one the caller found
 * beyond the file itself, e.g. an ISA13 the partner used before): its TA1 is decided again and
 * the counts include it. The report given is left as it was.
 */
export function withInterchangeIssue(report: ValidationReport, index: number, issue: X12Issue): ValidationReport {
  const ic = report.interchanges[index];
  if (ic === undefined) throw new RangeError(`no interchange ${index} in the report`);
  const issues = ic.issues.concat(issue);
  let ta1 = ic.ta1;
  if (issue.ta1Note !== undefined) {
    if (isError(issue) && ta1.ack !== 'R') ta1 = { ack: 'R', note: issue.ta1Note };
    else if (!isError(issue) && ta1.ack === 'A') ta1 = { ack: 'E', note: issue.ta1Note };
  }
  const interchanges = report.interchanges.slice();
  interchanges[index] = { ...ic, issues, ta1 };
  const errors = isError(issue);
  return {
    ...report,
    interchanges,
    valid: report.valid && !errors,
    errorCount: report.errorCount + (errors ? 1 : 0),
    warningCount: report.warningCount + (errors ? 0 : 1),
  };
}

/** Validate a parsed document (from parseX12Document, or interchanges from parseX12). */
export function validate(input: ParseResult | readonly Interchange[], options: ValidateOptions = {}): ValidationReport {
  const interchanges = Array.isArray(input) ? (input as readonly Interchange[]) : (input as ParseResult).interchanges;
  const b = new ReportBuilder(options);
  if (!Array.isArray(input)) for (const issue of (input as ParseResult).fileIssues) b.add({ type: 'issue', issue });
  for (const ic of interchanges) {
    b.add({ type: 'interchangeStart', interchange: ic });
    for (const g of ic.groups) {
      b.add({ type: 'groupStart', interchange: ic, group: g });
      for (const t of g.transactions) b.add({ type: 'transaction', interchange: ic, group: g, transaction: t });
      b.add({ type: 'groupEnd', interchange: ic, group: g });
    }
    b.add({ type: 'interchangeEnd', interchange: ic });
  }
  return b.report();
}
