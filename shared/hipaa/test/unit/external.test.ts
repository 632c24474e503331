// Files of the supported guides from LinuxForHealth/x12 that are not in the corpus
// (test/fixtures/lfh, see its README): read, translated, checked against the guide and the
// committed JSON Schemas, round-tripped, and compared with the facts in fixtures/lfh/EXPECTED.tsv.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseX12, sequentialControlNumbers, type X12Issue } from '@ediflow/x12';
import {
  resolveGuide, toX12, type JsonObject, type JsonValue, type SemanticDocument,
} from '@ediflow/hipaa';
import { documentsOf, expectSchemaValid, guideIssues, normal, segmentsBack } from '../corpus';

const DIR = join(__dirname, '..', 'fixtures', 'lfh');
const FILES = readdirSync(DIR).filter((f) => /\.(837|837i|835)$/.test(f)).sort();

interface Fact {
  file: string;
  path: string;
  value: string;
  origin: string;
  fact: string;
}

function facts(): Fact[] {
  const [head, ...lines] = readFileSync(join(DIR, 'EXPECTED.tsv'), 'utf8').trimEnd().split('\n');
  const cols = head.split('\t');
  return lines.map((l) => {
    const c = l.split('\t');
    const at = (name: string): string => c[cols.indexOf(name)];
    return { file: at('file'), path: at('path'), value: at('value'), origin: at('origin'), fact: at('fact') };
  });
}
const FACTS = facts();

const place = (i: X12Issue): string =>
  `${i.segment?.id}@${i.segment?.loopId}:${i.segment?.syntaxCode}${i.element !== undefined ? `/${i.element.position}${i.element.component !== undefined ? `-${i.element.component}` : ''}:${i.element.syntaxCode}` : ''}`;

/** Rules of the guide that LFH's own samples break, as the guide validator reports them. Every other file has none. */
const SAMPLE_ERRORS: Record<string, string[]> = {
  // composites written with '>' while ISA16 is ':' (CLM05, HI, SV101 are one component each); SV107 pointer "1.00" is not N0
  'demo.example9.837': ['CLM@2300:8/5-1:5', 'CLM@2300:8/5-2:1', 'CLM@2300:8/5-3:1', 'HI@2300:8/1-1:5', 'HI@2300:8/1-2:1', 'SV1@2400:8/1-1:5', 'SV1@2400:8/1-2:1', 'SV1@2400:8/7-1:6'],
  // 837I: 2010AA N403 is a 5-digit ZIP (guide: 9 digits), CLM06 is not used in 837I, DTP*434 statement dates sent as D8 (guide: RD8)
  'institutional-claim.837i': ['N4@2010AA:8/3:I12', 'CLM@2300:8/6:I10', 'DTP@2300:8/2:7'],
  // no payer technical contact PER*BL in 1000A; TS309/TS311 (4010 summary amounts) are not used in 5010
  'medicare-part-a.835': ['PER@1000A:3', 'TS3@2000:8/9:I10', 'TS3@2000:8/11:I10', 'TS3@2000:8/9:I10', 'TS3@2000:8/11:I10'],
  // '>' composites while ISA16 is ':' (CLM05, three HI, two SV202); CLM06 not used in 837I
  'ppo-repriced-claim.837i': [
    'CLM@2300:8/5-1:5', 'CLM@2300:8/5-2:1', 'CLM@2300:8/5-3:1', 'CLM@2300:8/6:I10', 'HI@2300:8/1-1:5', 'HI@2300:8/1-2:1', 'HI@2300:8/1-1:5', 'HI@2300:8/1-2:1',
    'HI@2300:8/1-1:5', 'HI@2300:8/1-2:1', 'SV2@2400:8/2-1:5', 'SV2@2400:8/2-2:1', 'SV2@2400:8/2-1:5', 'SV2@2400:8/2-2:1',
  ],
  // the check date is in BPR15 (BPR16 missing); no PER*BL; SVC*HC*24599.00: the procedure code is written as SVC02, which
  // shifts charge, payment and units one element right, so SVC01-2 is missing, SVC06 reads "1" and the line does not balance
  'tertiary-payment.835': ['BPR@ST:8/16:1', 'PER@1000A:3', 'SVC@2110:8/1-2:1', 'SVC@2110:8/6-1:4', 'SVC@2110:8/6-2:1', 'SVC@2110:8/3:I12'],
};


interface Translated {
  doc: SemanticDocument;
  issues: X12Issue[];
  segments: string[];
}

function translateFile(file: string): { sets: number; translated: Translated[] } {
  let sets = 0;
  const translated: Translated[] = [];
  for (const ic of parseX12(readFileSync(join(DIR, file)))) {
    for (const group of ic.groups) {
      group.transactions.forEach((tx, i) => {
        sets++;
        if (resolveGuide(tx.setId, tx.implementationRef, group.version, tx) === undefined) return;
        const t = { ic, group, tx, index: i + 1 };
        const issues = guideIssues(t);
        const documents = documentsOf(t, {}, file);
        expect(documents).toHaveLength(1);
        translated.push({ doc: documents[0], issues, segments: tx.segments.map((s) => normal(s.elements)) });
      });
    }
  }
  return { sets, translated };
}

/** The value at a path such as `transaction.claims[0].claim.patientControlNumber` (`#path`: the number of entries). */
function resolve(doc: SemanticDocument, path: string): string | undefined {
  const count = path.startsWith('#');
  let v: JsonValue | undefined = doc as unknown as JsonObject;
  for (const part of (count ? path.slice(1) : path).match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (v === undefined || v === null || typeof v !== 'object') return undefined;
    if (part.startsWith('[')) v = Array.isArray(v) ? v[Number(part.slice(1, -1))] : undefined;
    else v = Array.isArray(v) ? undefined : v[part];
  }
  if (count) return v === undefined ? undefined : String(Array.isArray(v) ? v.length : 1);
  return typeof v === 'string' ? v : undefined;
}

/** The loop id of every segment (ST = 1 .. SE), by the innermost loop whose source range holds it. */
function loopOfEachSegment(doc: SemanticDocument): string[] {
  const loops: { loop: string; first: number; last: number; depth: number }[] = [];
  const visit = (v: JsonValue, depth: number): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth);
      return;
    }
    const s = v.source as unknown as { loop?: string; first?: number; last?: number } | undefined;
    if (s?.loop !== undefined && s.first !== undefined && s.last !== undefined) loops.push({ loop: s.loop, first: s.first, last: s.last, depth });
    for (const [k, x] of Object.entries(v)) if (k !== 'source') visit(x, depth + 1);
  };
  visit(doc.transaction, 0);
  const out: string[] = [];
  for (let n = 1; n <= doc.source.lastSegment; n++) {
    const holding = loops.filter((l) => l.first <= n && n <= l.last).sort((a, b) => b.depth - a.depth);
    out.push(holding[0]?.loop ?? '?');
  }
  return out;
}

function sameSegmentsBack(t: Translated): boolean {
  return JSON.stringify(segmentsBack(t.doc)) === JSON.stringify(t.segments);
}

/** Why a fact does not hold for a document, or undefined when it does. */
function factMismatch(t: Translated, f: Fact): string | undefined {
  let actual: string | undefined;
  if (f.path === '$roundTrip') actual = sameSegmentsBack(t) ? 'segments unchanged' : 'segments changed';
  else if (f.path === '$loops') actual = loopOfEachSegment(t.doc).join(' ');
  else actual = resolve(t.doc, f.path);
  if (actual === undefined) return `${f.path}: no value`;
  return actual === f.value ? undefined : `${f.path}: ${JSON.stringify(actual)}, expected ${JSON.stringify(f.value)}`;
}

describe('LinuxForHealth x12 files not in the corpus (test/fixtures/lfh)', () => {
  it('when the fixtures are listed, then there are 837P, 837I and 835 files, each with at least 3 facts read from the file and its loop map', () => {
    expect(FILES.filter((f) => f.endsWith('.837')).length).toBeGreaterThanOrEqual(5);
    expect(FILES.filter((f) => f.endsWith('.837i')).length).toBeGreaterThanOrEqual(2);
    expect(FILES.filter((f) => f.endsWith('.835')).length).toBeGreaterThanOrEqual(2);
    for (const file of FILES) {
      const mine = FACTS.filter((f) => f.file === file);
      expect(mine.filter((f) => f.origin === 'read-from-file').length).toBeGreaterThanOrEqual(3);
      expect(mine.filter((f) => f.path === '$loops')).toHaveLength(1);
    }
    // every fact names a fixture file
    expect(FACTS.filter((f) => !FILES.includes(f.file))).toEqual([]);
  });

  it('when a fact has a wrong value or a path that does not exist, then the fact check reports it', () => {
    const file = 'tertiary-payment.835';
    const [t] = translateFile(file).translated;
    const clp01 = FACTS.find((f) => f.file === file && f.path.endsWith('claimPayment.patientControlNumber'));
    expect(clp01).toBeDefined();
    const right = clp01 as Fact;
    expect(factMismatch(t, right)).toBeUndefined();
    expect(factMismatch(t, { ...right, value: `${right.value}9` })).toMatch(/expected/);
    expect(factMismatch(t, { ...right, path: right.path.replace('claimPayment.', 'claimPaymentX.') })).toMatch(/no value/);
    expect(factMismatch(t, { ...right, path: '$loops' })).toMatch(/expected/);
  });

  describe.each(FILES)('%s', (file) => {
    const { sets, translated } = translateFile(file);

    it('when read, then every transaction set is of a supported guide and translates to one document', () => {
      expect(sets).toBeGreaterThan(0);
      expect(translated).toHaveLength(sets);
    });

    it('when checked against the guide, then it has no issue, or exactly the documented errors of the sample', () => {
      expect(translated.flatMap((t) => t.issues.map(place))).toEqual(SAMPLE_ERRORS[file] ?? []);
    });

    it('when validated against its committed JSON Schema, then it conforms', () => {
      for (const { doc } of translated) expectSchemaValid(doc);
    });

    it('when its JSON goes back to segments, then they are the same segments (X12 -> JSON -> X12)', () => {
      for (const t of translated) expect(sameSegmentsBack(t)).toBe(true);
    });

    it('when written as an interchange, then it parses again with counted trailers and the same ST..SE content', () => {
      for (const { doc, segments } of translated) {
        const text = toX12(doc, { controlNumbers: sequentialControlNumbers(3), clock: () => new Date('2026-01-02T03:04:00Z'), keepTransactionControlNumber: true });
        const [ic] = parseX12(text);
        const tx = ic.groups[0].transactions[0];
        expect(tx.se?.element(1)).toBe(String(tx.segments.length));
        expect(tx.issues.filter((i) => i.severity === 'error')).toEqual([]);
        expect(tx.segments.map((s) => normal(s.elements))).toEqual(segments);
      }
    });

    it('when its EXPECTED.tsv facts are looked up at their paths, then every value is the expected one', () => {
      const mine = FACTS.filter((f) => f.file === file);
      expect(mine.length).toBeGreaterThanOrEqual(5);
      expect(translated).toHaveLength(1);
      expect(mine.map((f) => factMismatch(translated[0], f)).filter((m) => m !== undefined)).toEqual([]);
    });
  });
});
