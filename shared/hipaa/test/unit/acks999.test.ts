// The 999 of a set that breaks its guide, as X12 (005010X231A1) writes it: one mutated copy of a
// conforming corpus file per rule, the IK3/IK4/IK5 segments asserted, made both ways the platform
// makes them (edi validate / edi ack: guideValidator in a ReportBuilder; the translator service
// and edi translate: documentsFor's verdict) and required to be the same.
import { ReportBuilder, generateAcks, parseX12, readX12, sequentialControlNumbers } from '@ediflow/x12';
import { guideValidator } from '@ediflow/hipaa';
import { CLOCK, mutated, reportBy, setAck } from '../acks';
import { readCorpus } from '../corpus';

const DEMO = readCorpus('837P/lfh__demo.837').toString('latin1');
const AK2 = 'AK2*837*0021*005010X222A2';

describe('999 detail for guide errors (837P)', () => {
  it('when the file conforms, then its set is accepted with no IK3', async () => {
    expect(await setAck(DEMO)).toEqual([AK2, 'IK5*A']);
  });

  it('when a code is outside its list (CLM06 Q), then IK3 names CLM in 2300 with 8 and IK4 CLM06 (1073) code 7 with the value', async () => {
    expect(await setAck(mutated(DEMO, '*11:B:1*Y*A*', '*11:B:1*Q*A*'))).toEqual([AK2, 'IK3*CLM*26*2300*8', 'CTX*CLM01:26463774', 'IK4*6*1073*7*Q', 'IK5*R*5']);
  });

  it('when a not-used element is present (CLM03), then IK4 says I10 and IK502 is I5 (an implementation error)', async () => {
    expect(await setAck(mutated(DEMO, 'CLM*26463774*100***', 'CLM*26463774*100*X**'))).toEqual([AK2, 'IK3*CLM*26*2300*8', 'CTX*CLM01:26463774', 'IK4*3*1032*I10*X', 'IK5*R*I5']);
  });

  it('when a required segment is missing (PER of 1000A), then IK3 names PER with code 3 at the position of the segment that came in its place', async () => {
    // ST BHT NM1*41 (PER) NM1*40: the NM1*40 now at 4; 1000A does not fit IK303 (1-4 characters)
    expect(await setAck(mutated(DEMO, 'PER*IC*JERRY*TE*3055552222*EX*231~\n', ''))).toEqual([AK2, 'IK3*PER*4**3', 'IK5*R*5']);
  });

  it('when a required loop is missing (2400 of a claim), then IK3 names its first segment LX with IK303 2400 and code 3', async () => {
    const noLines = mutated(DEMO, DEMO.slice(DEMO.indexOf('LX*1~'), DEMO.indexOf('SE*')), '');
    // CLM REF HI, then the SE at 29: the 2300 closes there without its required 2400
    expect(await setAck(noLines)).toEqual([AK2, 'IK3*LX*29*2400*3', 'IK5*R*5']);
  });

  it('when a required element is missing (NM103 of 1000A), then IK4 says 1 without a value', async () => {
    expect(await setAck(mutated(DEMO, 'NM1*41*2*PREMIER BILLING SERVICE*', 'NM1*41*2**'))).toEqual([AK2, 'IK3*NM1*3**8', 'IK4*3*1035*1', 'IK5*R*5']);
  });

  it('when an element is too long (CLM01 of 39), then IK4 says 5', async () => {
    const long = '1'.repeat(39);
    expect(await setAck(mutated(DEMO, 'CLM*26463774*', `CLM*${long}*`))).toEqual([AK2, 'IK3*CLM*26*2300*8', `CTX*CLM01:${long.slice(0, 35)}`, `IK4*1*1028*5*${long}`, 'IK5*R*5']);
  });

  it('when a segment the guide does not know comes (ZZZ), then IK3 says 1 (unrecognized segment ID)', async () => {
    expect(await setAck(mutated(DEMO, 'PAT*19~', 'PAT*19~\nZZZ*1~'))).toEqual([AK2, 'IK3*ZZZ*22**1', 'IK5*R*5']);
  });

  it('when a segment exceeds its maximum use (DMG twice in 2010CA), then IK3 says 5', async () => {
    expect(await setAck(mutated(DEMO, 'DMG*D8*19730501*M~', 'DMG*D8*19730501*M~\nDMG*D8*19730501*M~'))).toEqual([AK2, 'IK3*DMG*26**5', 'IK5*R*5']);
  });

  it('when a loop occurs over its maximum (a second 2010AA), then IK3 says 4', async () => {
    const twice = mutated(DEMO, 'NM1*85*2*BEN KILDARE SERVICE*****XX*1912301953~', 'NM1*85*2*BEN KILDARE SERVICE*****XX*1912301953~\nNM1*85*2*BEN KILDARE SERVICE*****XX*1912301953~');
    expect(await setAck(twice)).toContainEqual('IK3*NM1*9**4');
  });

  it('when a set has more bad segments than the cap, then the 999 carries the first 100 IK3 and still rejects the set', async () => {
    const lines = DEMO.slice(DEMO.indexOf('LX*1~'), DEMO.indexOf('SE*'));
    const many = mutated(DEMO, lines, `${lines}${'ZZZ*1~\n'.repeat(150)}`);
    const ack = await setAck(many);
    expect(ack.filter((s) => s.startsWith('IK3*'))).toHaveLength(100);
    expect(ack[ack.length - 1]).toBe('IK5*R*5');
    expect(parseX12(generateAcks(await reportBy(many, 'validator'), { controlNumbers: sequentialControlNumbers(1), clock: CLOCK }).ack999!)).toHaveLength(1);
  });

  it('when a date does not fit its format qualifier (DTP*472*D8 with month 13), then IK4 says 8 on DTP03 (1251)', async () => {
    expect(await setAck(mutated(DEMO, 'DTP*472*D8*20061003~\nLX*2', 'DTP*472*D8*20061345~\nLX*2'))).toEqual([AK2, 'IK3*DTP*31*2400*8', 'CTX*CLM01:26463774', 'IK4*3*1251*8*20061345', 'IK5*R*5']);
    // RD8 (which 2400 DTP*472 allows) is a range of two dates
    expect(await setAck(mutated(DEMO, 'DTP*472*D8*20061003~\nLX*2', 'DTP*472*RD8*20061003-20061004~\nLX*2'))).toEqual([AK2, 'IK5*A']);
    expect(await setAck(mutated(DEMO, 'DTP*472*D8*20061003~\nLX*2', 'DTP*472*RD8*20061003-2006100~\nLX*2'))).toEqual([AK2, 'IK3*DTP*31*2400*8', 'CTX*CLM01:26463774', 'IK4*3*1251*8*20061003-2006100', 'IK5*R*5']);
  });

  it('when an element holds a control character, then IK4 says 6 (invalid character) and the copied value leaves it out', async () => {
    expect(await setAck(mutated(DEMO, 'N3*236 N MAIN ST~', 'N3*236 N\x01MAIN ST~'))).toEqual([AK2, 'IK3*N3*23**8', 'IK4*1*166*6*236 NMAIN ST', 'IK5*R*5']);
  });

  it('when a segment or an element ends with a separator, then the report warns where, and the set is still accepted (the 5010 999 has no code for it)', async () => {
    const text = mutated(mutated(DEMO, 'NM1*87*2~', 'NM1*87*2*~'), 'SV1*HC:99213*', 'SV1*HC:99213:*');
    expect(await setAck(text)).toEqual([AK2, 'IK5*A']);
    const warnings = (await reportBy(text, 'documents')).interchanges[0].groups[0].transactions[0].issues;
    expect(warnings.map((i) => [i.severity, i.code, i.segment?.position, i.message])).toEqual([
      ['warning', 'TRAILING_SEPARATOR', 12, 'NM103 in loop 2010AB: trailing element separator'],
      ['warning', 'TRAILING_SEPARATOR', 30, 'SV101 in loop 2400: trailing component separator'],
    ]);
  });

  it('when errors are in two claims, then each IK3 is followed by the CTX naming its claim (CLM01); an error outside claims has none', async () => {
    // the demo's claim twice for the patient, the second with its own id; CLM06 Q in both, and NM103 of 1000A missing
    const claim = DEMO.slice(DEMO.indexOf('CLM*'), DEMO.indexOf('SE*'));
    const two = mutated(DEMO, claim, claim + claim.replace('CLM*26463774*', 'CLM*26463775*')).replace(/\*11:B:1\*Y\*A\*/g, '*11:B:1*Q*A*');
    const ack = await setAck(mutated(two, 'NM1*41*2*PREMIER BILLING SERVICE*', 'NM1*41*2**'));
    expect(ack.filter((l) => /^(IK3|CTX)/.test(l))).toEqual(['IK3*NM1*3**8', 'IK3*CLM*26*2300*8', 'CTX*CLM01:26463774', 'IK3*CLM*41*2300*8', 'CTX*CLM01:26463775']);
  });

  it('when a lenient partner accepts guide errors, then the 999 says E and still notes each segment and element', async () => {
    const text = mutated(DEMO, '*11:B:1*Y*A*', '*11:B:1*Q*A*');
    const builder = new ReportBuilder({ validators: [guideValidator()], warnOnly: ['GUIDE_*'] });
    for await (const e of readX12([Buffer.from(text, 'latin1')])) builder.add(e);
    const ack = generateAcks(builder.report(), { controlNumbers: sequentialControlNumbers(1), clock: CLOCK, lineBreak: '' }).ack999!;
    expect(ack).toContain('IK3*CLM*26*2300*8~CTX*CLM01:26463774~IK4*6*1073*7*Q~IK5*E*5~AK9*E*1*1*1~');
  });
});
