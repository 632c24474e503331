import { generateAcks, parseX12Document, sequentialControlNumbers, validate, type X12Issue } from '@ediflow/x12';
import { guideValidator } from '@ediflow/hipaa';
import { EXCHANGE_SETS, guideFiles, guideIssues, ownFixtures, readCorpus, readOwn, transactions } from '../corpus';

function issuesOf(bytes: Buffer | string): X12Issue[] {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return transactions(b).flatMap((t) => guideIssues(t));
}
const place = (i: X12Issue): string =>
  `${i.segment?.id}@${i.segment?.loopId}:${i.segment?.syntaxCode}${i.element !== undefined ? `/${i.element.position}${i.element.component !== undefined ? `-${i.element.component}` : ''}:${i.element.syntaxCode}` : ''}`;

const CLEAN = [
  '837P/lfh__demo.837', '837P/lfh__demo.example1.837', '837P/lfh__demo.example2.837', '837P/lfh__demo.autoaccident.837', '837P/lfh__demo.cob.example3.C.837',
  '837P/staedi__sample837-original.edi', '837P/x12types__005010_837.edi', '835/tigershark__5010-835-example-3.txt', '835/edi835__emedny_sample.txt',
  '835/edi835__united_healthcare_legacy_sample.txt', '835/edi835affect__nevada_medicaid.txt',
];

describe('guide validation', () => {
  it.each(CLEAN)('when the conforming file %s is checked, then it has no guide issue', (path) => {
    expect(issuesOf(readCorpus(path)).map(place)).toEqual([]);
  });

  it.each(ownFixtures().filter((p) => p.endsWith('.x12')))('when the 837D fixture %s is checked, then it has no guide issue', (path) => {
    expect(issuesOf(readOwn(path)).map(place)).toEqual([]);
  });

  it('when 2010AA repeats in one 2000A, then the loop is reported over its maximum (IK304 4) in 2010AA', () => {
    const places = issuesOf(readCorpus('837P/imsweb__x12_loop_errors1_exceeds_max_1_parent.txt')).map(place);
    expect(places).toContain('NM1@2010AA:4');
  });

  it('when NM102 in 1000B and the CLM05 composite are missing, then both are required-element errors (IK403 1)', () => {
    const places = issuesOf(readCorpus('837P/imsweb__x12_missing_elements.txt')).map(place);
    expect(places).toContain('NM1@1000B:8/2:1');
    expect(places).toContain('CLM@2300:8/5:1');
  });

  it('when a 2000B has no 2010BA, then the required loop is reported missing (IK303 its id) at the segment that came in its place', () => {
    const bytes = readCorpus('837P/imsweb__x12_missing_required_loop_in_one_repeat.txt');
    const issues = issuesOf(bytes);
    const missing = issues.find((i) => place(i) === 'NM1@2010BA:3');
    expect(missing?.message).toBe('required loop 2010BA missing in loop 2000B');
    // the segment at that position is the one after the subscriber's SBR: the place 2010BA was expected
    const [{ tx }] = transactions(bytes);
    const at = tx.segments[missing!.segment!.position - 1];
    expect(tx.segments[at.position - 2].id).toBe('SBR');
    expect(at.offset).toBe(missing!.offset);
  });

  it('when two claims have lines without LX, then SV1/DTP are unexpected in 2300 and 2400 is missing in both', () => {
    const places = issuesOf(readCorpus('837P/imsweb__x12_missing_required_loops_mult_repeats.txt')).map(place);
    expect(places.filter((p) => p === 'SV1@2300:2' || p === 'DTP@2300:2')).toHaveLength(4);
    expect(places.filter((p) => p === 'LX@2400:3')).toHaveLength(2);
  });

  it('when N4 and N3 come before their place, then each is out of sequence (IK304 7) in its loop', () => {
    const places = issuesOf(readCorpus('837P/imsweb__x12_segments_out_of_order.txt')).map(place);
    expect(places).toContain('N4@2010AA:7');
    expect(places).toContain('N3@2010AB:7');
  });

  it('when an 837 stops after BHT and a REF, then the REF is unexpected and the billing provider level is missing', () => {
    const places = issuesOf(readCorpus('837P/staedi__837-header-ref-only.edi')).map(place);
    expect(places).toEqual(['BHT@ST:8/1:7', 'REF@ST:2', 'NM1@1000A:3', 'NM1@1000B:3', 'HL@2000A:3']);
  });

  it('when the validator runs in a validation report, then the 999 carries IK3/IK4 with loop ids and rejects the set', () => {
    const report = validate(parseX12Document(readCorpus('837P/imsweb__x12_missing_elements.txt')), { validators: [guideValidator()] });
    const t = report.interchanges[0].groups[0].transactions[0];
    expect(t.ack).toBe('R');
    const acks = generateAcks(report, { controlNumbers: sequentialControlNumbers(1), clock: () => new Date('2026-01-01T00:00:00Z') });
    // IK303 holds 1-4 characters: 1000B does not fit and stays empty, 2300 does
    expect(acks.ack999).toMatch(/IK3\*NM1\*\d+\*\*8~\nIK4\*2\*1065\*1~/);
    // each claim's IK3 is followed by the CTX naming the claim (CLM01)
    expect(acks.ack999).toMatch(/IK3\*CLM\*\d+\*2300\*8~\nCTX\*CLM01:[^~]+~\nIK4\*5\*(C023)?\*1~/);
    // 4: the file's SE01 is off as well (envelope check); 5: segments in error; I5: CLM02 does not balance (I12)
    expect(acks.ack999).toMatch(/IK5\*R\*4\*5\*I5~/);
  });

  it('when a transaction set is of an unsupported guide, then the validator adds nothing', () => {
    const report = validate(parseX12Document(readCorpus('824/x12types__005010_824.edi')), { validators: [guideValidator()] });
    expect(report.interchanges[0].groups[0].transactions[0].issues.filter((i) => i.source === 'guide')).toEqual([]);
  });
});

describe('balancing', () => {
  const p837 = readCorpus('837P/lfh__demo.example1.837').toString('latin1');
  const t835 = readCorpus('835/tigershark__5010-835-example-3.txt').toString('latin1');

  it('when CLM02 is not the sum of the service line charges, then CLM02 is reported out of balance in 2300', () => {
    const clm = /CLM\*[^*]*\*([^*~]*)/.exec(p837)!;
    const bad = p837.replace(clm[0], clm[0].replace(`*${clm[1]}`, '*999.99'));
    const issues = issuesOf(bad).filter((i) => i.code === 'GUIDE_BALANCE');
    expect(issues.map(place)).toEqual(['CLM@2300:8/2:I12']);
    expect(issues[0].message).not.toContain('999.99');
  });

  it('when BPR02 is not the sum of CLP04 minus provider adjustments, then BPR02 is out of balance; a PLB that explains it balances', () => {
    const bad = t835.replace('BPR*I*57.44*', 'BPR*I*67.44*');
    expect(issuesOf(bad).filter((i) => i.code === 'GUIDE_BALANCE').map(place)).toEqual(['BPR@HEADER:8/2:I12']);
    // BPR02 = 57.44 - (-10.00): a PLB of -10 (money owed to the provider) balances 67.44
    const withPlb = bad.replace(/SE\*(\d+)\*0001~/, (_m, n: string) => `PLB*1122334455*20111231*WO:X1*-10.00~\r\nSE*${Number(n) + 1}*0001~`);
    expect(issuesOf(withPlb).filter((i) => i.code === 'GUIDE_BALANCE')).toEqual([]);
  });

  it('when a claim payment or a service line does not equal charge minus adjustments, then CLP04 / SVC03 are reported', () => {
    const badLine = t835.replace('CAS*CO*45*12.56~', 'CAS*CO*45*12.50~');
    const places = issuesOf(badLine).filter((i) => i.code === 'GUIDE_BALANCE').map(place);
    expect(places).toEqual(['CLP@2100:8/4:I12', 'SVC@2110:8/3:I12']);
  });
});

describe('hierarchy and lenient reading', () => {
  it('when an HL02 points at a level that is not its parent, then HL02 is reported (IK403 7) in the level loop', () => {
    const text = readCorpus('837P/lfh__demo.example1.837').toString('latin1').replace('HL*2*1*22*', 'HL*2*9*22*');
    expect(issuesOf(text).map(place)).toContain('HL@2000B:8/2:7');
  });

  it('when HL04 says child levels follow but none do, then HL04 is reported in that level, once', () => {
    const text = readCorpus('837P/lfh__demo.example1.837').toString('latin1').replace('HL*3*2*23*0', 'HL*3*2*23*1');
    // the patient level (2000C) uses only HL04 0: 1 is an X12 code it does not use (I6)
    expect(issuesOf(text).map(place)).toEqual(['HL@2000C:8/4:I6']);
  });

  it('when an 835 claim payment comes without its LX, then the header number loop is opened for it and the LX is reported missing', () => {
    const path = '835/edi835chs__test.835';
    const places = issuesOf(readCorpus(path)).map(place);
    expect(places.filter((p) => p === 'LX@2000:3')).toHaveLength(1);
    expect(places).not.toContain('CLP@1000B:2');
  });
});

describe('no PHI in messages', () => {
  it('when every corpus file of these guides is checked, then no issue message holds a name, id or amount from the file', () => {
    const files = [...guideFiles('valid'), ...guideFiles('invalid'), ...guideFiles('valid', EXCHANGE_SETS), ...guideFiles('invalid', EXCHANGE_SETS)];
    let checked = 0;
    for (const path of files) {
      for (const { ic, tx, group } of transactions(readCorpus(path))) {
        const values = new Set<string>();
        for (const s of tx.segments) {
          if (s.id === 'NM1') [3, 4, 9].forEach((n) => values.add(s.element(n)));
          if (s.id === 'CLM' || s.id === 'CLP') [1, 2].forEach((n) => values.add(s.element(n)));
        }
        // (test files that use loop ids such as 2420D as names cannot be told apart from the loop id in a message)
        const phi = [...values].filter((v) => v.length >= 4 && !/^[0-9]{4}[A-Z]{0,2}$/.test(v));
        for (const i of guideIssues({ ic, group, tx })) {
          checked++;
          for (const v of phi) expect(i.message.includes(v) ? `${path}: ${i.message}` : '').toBe('');
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
