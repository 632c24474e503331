// Facts from the corpus: EXPECTED.tsv (envelope facts) and the envelope/syntax-level errors of the
// invalid files in MANIFEST.tsv.
import { X12FormatError, generateAcks, parseX12, parseX12Document, sequentialControlNumbers, validate } from '@ediflow/x12';
import type { Interchange, X12Issue } from '@ediflow/x12';
import { corpusFile } from '../corpus';

const parse = (path: string): Interchange[] => parseX12(corpusFile(path));
const allIssues = (ics: Interchange[]): X12Issue[] =>
  ics.flatMap((ic) => [...ic.issues, ...ic.groups.flatMap((g) => [...g.issues, ...g.transactions.flatMap((t) => t.issues)])]);
const acksOf = (path: string): ReturnType<typeof generateAcks> =>
  generateAcks(validate(parseX12Document(corpusFile(path))), { controlNumbers: sequentialControlNumbers(1), clock: () => new Date('2024-03-04T05:06:07Z') });
const lines = (text: string | undefined, ...ids: string[]): string[] => (text ?? '').split('~\n').filter((l) => ids.includes(l.split('*')[0]));

describe('EXPECTED.tsv envelope facts', () => {
  it('when x12_complex is read, then ISA09 / IEA02 are 030101 / 000000905', () => {
    const [ic] = parse('837P/imsweb__x12_complex.txt');
    expect(ic.header.date).toBe('030101');
    expect(ic.iea!.element(2)).toBe('000000905');
  });

  it('when x12_many_claims is read, then SE01 is 25 (and the engine reports it does not match the real count)', () => {
    const tx = parse('837P/imsweb__x12_many_claims.txt')[0].groups[0].transactions[0];
    expect(tx.se!.element(1)).toBe('25');
    expect(tx.issues.map((i) => i.transactionCode)).toEqual(['4']);
    expect(tx.segments.filter((s) => s.id === 'HL' && s.element(3) === '20')).toHaveLength(410);
  });

  it('when empty997 is read, then GS08 / ST03 / ST01 are 005010 / 005010X230 / 997', () => {
    const g = parse('997/staedi__empty997.edi')[0].groups[0];
    expect(g.version).toBe('005010');
    expect(g.transactions[0].implementationRef).toBe('005010X230');
    expect(g.transactions[0].setId).toBe('997');
  });

  it('when simple997-multiple-interchanges is read, then there are 3 interchanges', () => {
    expect(parse('997/staedi__simple997-multiple-interchanges.edi')).toHaveLength(3);
  });

  it('when the imsweb 999 files are read, then IK501 is A and R', () => {
    const ik501 = (path: string): string => parse(path)[0].groups[0].transactions[0].segments.find((s) => s.id === 'IK5')!.element(1);
    expect(ik501('999/imsweb__x12_999_accepted.txt')).toBe('A');
    expect(ik501('999/imsweb__x12_999_rejected.txt')).toBe('R');
  });

  it('when the kartik 270 files are read, then delimiters and ISA08 are as asserted', () => {
    const [a] = parse('270/kartik__270_realtime_single.x12');
    expect(a.delimiters).toEqual({ element: '*', segment: '~', component: ':', repetition: '^' });
    expect(a.header.receiverId).toBe('DCMEDICAID');
    const [b] = parse('270/kartik__270_custom_delimiters.x12');
    expect(b.delimiters).toEqual({ element: '|', segment: '!', component: ':', repetition: '~' });
  });

  it('when Issue88 (UTF-8 BOM) is read, then IEA01 is 1', () => {
    const [ic] = parse('271/indice__x12.Issue88.edi');
    expect(ic.bom).toBe(true);
    expect(ic.iea!.element(1)).toBe('1');
  });

  it('when 277CA_rejected is read, then the STC01 components are A7:562:85', () => {
    const tx = parse('277CA/imsweb__x12_277CA_rejected.txt')[0].groups[0].transactions[0];
    const stcs = tx.segments.filter((s) => s.id === 'STC');
    // the last STC is the claim-level (2200D) one
    expect(stcs[stcs.length - 1].components(1)).toEqual(['A7', '562', '85']);
  });

  it('when the different-separators file is read, then it has the same elements as with standard separators', () => {
    const tx = parse('837P/imsweb__x12_valid_different_separators.txt')[0].groups[0].transactions[0];
    expect(tx.segments.find((s) => s.id === 'CLM')!.element(1)).toBe('A37YH556');
  });

  it('when 271.edi (node-x12) is read, then ST has three elements', () => {
    const tx = parse('271/nodex12__271.edi')[0].groups[0].transactions[0];
    expect(tx.st.elementCount).toBe(3);
  });

  it('when 275 with BIN is read, then BIN01 is 2768', () => {
    const tx = parse('275/staedi__sample275_with_HL7_valid_BIN01.edi')[0].groups[0].transactions[0];
    expect(tx.segments.find((s) => s.id === 'BIN')!.element(1)).toBe('2768');
  });
});

describe('invalid corpus files: envelope and syntax level', () => {
  it('when trailer_errors is validated, then TA1 R 018, AK5 R 4 and AK9 R 2 2 1 4 come out (as pyx12 expects)', () => {
    const acks = acksOf('837I/pyx12hist__trailer_errors.txt');
    expect(lines(acks.ta1, 'TA1')).toEqual(['TA1*000484950*040820*1133*R*018']);
    expect(lines(acks.ack997, 'AK5', 'AK9')).toEqual(['AK5*R*4', 'AK5*A', 'AK9*R*2*2*1*4']);
  });

  it('when ele is validated, then TA1 R 015 and AK5 R with codes 3 and 7 come out', () => {
    const acks = acksOf('837I/pyx12hist__ele.txt');
    // TA103 echoes ISA10 only when it is a valid time: 3339 is not, so 0000 stands in (the TA1 stays valid X12)
    expect(lines(acks.ta1, 'TA1')).toEqual(['TA1*000484889*040709*0000*R*015']);
    const ak5 = lines(acks.ack997, 'AK5')[0].split('*');
    expect(ak5.slice(0, 2)).toEqual(['AK5', 'R']);
    expect(ak5).toEqual(expect.arrayContaining(['3', '7']));
    expect(lines(acks.ack997, 'AK9')).toEqual(['AK9*R*1*1*0']);
  });

  it('when fail_no_IEA is validated, then TA1 R 023 and AK5 R 4 come out', () => {
    const acks = acksOf('837P/pyx12hist__fail_no_IEA.txt');
    expect(lines(acks.ta1, 'TA1')).toEqual(['TA1*000010121*030828*1128*R*023']);
    expect(lines(acks.ack997, 'AK5', 'AK9')).toEqual(['AK5*R*4', 'AK9*R*1*1*0']);
  });

  it('when bad-header is validated, then the malformed ISA fields, GS fields and GS06/GE02 syntax are reported', () => {
    const [ic] = parse('837I/vscodex12__bad-header.edi');
    const isa = ic.issues.filter((i) => i.code === 'ISA_FIELD_INVALID').map((i) => [i.element!.position, i.ta1Note]);
    expect(isa).toEqual(expect.arrayContaining([[6, '006'], [8, '008'], [9, '014'], [13, '018']]));
    const g = ic.groups[0];
    expect(g.issues.filter((i) => i.code === 'GS_FIELD_INVALID').map((i) => i.element!.position)).toEqual(expect.arrayContaining([2, 3, 4, 6]));
    expect(g.issues.some((i) => i.groupCode === '6')).toBe(true);
  });

  it('when x12_bad_first_line (ISA02 one byte short) is validated, then ISA02 and the 106-byte width are reported with TA1 011', () => {
    const [ic] = parse('837P/imsweb__x12_bad_first_line.txt');
    expect(ic.issues.find((i) => i.code === 'ISA_FIELD_INVALID')).toMatchObject({ ta1Note: '011', element: { position: 2, syntaxCode: '4' }, offset: 7 });
    expect(ic.issues.some((i) => i.code === 'ISA_NOT_FIXED_WIDTH')).toBe(true);
    expect(validate([ic]).interchanges[0].ta1).toEqual({ ack: 'R', note: '011' });
  });

  it('when x12_no_isa_line is read, then it is rejected as not X12 at byte 0', () => {
    expect(() => parse('837P/imsweb__x12_no_isa_line.txt')).toThrow(X12FormatError);
    try {
      parse('837P/imsweb__x12_no_isa_line.txt');
    } catch (e) {
      expect((e as X12FormatError).code).toBe('X12_NOT_X12');
      expect((e as X12FormatError).offset).toBe(0);
    }
  });

  it('when invalid997_min is validated, then GS04 date, GS05 time, GE02 length/characters and GE02/GS06 mismatch are reported', () => {
    const g = parse('997/staedi__invalid997_min.edi')[0].groups[0];
    const found = g.issues.map((i) => `${i.code}:${i.element?.position ?? ''}:${i.element?.syntaxCode ?? i.groupCode}`);
    expect(found).toEqual(expect.arrayContaining(['GS_FIELD_INVALID:4:8', 'GS_FIELD_INVALID:5:9', 'GE_FIELD_INVALID:2:5', 'GE_FIELD_INVALID:2:6', 'GE_CONTROL_MISMATCH::4']));
    const ak1 = validate(parseX12Document(corpusFile('997/staedi__invalid997_min.edi'))).interchanges[0].groups[0].transactions[0].issues;
    expect(ak1.find((i) => i.segment?.id === 'AK1')).toMatchObject({ segment: { position: 2 }, element: { position: 1, syntaxCode: '5' } });
  });

  it('when invalid997 is validated, then AK402 is too long and not numeric (IK3 at position 5, IK4 at 2)', () => {
    const report = validate(parseX12Document(corpusFile('997/staedi__invalid997.edi')));
    const issues = report.interchanges[0].groups[0].transactions[0].issues;
    const ak4 = issues.filter((i) => i.segment?.id === 'AK4').map((i) => [i.segment!.position, i.element!.position, i.element!.syntaxCode]);
    expect(ak4).toEqual([[5, 2, '6'], [5, 2, '5']]);
    expect(lines(acksOf('997/staedi__invalid997.edi').ack999, 'IK3', 'IK4')).toEqual(['IK3*AK1*2**8', 'IK4*1*479*5*HC NOT IN CODESET', 'IK3*AK4*5**8', 'IK4*2*725*6*66 NON NUMERIC', 'IK4*2*725*5*66 NON NUMERIC']);
  });

  it('when extraDelimiter997 is validated, then repetitions, components and code values of AK302/AK304/AK404 are reported', () => {
    const issues = validate(parseX12Document(corpusFile('997/staedi__extraDelimiter997.edi'))).interchanges[0].groups[0].transactions[0].issues;
    const ak3 = issues.filter((i) => i.segment?.id === 'AK3').map((i) => `${i.element!.position}.${i.element!.repetition ?? ''}:${i.element!.syntaxCode}`);
    expect(ak3).toEqual(expect.arrayContaining(['2.1:6', '2.2:12', '2.3:12', '2.3:13', '4.1:5', '4.1:7', '4.2:12', '4.3:12']));
  });

  it('when invalid999 is validated, then AK101 too long, AK204/AK205 too many elements and IK501 invalid code are reported', () => {
    const issues = validate(parseX12Document(corpusFile('999/staedi__invalid999.edi'))).interchanges[0].groups[0].transactions[0].issues;
    const found = issues.filter((i) => i.element !== undefined).map((i) => `${i.segment!.id}@${i.segment!.position}:${i.element!.position}:${i.element!.syntaxCode}`);
    expect(found).toEqual(expect.arrayContaining(['AK1@3:1:5', 'AK2@4:4:3', 'AK2@4:5:3', 'IK5@5:1:7']));
  });

  it('when every invalid file is validated, then none is reported clean (errors are found, either here or by the guide validators)', () => {
    const envelopeOrSyntax = [
      '837I/pyx12hist__ele.txt', '837I/pyx12hist__trailer_errors.txt', '837P/pyx12hist__fail_no_IEA.txt', '837I/vscodex12__bad-header.edi',
      '837P/imsweb__x12_bad_first_line.txt', '997/staedi__invalid997_min.edi', '997/staedi__invalid997.edi', '997/staedi__extraDelimiter997.edi', '999/staedi__invalid999.edi',
    ];
    for (const path of envelopeOrSyntax) expect({ path, valid: validate(parseX12Document(corpusFile(path))).valid }).toEqual({ path, valid: false });
    expect(allIssues(parse('837I/pyx12hist__trailer_errors.txt')).map((i) => i.code)).toEqual(expect.arrayContaining(['IEA_CONTROL_MISMATCH', 'IEA_COUNT_MISMATCH', 'GE_CONTROL_MISMATCH', 'SE_COUNT_MISMATCH']));
  });
});
