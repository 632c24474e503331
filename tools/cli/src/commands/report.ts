import { guideValidator } from '@ediflow/hipaa';
import { ReportBuilder, memoryControlNumberStore, readX12, X12FormatError, type ReadOptions, type ValidationReport, type X12Issue } from '@ediflow/x12';

/** One issue as the CLI prints it: where, what, never an element value unless asked. */
export interface CliIssue {
  severity: 'error' | 'warning';
  level: X12Issue['level'];
  code: string;
  message: string;
  /** Byte offset in the file. */
  offset?: number;
  /** Interchange (ISA13), group (GS06) and transaction set (ST02) control numbers, when inside one. */
  interchange?: string;
  group?: string;
  transaction?: string;
  /** Segment id and number in the transaction set (ST = 1; 0 for envelope segments). */
  segmentId?: string;
  segmentNumber?: number;
  /** Segment number in the file (the first ISA = 1), for segments inside a transaction set. */
  fileSegmentNumber?: number;
  loopId?: string;
  /** The element's reference as X12 writes it: segment id, position, component (CLM06, CLM05-1). */
  elementRef?: string;
  /** Element position (1-based), component and repetition when the issue is in one. */
  element?: number;
  component?: number;
  repetition?: number;
  /** Acknowledgment codes: TA105, AK905, IK502/AK502, IK304, IK403. */
  ta1Note?: string;
  groupCode?: string;
  transactionCode?: string;
  segmentSyntaxCode?: string;
  elementSyntaxCode?: string;
  /** The offending value: only with --show-values (may be PHI). */
  value?: string;
  /** The business unit the issue is in, as the 999's CTX names it (e.g. `CLM01 26463774`): only with --show-values (may be PHI). */
  businessUnit?: string;
}

export interface CliReport {
  valid: boolean;
  errorCount: number;
  warningCount: number;
  interchanges: {
    controlNumber: string;
    version: string;
    ta1: { ack: string; note: string };
    groups: { functionalId: string; controlNumber: string; version: string; ack: string; errorCodes: string[];
      transactions: { setId: string; controlNumber: string; segmentCount: number; ack: string; errorCodes: string[] }[] }[];
  }[];
  issues: CliIssue[];
}

interface Where {
  interchange?: string;
  group?: string;
  transaction?: string;
  /** File segment number of the set's ST, when inside one. */
  firstSegment?: number;
}

function issue(i: X12Issue, showValues: boolean, where: Where): CliIssue {
  const out: CliIssue = { severity: i.severity, level: i.level, code: i.code, message: i.message };
  if (i.offset !== undefined) out.offset = i.offset;
  if (where.interchange !== undefined) out.interchange = where.interchange;
  if (where.group !== undefined) out.group = where.group;
  if (where.transaction !== undefined) out.transaction = where.transaction;
  if (i.segment !== undefined) {
    out.segmentId = i.segment.id;
    out.segmentNumber = i.segment.position;
    if (where.firstSegment !== undefined && i.segment.position > 0) out.fileSegmentNumber = where.firstSegment + i.segment.position - 1;
    if (i.segment.loopId !== undefined) out.loopId = i.segment.loopId;
    if (i.segment.syntaxCode !== undefined) out.segmentSyntaxCode = i.segment.syntaxCode;
  }
  if (i.element !== undefined) {
    const id = i.segment?.id ?? '';
    out.elementRef = `${id}${String(i.element.position).padStart(2, '0')}${i.element.component !== undefined ? `-${i.element.component}` : ''}`;
    out.element = i.element.position;
    if (i.element.component !== undefined) out.component = i.element.component;
    if (i.element.repetition !== undefined) out.repetition = i.element.repetition;
    out.elementSyntaxCode = i.element.syntaxCode;
    if (showValues && i.element.badValue !== undefined) out.value = i.element.badValue;
  }
  if (showValues && i.businessUnit !== undefined) out.businessUnit = `${i.businessUnit.name} ${i.businessUnit.value}`;
  if (i.ta1Note !== undefined) out.ta1Note = i.ta1Note;
  if (i.groupCode !== undefined) out.groupCode = i.groupCode;
  if (i.transactionCode !== undefined) out.transactionCode = i.transactionCode;
  return out;
}

/** The CLI's JSON view of a ValidationReport: a summary tree plus a flat list of issues in file order. */
export function toCliReport(r: ValidationReport, showValues: boolean): CliReport {
  const issues: CliIssue[] = r.fileIssues.map((i) => issue(i, showValues, {}));
  const interchanges: CliReport['interchanges'] = [];
  // segments of the interchanges before this one
  let before = 0;
  for (const ic of r.interchanges) {
    const icn = ic.header.controlNumber;
    for (const i of ic.issues) issues.push(issue(i, showValues, { interchange: icn }));
    const groups: CliReport['interchanges'][number]['groups'] = [];
    for (const g of ic.groups) {
      for (const i of g.issues) issues.push(issue(i, showValues, { interchange: icn, group: g.controlNumber }));
      for (const t of g.transactions) {
        const where = { interchange: icn, group: g.controlNumber, transaction: t.controlNumber, firstSegment: before + t.index };
        for (const i of t.issues) issues.push(issue(i, showValues, where));
      }
      groups.push({
        functionalId: g.functionalId, controlNumber: g.controlNumber, version: g.version, ack: g.ack, errorCodes: g.errorCodes,
        transactions: g.transactions.map((t) => ({ setId: t.setId, controlNumber: t.controlNumber, segmentCount: t.segmentCount, ack: t.ack, errorCodes: t.errorCodes })),
      });
    }
    interchanges.push({ controlNumber: icn, version: ic.header.version, ta1: ic.ta1, groups });
    before += ic.segmentCount;
  }
  issues.sort((a, b) => (a.offset ?? Infinity) - (b.offset ?? Infinity));
  return { valid: r.valid, errorCount: r.errorCount, warningCount: r.warningCount, interchanges, issues };
}

/**
 * How the commands read a file: an ISA13 that comes again from the same sender within the file is
 * TA1 note 025 (the translator service checks the same, and across files, with its durable register).
 */
export const readOptions = (): ReadOptions => ({ controlNumberStore: memoryControlNumberStore() });

/**
 * The file's report: envelope and syntax checks while reading, and each set's guide checks
 * (@ediflow/hipaa guideValidator: the walk documentsFor makes), streaming (keeps no segments).
 */
export async function buildReport(source: AsyncIterable<Buffer>): Promise<ValidationReport> {
  const builder = new ReportBuilder({ validators: [guideValidator()] });
  for await (const e of readX12(source, readOptions())) builder.add(e);
  return builder.report();
}

/** The acknowledgment codes of an issue, as the TA1/999/997 carry them. */
function ackCodes(i: CliIssue): string {
  const codes: string[] = [];
  if (i.ta1Note !== undefined) codes.push(`TA105 ${i.ta1Note}`);
  if (i.groupCode !== undefined) codes.push(`AK905 ${i.groupCode}`);
  if (i.transactionCode !== undefined) codes.push(`IK502 ${i.transactionCode}`);
  if (i.segmentSyntaxCode !== undefined) codes.push(`IK304 ${i.segmentSyntaxCode}`);
  if (i.elementSyntaxCode !== undefined) codes.push(`IK403 ${i.elementSyntaxCode}`);
  return codes.join(' ');
}

/**
 * One issue on one line: severity, control numbers, segment (number in the set and in the file,
 * byte offset), loop, element, acknowledgment codes, issue code and message.
 */
export function issueLine(i: CliIssue): string {
  const parts: string[] = [i.severity];
  if (i.interchange !== undefined) parts.push(`ISA13 ${i.interchange}`);
  if (i.group !== undefined) parts.push(`GS06 ${i.group}`);
  if (i.transaction !== undefined) parts.push(`ST02 ${i.transaction}`);
  if (i.segmentId !== undefined) {
    const at = [i.fileSegmentNumber !== undefined ? `file segment ${i.fileSegmentNumber}` : '', i.offset !== undefined ? `byte ${i.offset}` : ''].filter((s) => s !== '');
    parts.push(`segment ${i.segmentId}${i.segmentNumber !== undefined && i.segmentNumber > 0 ? ` #${i.segmentNumber}` : ''}${at.length > 0 ? ` (${at.join(', ')})` : ''}`);
  } else if (i.offset !== undefined) parts.push(`byte ${i.offset}`);
  if (i.loopId !== undefined) parts.push(`loop ${i.loopId}`);
  if (i.elementRef !== undefined) parts.push(`element ${i.elementRef}${i.repetition !== undefined ? ` repetition ${i.repetition}` : ''}`);
  const codes = ackCodes(i);
  if (codes !== '') parts.push(`[${codes}]`);
  if (i.businessUnit !== undefined) parts.push(`in ${i.businessUnit}`);
  parts.push(`${i.code}: ${i.message}${i.value !== undefined ? ` (value: ${i.value})` : ''}`);
  return parts.join(' ');
}

/** The report as text: one line per issue in file order, then the verdict with the counts. */
export function reportText(r: CliReport, name: string): string {
  const counts = `${r.errorCount} error${r.errorCount === 1 ? '' : 's'}, ${r.warningCount} warning${r.warningCount === 1 ? '' : 's'}`;
  return `${r.issues.map((i) => `${issueLine(i)}\n`).join('')}${name}: ${r.valid ? 'valid' : 'invalid'} (${counts})\n`;
}

/** A report for input that is not X12 at all (no ISA, an encoding the reader refuses, unreadable ISA). */
export function notX12Report(err: X12FormatError): CliReport {
  return {
    valid: false, errorCount: 1, warningCount: 0, interchanges: [],
    issues: [{ severity: 'error', level: 'file', code: err.code, message: err.message, offset: err.offset, ...(err.ta1Note !== undefined ? { ta1Note: err.ta1Note } : {}) }],
  };
}
