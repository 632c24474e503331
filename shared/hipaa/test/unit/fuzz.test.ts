/**
 * Fuzzing the guide layer: seeded mutations of every transaction set of the supported guides
 * (segments repeated, dropped, swapped, moved; unknown or guide segments inserted; elements
 * emptied, cut short, extended or replaced with odd values). For every mutant: the guide checks,
 * translation (both splits) and JSON -> X12 do not throw; the 999 for it reads back without
 * errors; for an 837, the 277CA made from the strict decisions and from the lenient ones
 * conforms to 005010X214 (it is left out only when the set holds no claim); and the claim
 * decisions are what a direct reading of their rule gives. Deterministic (fixed seed).
 */
import { generateAcks, parseX12Document, sequentialControlNumbers, validate, type X12Issue } from '@ediflow/x12';
import {
  documentsFor, generate277CA, guideValidator, toX12, type Ack277Input, type ClaimInfo, type LoopSource, type SemanticDocument,
} from '@ediflow/hipaa';
import { transactions } from '../corpus';
import { fuzzMutants, fuzzSources } from '../mutations';

const ROUNDS = 400;
const clock = (): Date => new Date('2026-02-03T04:05:00Z');

const SOURCES = fuzzSources();

const errorsOf = (issues: readonly X12Issue[]): string[] =>
  issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.segment?.id ?? ''}@${i.segment?.loopId ?? ''}/${i.element?.position ?? ''}: ${i.message}`);

/** The 277CA, read back: its errors under 005010X214 (envelope and guide). */
function ack277Errors(input: Ack277Input): string[] | undefined {
  const text = generate277CA([input], { controlNumbers: sequentialControlNumbers(1), clock });
  if (text === undefined) return undefined;
  const parsed = parseX12Document(text);
  const report = validate(parsed, { validators: [guideValidator()] });
  const t = report.interchanges[0].groups[0].transactions[0];
  expect(t.implementationRef).toBe('005010X214');
  return [...errorsOf(report.fileIssues), ...report.interchanges.flatMap((ic) => [...errorsOf(ic.issues), ...ic.groups.flatMap((g) => [...errorsOf(g.issues), ...g.transactions.flatMap((x) => errorsOf(x.issues))])])];
}

/**
 * claimDecisions' rule read directly: an error at position 0 or outside every level above the
 * claims counts for all claims; inside a claim, for that claim; otherwise for the claims below
 * the smallest level that holds it.
 */
function expectedRejections(claims: ClaimInfo[], issues: readonly X12Issue[]): X12Issue[][] {
  const within = (p: number, s: LoopSource): boolean => p >= s.first && p <= s.last;
  const levels = claims.flatMap((c) => c.ancestors);
  return claims.map((c) => issues.filter((i) => {
    if (i.severity !== 'error') return false;
    const p = i.segment?.position ?? 0;
    if (p === 0 || within(p, c.source)) return true;
    if (claims.some((o) => within(p, o.source))) return false;
    const around = levels.filter((l) => within(p, l)).sort((a, b) => a.last - a.first - (b.last - b.first))[0];
    return around === undefined || c.ancestors.some((a) => a.first === around.first);
  }));
}

describe('guide layer fuzzing', () => {
  it(`when ${ROUNDS} seeded mutations are read, checked, translated and acknowledged, then nothing throws and every 999 and 277CA is valid`, () => {
    expect(SOURCES.length).toBeGreaterThan(40);
    let sets = 0;
    let acks277 = 0;
    let lenientRejections = 0;
    let decisionsChecked = 0;
    for (const m of fuzzMutants(SOURCES, ROUNDS)) {
      const round = m.name;
      const mutants = transactions(m.bytes);
      for (const t of mutants) {
        sets++;
        const where = { round, set: t.tx.setId };
        const ctx = { interchange: t.ic, group: t.group, fileId: 'fuzz', transactionIndex: t.index };
        const strict = documentsFor(t.tx, ctx, { acknowledgments: ['277CA'] });
        const issues = strict.verdict.issues;
        for (const i of issues) expect({ ...where, position: i.segment?.position ?? 0, within: (i.segment?.position ?? 0) <= t.tx.segmentCount }).toMatchObject({ within: true });
        if (strict.documents.length !== 1) throw new Error(`round ${round}: a set of a supported guide gave no document`);
        const doc = JSON.parse(strict.documents[0].bytes.toString('utf8')) as SemanticDocument;
        documentsFor(t.tx, ctx, { split: 'claim' });
        toX12(doc, { controlNumbers: sequentialControlNumbers(1), clock });

        const report = validate([t.ic], { validators: [guideValidator()] });
        const acks = generateAcks(report, { controlNumbers: sequentialControlNumbers(1), clock });
        expect({ ...where, ack999: typeof acks.ack999 }).toEqual({ ...where, ack999: 'string' });
        const back = validate(parseX12Document(acks.ack999 as string));
        expect({ ...where, errors: back.errorCount }).toEqual({ ...where, errors: 0 });

        if (t.tx.setId !== '837') continue;
        const lenient = documentsFor(t.tx, ctx, { acknowledgments: ['277CA'], lenient: true });
        if (strict.ack277 === undefined || lenient.ack277 === undefined || strict.decisions === undefined || lenient.decisions === undefined) {
          throw new Error(`round ${round}: an 837 for a partner that wants the 277CA gives its claims`);
        }
        const claims = strict.ack277.claims.claims;
        // the direct reading is quadratic: on the sets of ordinary size (most of them)
        if (claims.length * issues.length <= 20_000) {
          const index = new Map(issues.map((i, k) => [i, k]));
          const ids = (list: X12Issue[][]): number[][] => list.map((l) => l.map((i) => index.get(i) ?? -1));
          expect({ ...where, rejections: ids(strict.decisions.map((d) => d.issues)) }).toEqual({ ...where, rejections: ids(expectedRejections(claims, issues)) });
          decisionsChecked++;
        }
        lenientRejections += lenient.decisions.filter((d) => !d.accepted).length;
        for (const input of [strict.ack277, lenient.ack277]) {
          const errors = ack277Errors(input);
          if (claims.length === 0) expect({ ...where, ack: errors }).toEqual({ ...where, ack: undefined });
          else {
            acks277++;
            expect({ ...where, errors }).toEqual({ ...where, errors: [] });
          }
        }
      }
    }
    // the mutations reached what they are meant to: many sets, many 277CAs, claims rejected one by one
    expect(sets).toBeGreaterThan(ROUNDS * 0.9);
    expect(acks277).toBeGreaterThan(200);
    expect(lenientRejections).toBeGreaterThan(50);
    expect(decisionsChecked).toBeGreaterThan(100);
  });
});
