/**
 * Public X12 files from repositories outside the corpus (fixtures/external, see its README):
 * each is read, round-tripped byte for byte, streamed, validated and acknowledged. Expected
 * findings follow the standard (checked independently, see the README), not what the files claim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReportBuilder, X12FormatError, X12Reader, generateAcks, parseX12Document, sequentialControlNumbers, serialize, validate } from '@ediflow/x12';
import type { ValidationReport, X12Issue } from '@ediflow/x12';

const DIR = join(__dirname, '..', 'fixtures', 'external');
const file = (name: string): Buffer => readFileSync(join(DIR, name));

function allIssues(r: ValidationReport): X12Issue[] {
  return r.fileIssues.concat(...r.interchanges.map((i) => i.issues.concat(...i.groups.map((g) => g.issues.concat(...g.transactions.map((t) => t.issues))))));
}
const errorCodes = (r: ValidationReport): string[] => [...new Set(allIssues(r).filter((i) => i.severity === 'error').map((i) => i.code))].sort();

interface Expectation {
  /** Error codes the standard calls for (sorted, unique). */
  errors: string[];
  /** Element of the terminator byte after ISA16. */
  terminator: string;
  interchanges: number;
  sets: number;
  /** Lines the acknowledgment must contain (997 for 4010, 999 for 5010, TA1 when the interchange has errors). */
  ack: string[];
}

const EXPECTED: Record<string, Expectation> = {
  'ediengine__940_Failed_SE01.edi': { errors: ['SE_COUNT_MISMATCH'], terminator: '\n', interchanges: 1, sets: 1, ack: ['AK2*940*20066~', 'AK5*R*4~', 'AK9*R*1*1*0~'] },
  'ediengine__ControlNumbersMismatch.edi': {
    errors: ['GE_CONTROL_MISMATCH', 'IEA_CONTROL_MISMATCH', 'ISA_VERSION_UNSUPPORTED', 'SE_CONTROL_MISMATCH'], terminator: '\n', interchanges: 1, sets: 1,
    ack: ['TA1*000003438*101127*1719*R*003~', 'AK5*R*3~', 'AK9*R*1*1*0*4~'],
  },
  'ediengine__WrongGroupsAndTranCount.edi': {
    errors: ['GE_COUNT_MISMATCH', 'IEA_CONTROL_MISMATCH', 'IEA_COUNT_MISMATCH', 'IEA_FIELD_INVALID', 'ISA_VERSION_UNSUPPORTED'], terminator: '\n', interchanges: 1, sets: 1,
    ack: ['TA1*000003438*101127*1719*R*003~', 'AK5*A~', 'AK9*R*2*1*1*5~'],
  },
  'ediengine__MultipleInterchangesAndGroups.edi': {
    errors: ['IEA_CONTROL_MISMATCH', 'IEA_FIELD_INVALID', 'ISA_VERSION_UNSUPPORTED'], terminator: '\n', interchanges: 2, sets: 6,
    ack: ['TA1*000003438*101127*1719*R*003~', 'TA1*000003439*101127*1719*R*003~', 'AK1*OW*3313~', 'AK1*OW*3314~', 'AK1*OW*3315~', 'AK1*OW*3316~', 'AK9*A*2*2*2~'],
  },
  'tastypackets__profee.edi': { errors: [], terminator: '~', interchanges: 1, sets: 1, ack: ['AK2*835*1740*005010X221A1~', 'IK5*A~', 'AK9*A*1*1*1~'] },
  'tastypackets__multi-line-not-delimited.edi': { errors: [], terminator: '\n', interchanges: 1, sets: 1, ack: ['IK5*A~', 'AK9*A*1*1*1~'] },
  'zx12__837i_example.x12': {
    errors: ['GE_CONTROL_MISMATCH', 'IEA_CONTROL_MISMATCH', 'SE_COUNT_MISMATCH'], terminator: '~', interchanges: 1, sets: 1,
    ack: ['TA1*000000002*190311*1700*R*001~', 'IK5*R*4~', 'AK9*R*1*1*0*4~'],
  },
  'zx12__837p_example.x12': { errors: ['SE_COUNT_MISMATCH'], terminator: '~', interchanges: 1, sets: 1, ack: ['IK5*R*4~', 'AK9*R*1*1*0~'] },
  'zx12__837p_example_2.x12': { errors: ['SE_COUNT_MISMATCH'], terminator: '~', interchanges: 1, sets: 1, ack: ['IK5*R*4~', 'AK9*R*1*1*0~'] },
  'zx12__readme_sample.x12': {
    errors: ['ISA_FIELD_INVALID', 'ISA_NOT_FIXED_WIDTH', 'SE_COUNT_MISMATCH'], terminator: '~', interchanges: 1, sets: 1,
    ack: ['TA1*000000001*210101*1200*R*008~', 'IK5*R*4~'],
  },
};

const ackOptions = { controlNumbers: sequentialControlNumbers(1), clock: () => new Date(Date.UTC(2024, 0, 2, 3, 4)), ta1: 'errors' as const };

describe('external public X12 files', () => {
  it.each(Object.entries(EXPECTED))('when %s is read, then it round-trips, streams alike, and validates as the standard says', (name, exp) => {
    const bytes = file(name);
    const doc = parseX12Document(bytes);
    expect(doc.interchanges).toHaveLength(exp.interchanges);
    expect(doc.interchanges[0].delimiters.segment).toBe(exp.terminator);
    expect(doc.interchanges.reduce((n, ic) => n + ic.groups.reduce((m, g) => m + g.transactions.length, 0), 0)).toBe(exp.sets);
    expect(serialize(doc.interchanges).equals(bytes)).toBe(true);

    const report = validate(doc);
    expect(errorCodes(report)).toEqual(exp.errors);
    expect(report.valid).toBe(exp.errors.length === 0);

    // streaming in 7-byte chunks gives the same report
    const reader = new X12Reader();
    const builder = new ReportBuilder();
    for (let i = 0; i < bytes.length; i += 7) for (const e of reader.push(bytes.subarray(i, i + 7))) builder.add(e);
    for (const e of reader.end()) builder.add(e);
    expect(errorCodes(builder.report())).toEqual(exp.errors);

    const acks = generateAcks(report, ackOptions);
    const text = (acks.ta1 ?? '') + (acks.ack999 ?? '') + (acks.ack997 ?? '');
    for (const line of exp.ack) expect(text).toContain(`${line}\n`);
    expect(acks.ta1 !== undefined).toBe(exp.ack.some((l) => l.startsWith('TA1')));
    // the acknowledgments are themselves valid X12
    expect(validate(parseX12Document(text)).valid).toBe(true);
  });

  it('when the EdiEngine files are read with ISA12 00400 supported, then the version issue goes away', () => {
    const report = validate(parseX12Document(file('ediengine__MultipleInterchangesAndGroups.edi'), { supportedVersions: ['00400', '00401', '00501'] }));
    expect(errorCodes(report)).toEqual(['IEA_CONTROL_MISMATCH', 'IEA_FIELD_INVALID']);
  });

  it('when the SE01 count is wrong, then the issue points at the SE segment', () => {
    const bytes = file('zx12__837p_example.x12');
    const issue = allIssues(validate(parseX12Document(bytes))).find((i) => i.code === 'SE_COUNT_MISMATCH')!;
    expect(bytes.toString('latin1', issue.offset!, issue.offset! + 6)).toBe('SE*38*');
  });

  it('when a file is not X12, then reading fails with X12FormatError X12_NOT_X12', () => {
    expect(() => parseX12Document(file('ediengine__NonEdi.edi'))).toThrow(expect.objectContaining({ code: 'X12_NOT_X12' }) as unknown as X12FormatError);
    expect(() => parseX12Document(file('ediengine__NonEdi.edi'))).toThrow(X12FormatError);
  });
});
