/**
 * The 4010 guides (legacy partners): how a set finds its guide (ST03, GS08 with errata aliases,
 * then the set id under ISA12 00401) or why none fits; that each 4010 definition, document and
 * schema says legacy; the 997 (AK3/AK4) for mutated copies of 4010 corpus files; 4010 837s split
 * per claim and judged claim by claim without a 277CA; and seeded mutations of every 4010 set.
 * (corpus.test.ts translates, checks the schema and round-trips every valid 4010 corpus file.)
 */
import { generateAcks, parseX12, parseX12Document, sequentialControlNumbers, validate } from '@ediflow/x12';
import { SUPPORTED_GUIDES, documentsFor, guideDefinition, guideValidator, lookupGuide, schemaFor, toX12, type GuideLookupSet, type SemanticDocument } from '@ediflow/hipaa';
import { documentsOf, readCorpus, readOwn, rebuiltBytes, transactions, type Tx } from '../corpus';
import { legacyMutants, legacySources } from '../mutations';

const clock = (): Date => new Date('2026-02-03T04:05:00Z');
const LEGACY = SUPPORTED_GUIDES.filter((g) => guideDefinition(g).legacy === true);

/** The 997 of a file (guide checks on), as lines without the envelope. */
function ack997(bytes: Buffer): string[] {
  const report = validate(parseX12(bytes), { validators: [guideValidator()] });
  const acks = generateAcks(report, { controlNumbers: sequentialControlNumbers(1), clock });
  expect(acks.ack999).toBeUndefined();
  return (acks.ack997 ?? '').split('~').map((l) => l.trim()).filter((l) => /^(AK[2-59])\*/.test(l));
}

/** What lookupGuide reads of a set with no segments (no 278 among these). */
const lookupSet = (setId: string, implementationRef: string): GuideLookupSet => ({ setId, implementationRef, bytes: Buffer.alloc(0), delimiters: { element: '*', component: ':', repetition: '^', segment: '~' } });

const first = (path: string): Tx => transactions(path.startsWith('4010/') ? readOwn(path) : readCorpus(path), '4010')[0];

describe('4010 guide lookup', () => {
  it.each([
    ['837', '', '004010X098A1', '00401', '004010X098A1'],
    ['837', '', '004010X098', '00401', '004010X098A1'],
    ['837', '', '004010X096', '00501', '004010X096A1'],
    ['837', '', '004010X097A1', '00401', '004010X097A1'],
    ['835', '', '004010X091', '00401', '004010X091A1'],
    ['271', '', '004010X092', '00401', '004010X092A1-271'],
    ['270', '', '004010X092A1', '00401', '004010X092A1-270'],
    ['276', '', '004010X093A1', '00401', '004010X093A1-276'],
    ['277', '', '004010X093', '00401', '004010X093A1-277'],
    ['834', '', '004010', '00401', '004010X095A1'],
    ['835', '', '00401', '00401', '004010X091A1'],
    ['837', '005010X222A1', '004010X098A1', '00501', '005010X222A1'],
  ])('when ST01 %s, ST03 %p, GS08 %s, ISA12 %s, then the guide is %s', (setId, st03, gs08, isa12, guide) => {
    expect(lookupGuide(lookupSet(setId, st03), gs08, isa12)).toEqual({ guide });
  });

  it.each([
    ['837', '004010', '00401', "837 under ISA12 00401 with GS08 '004010' could be 004010X098A1, 004010X096A1, 004010X097A1: GS08 must name the guide"],
    ['837', '', '00401', "837 under ISA12 00401 with GS08 '' could be 004010X098A1, 004010X096A1, 004010X097A1: GS08 must name the guide"],
    ['820', '005010', '00501', "no supported guide is named by ST03/GS08 '005010' for transaction set 820"],
    ['835', '005010', '00501', "no supported guide is named by ST03/GS08 '005010' for transaction set 835"],
    ['278', '004010X094A1', '00401', "no supported guide is named by ST03/GS08 '004010X094A1' for transaction set 278"],
    ['835', '004010X098A1', '00401', "'004010X098A1' is a guide of 837, not of transaction set 835"],
  ])('when ST01 %s comes under GS08 %p and ISA12 %s, then no guide fits and the reason says why', (setId, gs08, isa12, reason) => {
    expect(lookupGuide(lookupSet(setId, ''), gs08, isa12)).toEqual({ guide: undefined, reason });
  });

  it('when a 4010 837 whose GS08 names no guide is translated, then its generic document and the result say why', () => {
    const [t] = transactions(readCorpus('837P/pyx12hist__simple_837p.txt'));
    const bytes = rebuiltBytes(t, () => undefined).toString('latin1').replace('*X*004010X098A1', '*X*004010');
    const ic = parseX12(Buffer.from(bytes, 'latin1'))[0];
    const r = documentsFor(ic.groups[0].transactions[0], { interchange: ic, group: ic.groups[0] });
    const reason = "837 under ISA12 00401 with GS08 '004010' could be 004010X098A1, 004010X096A1, 004010X097A1: GS08 must name the guide";
    expect(r.guide).toBeUndefined();
    expect(r.guideReason).toBe(reason);
    expect(JSON.parse(r.documents[0].bytes.toString('utf8'))).toMatchObject({ transactionSet: '837', implementationGuide: '004010', guideReason: reason });
  });
});

describe('4010 guides marked legacy', () => {
  it('when the guides are listed, then the nine 4010 guides are there, and each definition and schema says legacy', () => {
    expect(LEGACY).toEqual(['004010X098A1', '004010X096A1', '004010X097A1', '004010X091A1', '004010X092A1-270', '004010X092A1-271', '004010X093A1-276', '004010X093A1-277', '004010X095A1']);
    for (const g of LEGACY) {
      const schema = schemaFor(g) as { required: string[]; properties: Record<string, unknown>; description: string };
      expect(schema.required).toContain('legacy');
      expect(schema.properties.legacy).toEqual({ const: true, description: 'a 4010 guide (legacy partners)' });
      expect(schema.description).toMatch(/^A 4010 guide, kept for legacy partners/);
    }
    for (const g of SUPPORTED_GUIDES.filter((x) => !LEGACY.includes(x))) expect((schemaFor(g) as { required: string[] }).required).not.toContain('legacy');
  });

  it('when the 4010 corpus files and fixtures are read, then their sets take every 4010 guide and every document says legacy', () => {
    const sources = legacySources();
    const guides = new Set<string>();
    for (const t of sources) {
      const doc = documentsOf(t)[0];
      guides.add(doc.guide);
      expect(doc.legacy).toBe(true);
    }
    // the corpus has no 4010 837D, 277 or 834: test/fixtures/4010 has one each
    expect([...guides].sort()).toEqual([...LEGACY].sort());
  });
});

describe('997 for mutated copies of 4010 corpus files', () => {
  // what the copy's 997 says besides what the file's own 997 says (the file's own findings, e.g. 837 claims that do not balance, stay);
  // an amount that does not balance (IK403 I12 in a 999) is AK403 7 in the 997 (shared/x12 codes.ts)
  it.each([
    ['837P/pyx12hist__simple_837p.txt', 'SBR01 of the subscriber out of its list', (segs: string[][]) => { segs.find((s) => s[0] === 'SBR')![1] = 'Q'; },
      ['AK3*SBR*13**8', 'AK4*1*1138*7*Q'], 'AK5*R*5'],
    ['837I/pyx12hist__ordinal.txt', 'the claim (CLM) without its claim id', (segs: string[][]) => { segs.find((s) => s[0] === 'CLM')![1] = ''; },
      ['AK3*CLM*22*2300*8', 'AK4*1*1028*1'], 'AK5*R*5'],
    ['835/pyx12hist__835_simple.txt', 'a claim charge (CLP03) that is no number', (segs: string[][]) => { segs.find((s) => s[0] === 'CLP')![3] = '3O0'; },
      ['AK3*CLP*12*2100*8', 'AK4*3*782*6*3O0', 'AK4*4*782*7'], 'AK5*R*5'],
    ['270/pyx12hist__repeat_init_seg.txt', 'the information source name (2100A NM1) left out', (segs: string[][]) => { segs.splice(segs.findIndex((s) => s[0] === 'NM1'), 1); },
      ['AK3*NM1*4**3'], 'AK5*R*4*5'],
    ['271/tigershark__271-example-dependent-rejection.txt', 'a DMG date that is no date', (segs: string[][]) => { segs.find((s) => s[0] === 'DMG')![2] = '20110231'; },
      ['AK3*DMG*19**8', 'AK4*2*1251*8*20110231'], 'AK5*R*5'],
    ['276/tigershark__TEST 276 TXNs.txt', 'a segment the guide does not know', (segs: string[][]) => { segs.splice(3, 0, ['ZZZ', '1']); },
      ['AK3*ZZZ*5**1'], 'AK5*R*4*5'],
    ['4010/claim-status-response.x12', 'a claim status (STC) with no status date', (segs: string[][]) => { segs.find((s) => s[0] === 'STC')![2] = ''; },
      ['AK3*STC*12**8', 'AK4*2*373*1'], 'AK5*R*5'],
    ['4010/enrollment-add.x12', 'a member (INS01) neither subscriber nor not', (segs: string[][]) => { segs.find((s) => s[0] === 'INS')![1] = 'X'; },
      ['AK3*INS*5*2000*8', 'AK4*1*1073*7*X'], 'AK5*R*5'],
    ['4010/dental-two-claims.x12', 'a dental line (SV3) without its charge (its claim then does not balance either)', (segs: string[][]) => { segs.find((s) => s[0] === 'SV3')![2] = ''; },
      ['AK3*CLM*15*2300*8', 'AK4*2*782*7', 'AK3*SV3*17*2400*8', 'AK4*2*782*1'], 'AK5*R*5'],
  ])('when %s has %s, then its 997 names the segment and element (AK3/AK4) and rejects the set', (path, _what, mutate, added, ak5) => {
    const t = first(path);
    const before = ack997(rebuiltBytes(t, () => undefined));
    const after = ack997(rebuiltBytes(t, mutate));
    expect(after.filter((l) => /^AK[34]\*/.test(l) && !before.includes(l))).toEqual(added);
    expect(before.filter((l) => /^AK[34]\*/.test(l) && !after.includes(l))).toEqual([]);
    expect(after.find((l) => l.startsWith('AK5*'))).toBe(ak5);
  });
});

describe('4010 837 claims', () => {
  const t = first('837P/pyx12hist__simple_837p.txt');

  it('when a 4010 837P is split per claim, then each claim (2300) is a document of its own with its CLM01', () => {
    const docs = documentsOf(t, { split: 'claim' });
    expect(docs.map((d) => [d.guide, d.split?.claimId, d.split?.index, d.split?.count, d.key.claimId])).toEqual([
      ['004010X098A1', '3215338', 1, 2, '3215338'],
      ['004010X098A1', '5555', 2, 2, '5555'],
    ]);
  });

  it('when a lenient partner that wants the 277CA sends a 4010 837, then each claim is judged by its own errors and no 277CA is made', () => {
    const ctx = { interchange: t.ic, group: t.group, transactionIndex: t.index };
    const r = documentsFor(t.tx, ctx, { lenient: true, split: 'claim', acknowledgments: ['277CA'] });
    // each claim's charge (21) is not the sum of its lines (21 + 21): CLM02 does not balance in both
    expect(r.decisions?.map((d) => [d.claimId, d.accepted, d.issues.map((i) => i.code)])).toEqual([
      ['3215338', false, ['GUIDE_BALANCE']],
      ['5555', false, ['GUIDE_BALANCE']],
    ]);
    expect(r.ack277).toBeUndefined();
    expect(r.verdict.ack).toBe('E');
  });
});

describe('seeded mutations of the 4010 sets', () => {
  it('when each is read, checked, translated both ways and acknowledged, then nothing throws and every 997 reads back without errors', () => {
    const mutants = legacyMutants(legacySources());
    let sets = 0;
    for (const m of mutants) {
      for (const t of transactions(m.bytes, '4010')) {
        sets++;
        const ctx = { interchange: t.ic, group: t.group, transactionIndex: t.index };
        const r = documentsFor(t.tx, ctx, { acknowledgments: ['277CA'] });
        expect({ name: m.name, ack277: r.ack277 }).toEqual({ name: m.name, ack277: undefined });
        documentsFor(t.tx, ctx, { split: 'claim', lenient: true });
        toX12(JSON.parse(r.documents[0].bytes.toString('utf8')) as SemanticDocument, { controlNumbers: sequentialControlNumbers(1), clock });
        const acks = generateAcks(validate([t.ic], { validators: [guideValidator()] }), { controlNumbers: sequentialControlNumbers(1), clock });
        const back = validate(parseX12Document(acks.ack997 as string));
        expect({ name: m.name, errors: back.errorCount }).toEqual({ name: m.name, errors: 0 });
      }
    }
    expect(sets).toBeGreaterThan(mutants.length * 0.9);
  });
});
