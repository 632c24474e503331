import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '@ediflow/cli';
import { parseX12 } from '@ediflow/x12';
import { capture, interchange, set } from '../helpers';

const FIXTURE = join(__dirname, '..', 'fixtures', 'lfh__demo.837');
/** The hipaa package's own fixtures (278: written from the X217 structure, invented data). */
const HIPAA_FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'hipaa', 'test', 'fixtures');

describe('edi translate and edi generate', () => {
  it('when an 837P is translated, then one loop-aware document is printed, and generate with new control numbers gives back the same set in a new envelope', async () => {
    const t = capture();
    expect(await runCli(['translate', FIXTURE], t.io)).toBe(0);
    const lines = t.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]) as { guide: string; controlNumber: string; transaction: Record<string, unknown> };
    expect(doc.guide).toBe('005010X222A1');
    expect(doc.controlNumber).toBe('0021');

    const g = capture({ stdin: t.out() });
    expect(await runCli(['generate', '--new-control-numbers', '--control-number', '21', '--now', '2024-01-02T03:04:00Z', '-'], g.io)).toBe(0);
    const original = parseX12(readFileSync(FIXTURE))[0].groups[0].transactions[0].segments.map((s) => s.raw);
    const [ic] = parseX12(g.out());
    expect(ic.groups[0].transactions[0].segments.map((s) => s.raw)).toEqual(original);
    expect(ic.iea?.element(1)).toBe('1');
    expect([ic.header.controlNumber, ic.header.date, ic.header.time, ic.groups[0].controlNumber, ic.groups[0].gs.element(4)]).toEqual(['000000021', '240102', '0304', '21', '20240102']);
    expect(await runCli(['generate', '--control-number', '21', '-'], capture({ stdin: t.out() }).io)).toBe(2);
  });

  it('when a 271 is translated, then its document follows the eligibility guide (EB03 repetitions as lists), and generate gives back the same segments', async () => {
    const path = join(__dirname, '..', 'fixtures', 'lfh__dependent-health-benefit-check.271');
    const t = capture();
    expect(await runCli(['translate', path], t.io)).toBe(0);
    const doc = JSON.parse(t.out().trim()) as { guide: string; transaction: { informationSources: { informationReceivers: { subscribers: { dependents: { dependent: { benefits: { benefit: { serviceTypeCode?: string[] } }[] } }[] }[] }[] }[] } };
    expect(doc.guide).toBe('005010X279A1-271');
    const benefits = doc.transaction.informationSources[0].informationReceivers[0].subscribers[0].dependents[0].dependent.benefits;
    expect(benefits.map((b) => b.benefit.serviceTypeCode)).toEqual([['30'], undefined, ['1', '33', '35', '47', '86', '88', '98', 'AL', 'MH', 'UC'], expect.any(Array), expect.any(Array)]);

    const g = capture({ stdin: t.out() });
    expect(await runCli(['generate', '-'], g.io)).toBe(0);
    const [original] = parseX12(readFileSync(path));
    const [ic] = parseX12(g.out());
    expect(ic.groups[0].transactions[0].segments.map((s) => s.raw)).toEqual(original.groups[0].transactions[0].segments.map((s) => s.raw));
    expect(ic.isa.raw).toBe(original.isa.raw);
  });

  it('when a 4010 837P is translated, then its document is the legacy guide\'s, split per claim gives one per CLM, and generate gives back the same segments in a 4010 interchange', async () => {
    const path = join(__dirname, '..', 'fixtures', 'pyx12hist__simple_837p.txt');
    const t = capture();
    // its two claims do not balance (CLM02 21, lines 21 + 21): the documents are printed, the errors go to stderr
    expect(await runCli(['translate', path], t.io)).toBe(1);
    expect(t.err()).toMatch(/^error ISA13 000001168 GS06 1167 ST02 1179 segment CLM #19 .* loop 2300 element CLM02 \[IK304 8 IK403 I12\] GUIDE_BALANCE: /);
    const doc = JSON.parse(t.out().trim()) as { guide: string; legacy: boolean; implementationRef: string };
    expect(doc).toMatchObject({ guide: '004010X098A1', legacy: true, implementationRef: '004010X098A1' });

    const split = capture();
    expect(await runCli(['translate', '--split', 'claim', '--no-validate', path], split.io)).toBe(0);
    expect(split.out().trim().split('\n').map((l) => (JSON.parse(l) as { split: { claimId: string } }).split.claimId)).toEqual(['3215338', '5555']);

    // the envelope the document carries, and new control numbers: both a 4010 interchange (ISA11 U, ISA12 00401)
    const original = parseX12(readFileSync(path))[0].groups[0].transactions[0].segments.map((s) => s.raw);
    for (const args of [[], ['--new-control-numbers', '--control-number', '1179', '--now', '2024-01-02T03:04:00Z']]) {
      const g = capture({ stdin: t.out() });
      expect(await runCli(['generate', ...args, '-'], g.io)).toBe(0);
      const [ic] = parseX12(g.out());
      expect(ic.header).toMatchObject({ version: '00401', standardsOrRepetition: 'U' });
      expect(ic.groups[0].version).toBe('004010X098A1');
      expect(ic.groups[0].transactions[0].segments.map((s) => s.raw)).toEqual(original);
    }
  });

  it.each([
    ['request-outpatient.x12', '005010X217-278-request', '13'],
    ['response-dependent-certified.x12', '005010X217-278-response', '11'],
  ])('when the 278 %s is translated, then BHT02 picks %s, and generate gives back the same segments', async (file, guide, purpose) => {
    const path = join(HIPAA_FIXTURES, '278', file);
    const t = capture();
    expect(await runCli(['translate', path], t.io)).toBe(0);
    expect(t.err()).toBe('');
    const doc = JSON.parse(t.out().trim()) as { guide: string; transaction: { beginningOfHierarchicalTransaction: { transactionSetPurposeCode: string }; utilizationManagementOrganization: { source: { loop: string } } } };
    expect(doc.guide).toBe(guide);
    expect(doc.transaction.beginningOfHierarchicalTransaction.transactionSetPurposeCode).toBe(purpose);
    expect(doc.transaction.utilizationManagementOrganization.source.loop).toBe('2000A');

    const g = capture({ stdin: t.out() });
    expect(await runCli(['generate', '-'], g.io)).toBe(0);
    const [sent] = parseX12(readFileSync(path));
    const [ic] = parseX12(g.out());
    expect(ic.groups[0].transactions[0].segments.map((s) => s.raw)).toEqual(sent.groups[0].transactions[0].segments.map((s) => s.raw));
    expect([ic.isa.raw, ic.groups[0].gs.raw]).toEqual([sent.isa.raw, sent.groups[0].gs.raw]);
  });

  it('when a 278 says BHT02 08, which selects neither X217 guide, then its generic document and stderr say why', async () => {
    const c = capture();
    const text = readFileSync(join(HIPAA_FIXTURES, '278', 'response-dependent-certified.x12'), 'latin1').replace('BHT*0007*11*', 'BHT*0007*08*');
    const io = { ...c.io, stdin: Readable.from([Buffer.from(text, 'latin1')]) };
    expect(await runCli(['translate', '-'], io)).toBe(0);
    const reason = "278 under 005010X217: BHT02 '08' selects no guide; BHT02 must be one of 005010X217-278-request (01, 13, 36) or 005010X217-278-response (11)";
    const doc = JSON.parse(c.out().trim()) as { guide?: string; guideReason: string; segments: unknown[] };
    expect(doc.guide).toBeUndefined();
    expect(doc.guideReason).toBe(reason);
    expect(doc.segments).toHaveLength(30);
    expect(c.err()).toBe(`note: set 1 (ST02 0001) read as generic segments: ${reason}\n`);
  });

  it('when many sets are read as generic segments for one reason, then stderr notes the first and counts the others', async () => {
    const sets = ['0001', '0002', '0003'].map((n) => `ST*850*${n}~\nBEG*00*SA*PO${n}**20240101~\nSE*3*${n}~\n`);
    const c = capture({ stdin: interchange(sets).replace('005010X222A1', '005010') });
    expect(await runCli(['translate', '--no-validate', '-'], c.io)).toBe(0);
    expect(c.out().trim().split('\n')).toHaveLength(3);
    const lines = c.err().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^note: set 1 \(ST02 0001\) read as generic segments: .*850/);
    expect(lines[1]).toBe(`note: 2 more sets read as generic segments: ${lines[0].slice(lines[0].indexOf(': ', 6) + 2)}`);
  });

  it('when a set breaks the guide, then the document is still printed, the errors go to stderr without values, and the exit is 1', async () => {
    const c = capture();
    const path = join(__dirname, '..', 'fixtures', 'lfh__demo.837');
    const broken = readFileSync(path, 'latin1').replace(/CLM\*([^*]+)\*/, 'CLM*$1*ABC*');
    const io = { ...c.io, stdin: Readable.from([Buffer.from(broken, 'latin1')]) };
    expect(await runCli(['translate', '-'], io)).toBe(1);
    expect(c.out().trim().split('\n')).toHaveLength(1);
    expect(c.err()).toMatch(/^error ISA13 000000907 GS06 1 ST02 0021 segment CLM #26 \(file segment 28, byte \d+\) loop 2300 element CLM02 \[IK304 8 IK403 6\] GUIDE_ELEMENT: /);
    expect(c.err()).not.toContain('ABC');
  });

  it('when a set is of no known guide or the split is bad, then its envelope context and segments are printed or the usage error exits 2', async () => {
    const c = capture();
    const text = interchange([set('0001')]).replace(/ST\*837\*0001\*005010X222A1/, 'ST*850*0001').replace('*X*005010X222A1', '*X*005010');
    const io = { ...c.io, stdin: Readable.from([Buffer.from(text)]) };
    expect(await runCli(['translate', '--no-validate', '-'], io)).toBe(0);
    const doc = JSON.parse(c.out().trim()) as { segments: unknown[] };
    expect(doc).toMatchObject({ segmentsVersion: 2, transactionSet: '850', controlNumber: '0001', interchange: { controlNumber: '000000001' }, source: { firstSegment: 1 } });
    expect(doc.segments[0]).toEqual({ id: 'ST', position: 1, elements: ['850', '0001'] });
    expect(await runCli(['translate', '--split', 'loop', FIXTURE], capture().io)).toBe(2);
    const bad = capture({ stdin: '{"not":"a document"}\n' });
    expect(await runCli(['generate', '-'], bad.io)).toBe(1);
    expect(bad.err()).toContain('document 1 is not a document of edi translate');
  });

  it('when documents split per claim are given to generate, then it refuses them naming the document, and with new control numbers writes one set per claim', async () => {
    const t = capture();
    const twoClaims = join(__dirname, '..', '..', '..', '..', 'shared', 'hipaa', 'test', 'fixtures', '837D', 'patient-two-claims.x12');
    expect(await runCli(['translate', '--split', 'claim', twoClaims], t.io)).toBe(0);
    const claims = t.out().trim().split('\n');
    expect(claims).toHaveLength(2);
    const kept = capture({ stdin: t.out() });
    expect(await runCli(['generate', '-'], kept.io)).toBe(1);
    expect(kept.out()).toBe('');
    expect(kept.err()).toBe(`generate: document 1 is claim 1 of ${claims.length} of a set split per claim: its set cannot be written back as sent (translate without --split claim), or take new control numbers (each claim a set of its own)\n`);
    const renewed = capture({ stdin: t.out() });
    expect(await runCli(['generate', '--new-control-numbers', '--now', '2024-01-02T03:04:00Z', '-'], renewed.io)).toBe(0);
    expect(parseX12(renewed.out()).map((ic) => ic.groups[0].transactions[0].segments.filter((seg) => seg.id === 'CLM').length)).toEqual(claims.map(() => 1));
  });

  it('when a large file is translated on threads, then stdout, stderr and the exit status are those of one thread; a bad --threads exits 2', async () => {
    const text = readFileSync(FIXTURE, 'latin1');
    const st = text.indexOf('ST*');
    const ge = text.indexOf('GE*');
    // 2,500 copies of the set (about 2.5 MB: past the bytes translated before the threads start), one control number each
    const sets = Array.from({ length: 2500 }, (_, i) => text.slice(st, ge).replace(/ST\*837\*\d+/, `ST*837*${i + 1}`).replace(/SE\*(\d+)\*\d+/, `SE*$1*${i + 1}`));
    const big = text.slice(0, st) + sets.join('') + text.slice(ge).replace(/GE\*\d+/, 'GE*2500');
    const one = capture({ stdin: big });
    const two = capture({ stdin: big });
    const [a, b] = [await runCli(['translate', '--threads', '1', '-'], one.io), await runCli(['translate', '--threads', '2', '-'], two.io)];
    expect(one.out().split('\n')).toHaveLength(2501);
    expect(b).toBe(a);
    expect(two.out() === one.out()).toBe(true);
    expect(two.err()).toBe(one.err());
    const bad = capture();
    expect(await runCli(['translate', '--threads', 'many', FIXTURE], bad.io)).toBe(2);
    expect(bad.err()).toContain('--threads');
  }, 60_000);

  it('when a document given to generate has a misspelt key or a number for an amount, then nothing is printed and stderr names the document and the places', async () => {
    const t = capture();
    expect(await runCli(['translate', FIXTURE], t.io)).toBe(0);
    const good = t.out().trim();
    const doc = JSON.parse(good) as Record<string, unknown>;
    /** The first claim (2300) in the document and its JSON Pointer. */
    const firstClaim = (o: unknown, path: string): [string, Record<string, Record<string, unknown>>] | undefined => {
      if (o === null || typeof o !== 'object') return undefined;
      const rec = o as Record<string, unknown>;
      if (Array.isArray(rec.claims)) return [`${path}/claims/0`, rec.claims[0] as Record<string, Record<string, unknown>>];
      for (const [k, v] of Object.entries(rec)) {
        const hit = Array.isArray(v) ? v.map((x, i) => firstClaim(x, `${path}/${k}/${i}`)).find((x) => x !== undefined) : firstClaim(v, `${path}/${k}`);
        if (hit !== undefined) return hit;
      }
      return undefined;
    };
    const [at, claim] = firstClaim(doc.transaction, '/transaction')!;
    claim.claim.totalClaimChargeAmount = 123.45;
    claim.claimNote = { text: 'SECRET NOTE' };
    const g = capture({ stdin: `${good}\n${JSON.stringify(doc)}\n` });
    expect(await runCli(['generate', '-'], g.io)).toBe(1);
    expect(g.out()).toBe('');
    expect(g.err()).toBe([
      'generate: document 2 does not match its guide (005010X222A1):',
      `  ${at}/claim/totalClaimChargeAmount: must be a string (X12 values are text: amounts keep their decimal text), not a number`,
      `  ${at}/claimNote: not a part of loop 2300 Claim Information`,
      '',
    ].join('\n'));
  });
});
