/**
 * Envelope checks: what the reader finds wrong in an ISA, GS, ST, SE, GE or IEA (the dictionary's
 * element syntax, counts, control numbers), as issues with their TA1 / AK9 / IK5 codes.
 */
import type { GroupErrorCode, Ta1NoteCode } from './codes';
import { segmentDefinition } from './dictionary';
import { checkSegmentElements } from './elements';
import type { X12Issue } from './issues';
import type { FunctionalGroup, Interchange, Segment } from './model';

/** Tells whether an interchange control number was already seen from this sender (and records it). */
export interface InterchangeControlNumberStore {
  /** Returns true when `controlNumber` was already received from `sender` (qualifier + ':' + trimmed id). */
  seen(sender: string, controlNumber: string): boolean;
}

/** A simple in-memory store (tests, single process). */
export function memoryControlNumberStore(): InterchangeControlNumberStore {
  const seen = new Set<string>();
  return {
    seen(sender, controlNumber) {
      const key = `${sender}\u0000${controlNumber}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    },
  };
}

/** TA1 notes of ISA01..ISA16 when the dictionary finds the element wrong. */
const ISA_NOTES: readonly Ta1NoteCode[] = ['010', '011', '012', '013', '005', '006', '007', '008', '014', '015', '016', '017', '018', '019', '020', '027'];

export function isaIssue(code: string, message: string, offset: number, ta1Note: Ta1NoteCode, severity: 'error' | 'warning' = 'error'): X12Issue {
  return { code, severity, level: 'interchange', message, offset, source: 'envelope', ta1Note };
}

/**
 * The ISA's issues, added to the interchange: its fields against the dictionary, the version,
 * the repetition separator, the fixed width, and (with a store) a control number used before.
 * `seps` are the offsets of its 16 element separators from the ISA's first byte.
 */
export function checkIsa(ic: Interchange, seps: readonly number[], versions: readonly string[], store: InterchangeControlNumberStore | undefined): void {
  const isa = ic.isa;
  const h = ic.header;
  const def = segmentDefinition('ISA', h.version)!;
  for (const f of checkSegmentElements(isa, def, true)) {
    const note = ISA_NOTES[f.position - 1] ?? '022';
    ic.issues.push({
      code: 'ISA_FIELD_INVALID', severity: 'error', level: 'interchange', source: 'envelope', offset: isa.offset + (seps[f.position - 1] ?? 0) + 1,
      message: `ISA${String(f.position).padStart(2, '0')}: ${f.message}`, ta1Note: note,
      segment: { id: 'ISA', position: 0 }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode },
    });
  }
  if (!/^\d{5}$/.test(h.version)) {
    // reported by the dictionary check as a length problem when the length is wrong
    if (h.version.length === 5) ic.issues.push(isaIssue('ISA_FIELD_INVALID', 'ISA12: invalid interchange version', isa.offset + seps[11] + 1, '017'));
  } else if (!versions.includes(h.version)) {
    ic.issues.push(isaIssue('ISA_VERSION_UNSUPPORTED', 'ISA12: interchange version not supported', isa.offset + seps[11] + 1, '003'));
  }
  if (h.version >= '00501' && ic.delimiters.repetition === '') {
    ic.issues.push(isaIssue('ISA_REPETITION_SEPARATOR', 'ISA11: 5010 interchange without a repetition separator', isa.offset + seps[10] + 1, '016', 'warning'));
  }
  if (isa.raw.length + 1 !== 106) {
    ic.issues.push(isaIssue('ISA_NOT_FIXED_WIDTH', `ISA is ${isa.raw.length + 1} bytes, not 106`, isa.offset, '022', ic.issues.some((i) => i.code === 'ISA_FIELD_INVALID') ? 'error' : 'warning'));
  }
  if (store !== undefined && store.seen(`${h.senderQualifier}:${h.senderId}`, h.controlNumber)) {
    ic.issues.push(isaIssue('ISA_DUPLICATE', 'duplicate interchange control number from this sender', isa.offset + seps[12] + 1, '025'));
  }
}

/**
 * Dictionary findings on a GS or GE: a bad control number (GS06 / GE02) is AK905 code 6,
 * anything else makes the group's structure unreadable (TA1 note 024).
 */
export function groupFieldIssues(seg: Segment, controlNumberPosition: number): X12Issue[] {
  return checkSegmentElements(seg, segmentDefinition(seg.id)!).map((f) => {
    const issue: X12Issue = {
      code: `${seg.id}_FIELD_INVALID`, severity: 'error', level: 'group', source: 'dictionary', offset: seg.offset, message: `${seg.id}: ${f.message}`,
      segment: { id: seg.id, position: 0 }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode },
    };
    if (f.position === controlNumberPosition) issue.groupCode = '6';
    else issue.ta1Note = '024';
    return issue;
  });
}

export function groupIssue(g: FunctionalGroup, code: string, message: string, offset: number, groupCode: GroupErrorCode | undefined, ta1Note?: Ta1NoteCode): void {
  const issue: X12Issue = { code, severity: 'error', level: 'group', message, offset, source: 'envelope' };
  if (groupCode !== undefined) issue.groupCode = groupCode;
  if (ta1Note !== undefined) issue.ta1Note = ta1Note;
  g.issues.push(issue);
}

/** The ST's dictionary findings (IK502 6 for ST01, 7 for ST02, 19 otherwise). */
export function stIssues(st: Segment): X12Issue[] {
  return checkSegmentElements(st, segmentDefinition('ST')!).map((f) => ({
    code: 'ST_FIELD_INVALID', severity: 'error', level: 'transaction', source: 'dictionary', offset: st.offset, message: `ST: ${f.message}`,
    transactionCode: f.position === 1 ? '6' : f.position === 2 ? '7' : '19',
    segment: { id: 'ST', position: 1, syntaxCode: '8' }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode, ...(f.badValue !== undefined ? { badValue: f.badValue } : {}) },
  }));
}

/** The SE's issues: its dictionary findings, SE01 against the `count` segments read, SE02 against ST02. */
export function seIssues(se: Segment, count: number, controlNumber: string): X12Issue[] {
  const issues: X12Issue[] = checkSegmentElements(se, segmentDefinition('SE')!).map((f) => ({
    code: 'SE_FIELD_INVALID', severity: 'error', level: 'transaction', source: 'dictionary', offset: se.offset, message: `SE: ${f.message}`,
    segment: { id: 'SE', position: count, syntaxCode: '8' }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode, ...(f.badValue !== undefined ? { badValue: f.badValue } : {}) },
  }));
  const se01 = se.element(1);
  if (se01 !== String(count) && Number(se01) !== count) {
    issues.push({ code: 'SE_COUNT_MISMATCH', severity: 'error', level: 'transaction', source: 'envelope', offset: se.offset, message: `SE01 does not match the ${count} segments counted`, transactionCode: '4' });
  }
  if (se.element(2) !== controlNumber) {
    issues.push({ code: 'SE_CONTROL_MISMATCH', severity: 'error', level: 'transaction', source: 'envelope', offset: se.offset, message: 'SE02 does not match ST02', transactionCode: '3' });
  }
  return issues;
}

/** The GE's issues, added to its group: dictionary findings, GE01 against the sets counted, GE02 against GS06. */
export function checkGe(g: FunctionalGroup, ge: Segment): void {
  g.issues.push(...groupFieldIssues(ge, 2));
  if (ge.element(1) !== String(g.transactionCount) && Number(ge.element(1)) !== g.transactionCount) {
    groupIssue(g, 'GE_COUNT_MISMATCH', `GE01 does not match the ${g.transactionCount} transaction sets counted`, ge.offset, '5');
  }
  if (ge.element(2) !== g.controlNumber) groupIssue(g, 'GE_CONTROL_MISMATCH', 'GE02 does not match GS06', ge.offset, '4');
}

/** The IEA's issues, added to its interchange: dictionary findings, IEA02 against ISA13, IEA01 against the groups counted. */
export function checkIea(ic: Interchange, iea: Segment): void {
  for (const f of checkSegmentElements(iea, segmentDefinition('IEA')!)) {
    ic.issues.push({
      code: 'IEA_FIELD_INVALID', severity: 'error', level: 'interchange', source: 'dictionary', offset: iea.offset, message: `IEA: ${f.message}`,
      ta1Note: f.position === 2 ? '018' : '021', segment: { id: 'IEA', position: 0 }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode },
    });
  }
  if (iea.element(2) !== ic.header.controlNumber) ic.issues.push(isaIssue('IEA_CONTROL_MISMATCH', 'IEA02 does not match ISA13', iea.offset, '001'));
  if (iea.element(1) !== String(ic.groupCount) && Number(iea.element(1)) !== ic.groupCount) {
    ic.issues.push(isaIssue('IEA_COUNT_MISMATCH', `IEA01 does not match the ${ic.groupCount} groups counted`, iea.offset, '021'));
  }
}

/**
 * The issues of a TA1 received inside an interchange (an acknowledgment of an interchange we sent):
 * its fields against the dictionary (control number, date, time, TA104 and TA105 codes), and TA104
 * against TA105 (A with note 000, E or R with another). Each is TA1 note 024 (invalid interchange
 * content) for the interchange that carries it.
 */
export function ta1Issues(ta1: Segment): X12Issue[] {
  const issue = (message: string, element: X12Issue['element']): X12Issue => ({
    code: 'TA1_FIELD_INVALID', severity: 'error', level: 'interchange', source: 'dictionary', offset: ta1.offset, message,
    ta1Note: '024', segment: { id: 'TA1', position: 0 }, ...(element !== undefined ? { element } : {}),
  });
  const out = checkSegmentElements(ta1, segmentDefinition('TA1')!).map((f) => issue(`TA1: ${f.message}`, { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode }));
  const ack = ta1.element(4);
  const note = ta1.element(5);
  if (out.length === 0 && (ack === 'A') !== (note === '000')) {
    out.push(issue(`TA1: TA104 ${ack} does not go with TA105 ${note === '000' ? '000 (no error)' : 'naming an error'}`, { position: 5, reference: 'I18', syntaxCode: '7' }));
  }
  return out;
}
