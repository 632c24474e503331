// Syntax checks of the reader beyond the envelopes' counts: a received TA1's values, BIN01 against
// its payload, and an ISA13 that comes again within a file. Public corpus files (test/fixtures/corpus,
// with LICENSES), each mutated once per rule; the expected TA1/999 codes are X12's.
import { ReportBuilder, generateAcks, memoryControlNumberStore, parseX12Document, readX12, sequentialControlNumbers, validate, type ValidationReport } from '@ediflow/x12';
import { corpusFile } from '../corpus';

const CLOCK = (): Date => new Date('2026-01-02T03:04:00Z');
const text = (path: string): string => corpusFile(path).toString('latin1');
const reportOf = (t: string): ValidationReport => validate(parseX12Document(Buffer.from(t, 'latin1')));
const acks = (r: ValidationReport): string => {
  const a = generateAcks(r, { controlNumbers: sequentialControlNumbers(1), clock: CLOCK, ta1: 'always', lineBreak: '' });
  return (a.ta1 ?? '') + (a.ack999 ?? '') + (a.ack997 ?? '');
};

describe('a TA1 received in an interchange', () => {
  // (the sample's IEA01 counts a group it does not have: 0 here, so that only the TA1 speaks)
  const ta1 = text('TA1/staedi__x12_interchange_ack.txt').replace(/IEA\*1\*/, 'IEA*0*');

  it('when its values are valid, then the interchange is accepted', () => {
    expect(ta1).toContain('TA1*000000050*200229*1200*A*000~');
    const r = reportOf(ta1);
    expect(r.interchanges[0].ta1).toEqual({ ack: 'A', note: '000' });
    expect(r.interchanges[0].issues.filter((i) => i.code === 'TA1_FIELD_INVALID')).toEqual([]);
  });

  it('when its date, time and codes are invalid, then each is named and the interchange is rejected with TA1 note 024', () => {
    const r = reportOf(ta1.replace('TA1*000000050*200229*1200*A*000~', 'TA1*00000050*200230*1260*X*099~'));
    const issues = r.interchanges[0].issues.filter((i) => i.code === 'TA1_FIELD_INVALID');
    expect(issues.map((i) => [i.element?.position, i.element?.syntaxCode])).toEqual([[1, '4'], [2, '8'], [3, '9'], [4, '7'], [5, '7']]);
    expect(issues.every((i) => i.ta1Note === '024' && !i.message.includes('200230'))).toBe(true);
    expect(r.interchanges[0].ta1).toEqual({ ack: 'R', note: '024' });
    expect(acks(r)).toMatch(/~TA1\*000000001\*200301\*1430\*R\*024~/);
  });

  it('when TA104 and TA105 disagree (accepted with an error note), then TA105 is named', () => {
    const r = reportOf(ta1.replace('*A*000~', '*A*024~'));
    expect(r.interchanges[0].issues.filter((i) => i.code === 'TA1_FIELD_INVALID').map((i) => [i.element?.position, i.message])).toEqual([
      [5, 'TA1: TA104 A does not go with TA105 naming an error'],
    ]);
  });
});

describe('BIN01 against its payload', () => {
  const bin = text('275/staedi__sample275_with_HL7_valid_BIN01.edi');
  const binIssues = (t: string) => reportOf(t).interchanges[0].groups[0].transactions[0].issues.filter((i) => i.code === 'BIN_LENGTH_MISMATCH');

  it('when BIN01 counts the payload, then nothing is reported', () => {
    expect(bin).toContain('BIN*2768*');
    expect(binIssues(bin)).toEqual([]);
  });

  it('when BIN01 says more or fewer bytes than the payload has, then BIN02 is too short (IK403 4) or too long (5) in the 999', () => {
    const short = binIssues(bin.replace('BIN*2768*', 'BIN*2769*'));
    expect(short.map((i) => [i.segment?.id, i.segment?.position, i.element?.position, i.element?.syntaxCode, i.message])).toEqual([
      ['BIN', 15, 2, '4', 'BIN02 has 2768 bytes where BIN01 says 2769'],
    ]);
    expect(binIssues(bin.replace('BIN*2768*', 'BIN*2767*')).map((i) => i.element?.syntaxCode)).toEqual(['5']);
    const ack = acks(reportOf(bin.replace('BIN*2768*', 'BIN*27X8*')));
    expect(ack).toContain('IK3*BIN*15**8~IK4*1*784*6~IK5*R*');
  });
});

describe('an ISA13 again within a file', () => {
  const demo = text('837P/lfh__demo.837');

  it('when two interchanges of one sender share ISA13, then the second is rejected with TA1 note 025 (a store of the file)', async () => {
    const events = readX12([Buffer.from(demo + demo, 'latin1')], { controlNumberStore: memoryControlNumberStore() });
    const b = new ReportBuilder();
    for await (const e of events) b.add(e);
    const r = b.report();
    expect(r.interchanges.map((ic) => ic.ta1)).toEqual([{ ack: 'A', note: '000' }, { ack: 'R', note: '025' }]);
    // another control number in the second: both accepted
    const other = demo.replace(/000000907/g, '000000908');
    const c = new ReportBuilder();
    for await (const e of readX12([Buffer.from(demo + other, 'latin1')], { controlNumberStore: memoryControlNumberStore() })) c.add(e);
    expect(c.report().interchanges.map((ic) => ic.ta1.ack)).toEqual(['A', 'A']);
  });
});
