import { ReportBuilder, readX12, X12FormatError, type ValidationReport, type X12Issue } from '@ediflow/x12';

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
  loopId?: string;
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

function issue(i: X12Issue, showValues: boolean, where: { interchange?: string; group?: string; transaction?: string }): CliIssue {
  const out: CliIssue = { severity: i.severity, level: i.level, code: i.code, message: i.message };
  if (i.offset !== undefined) out.offset = i.offset;
  Object.assign(out, where);
  if (i.segment !== undefined) {
    out.segmentId = i.segment.id;
    out.segmentNumber = i.segment.position;
    if (i.segment.loopId !== undefined) out.loopId = i.segment.loopId;
    if (i.segment.syntaxCode !== undefined) out.segmentSyntaxCode = i.segment.syntaxCode;
  }
  if (i.element !== undefined) {
    out.element = i.element.position;
    if (i.element.component !== undefined) out.component = i.element.component;
    if (i.element.repetition !== undefined) out.repetition = i.element.repetition;
    out.elementSyntaxCode = i.element.syntaxCode;
    if (showValues && i.element.badValue !== undefined) out.value = i.element.badValue;
  }
  if (i.ta1Note !== undefined) out.ta1Note = i.ta1Note;
  if (i.groupCode !== undefined) out.groupCode = i.groupCode;
  if (i.transactionCode !== undefined) out.transactionCode = i.transactionCode;
  return out;
}

/** The CLI's JSON view of a ValidationReport: a summary tree plus a flat list of issues in file order. */
export function toCliReport(r: ValidationReport, showValues: boolean): CliReport {
  const issues: CliIssue[] = r.fileIssues.map((i) => issue(i, showValues, {}));
  const interchanges: CliReport['interchanges'] = [];
  for (const ic of r.interchanges) {
    const icn = ic.header.controlNumber;
    for (const i of ic.issues) issues.push(issue(i, showValues, { interchange: icn }));
    const groups: CliReport['interchanges'][number]['groups'] = [];
    for (const g of ic.groups) {
      for (const i of g.issues) issues.push(issue(i, showValues, { interchange: icn, group: g.controlNumber }));
      for (const t of g.transactions) for (const i of t.issues) issues.push(issue(i, showValues, { interchange: icn, group: g.controlNumber, transaction: t.controlNumber }));
      groups.push({
        functionalId: g.functionalId, controlNumber: g.controlNumber, version: g.version, ack: g.ack, errorCodes: g.errorCodes,
        transactions: g.transactions.map((t) => ({ setId: t.setId, controlNumber: t.controlNumber, segmentCount: t.segmentCount, ack: t.ack, errorCodes: t.errorCodes })),
      });
    }
    interchanges.push({ controlNumber: icn, version: ic.header.version, ta1: ic.ta1, groups });
  }
  issues.sort((a, b) => (a.offset ?? Infinity) - (b.offset ?? Infinity));
  return { valid: r.valid, errorCount: r.errorCount, warningCount: r.warningCount, interchanges, issues };
}

/** Streams the input through the reader and a ReportBuilder (keeps no segments). */
export async function buildReport(source: AsyncIterable<Buffer>): Promise<ValidationReport> {
  const builder = new ReportBuilder();
  for await (const e of readX12(source)) builder.add(e);
  return builder.report();
}

/** A report for input that is not X12 at all (no ISA, UTF-16, unreadable ISA). */
export function notX12Report(err: X12FormatError): CliReport {
  return {
    valid: false, errorCount: 1, warningCount: 0, interchanges: [],
    issues: [{ severity: 'error', level: 'file', code: err.code, message: err.message, offset: err.offset }],
  };
}
