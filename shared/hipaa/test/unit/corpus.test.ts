import { parseX12, sequentialControlNumbers } from '@ediflow/x12';
import { toX12, type JsonObject, type SemanticDocument } from '@ediflow/hipaa';
import { EXCHANGE_SETS, documentsOf, exchangeFixtures, expectSchemaValid, guideFiles, legacyFixtures, normal, ownFixtures, readCorpus, readOwn, segmentsBack, transactions } from '../corpus';

const VALID = guideFiles('valid');
const EXCHANGE = guideFiles('valid', EXCHANGE_SETS);
const FILES: [string, () => Buffer][] = [
  ...[...VALID, ...EXCHANGE].map((p): [string, () => Buffer] => [p, () => readCorpus(p)]),
  ...[...ownFixtures().filter((p) => p.endsWith('.x12')), ...exchangeFixtures(), ...legacyFixtures()].map((p): [string, () => Buffer] => [p, () => readOwn(p)]),
];

const STANDARD = { element: '*', component: ':', repetition: '^', segment: '~' };
/** An element written with standard delimiters, in the sender's delimiters again. */
function recode(v: string, d: { component: string; repetition: string }): string {
  return v.replace(/[:^]/g, (c) => (c === ':' ? d.component : d.repetition !== '' ? d.repetition : c));
}

function translateFile(bytes: Buffer): { doc: SemanticDocument; segments: string[]; trailerFound: boolean }[] {
  return transactions(bytes).map((t) => {
    const documents = documentsOf(t, {}, 'file-1');
    expect(documents).toHaveLength(1);
    return { doc: documents[0], segments: t.tx.segments.map((s) => normal(s.elements)), trailerFound: !t.tx.issues.some((i) => i.code === 'SE_MISSING') };
  });
}

describe('corpus files of the supported guides', () => {
  it('when the corpus is listed, then it holds valid files of every guide family (837P, 837I, 835, 277CA, own 837D)', () => {
    const all = FILES.map(([p]) => p);
    for (const prefix of ['837P/', '837I/', '835/', '277CA/', '837D/']) expect(all.some((p) => p.startsWith(prefix))).toBe(true);
    expect(VALID.length).toBeGreaterThanOrEqual(35);
  });

  it('when the corpus is listed, then it holds valid files of every request and response guide', () => {
    for (const prefix of ['270/', '271/', '276/', '277/', '834/', '999/']) expect(EXCHANGE.some((p) => p.startsWith(prefix))).toBe(true);
  });

  describe.each(FILES)('%s', (_path, read) => {
    const translated = translateFile(read());

    it('when translated, then every transaction set gives a document with its envelope context and loop source pointers', () => {
      expect(translated.length).toBeGreaterThan(0);
      for (const { doc } of translated) {
        expect(doc.interchange.controlNumber).toMatch(/\S/);
        expect(doc.group.controlNumber).toMatch(/\S/);
        expect(doc.key.transactionControlNumber).toBe(doc.controlNumber);
        expect(doc.source.fileId).toBe('file-1');
        const loops: JsonObject[] = [];
        const visit = (o: JsonObject): void => {
          if (o.source !== undefined && typeof o.source === 'object') loops.push(o);
          for (const v of Object.values(o)) for (const x of Array.isArray(v) ? v : [v]) if (x !== null && typeof x === 'object' && !Array.isArray(x)) visit(x);
        };
        visit(doc.transaction);
        expect(loops.length).toBeGreaterThan(1);
        for (const l of loops) {
          const s = l.source as unknown as { loop: string; first: number; last: number };
          expect(s.first).toBeGreaterThanOrEqual(1);
          expect(s.last).toBeGreaterThanOrEqual(s.first);
        }
      }
    });

    it('when validated against its committed JSON Schema, then it conforms', () => {
      for (const { doc } of translated) expectSchemaValid(doc);
    });

    it('when its JSON goes back to segments, then they are the same segments (X12 -> JSON -> X12)', () => {
      for (const { doc, segments } of translated) {
        expect(segmentsBack(doc)).toEqual(segments);
      }
    });

    it('when written as an interchange, then it parses again with counted trailers and the same ST..SE content', () => {
      for (const { doc, segments, trailerFound } of translated) {
        // a set whose SE the reader could not find holds the GE/IEA as its last segments: nothing to rewrite
        if (!trailerFound) continue;
        // written with standard delimiters: the segments must not depend on the sender's delimiters
        const text = toX12(doc, { controlNumbers: sequentialControlNumbers(7), clock: () => new Date('2026-01-02T03:04:00Z'), keepTransactionControlNumber: true, delimiters: STANDARD });
        // edi generate writes its text as UTF-8 (a string given to the reader is taken as latin1)
        const [ic] = parseX12(Buffer.from(text, 'utf8'));
        expect(ic.header.controlNumber).toBe('000000007');
        expect(ic.iea?.element(1)).toBe('1');
        const g = ic.groups[0];
        expect(g.ge?.element(1)).toBe('1');
        const tx = g.transactions[0];
        expect(tx.se?.element(1)).toBe(String(tx.segments.length));
        expect(tx.issues.filter((i) => i.severity === 'error')).toEqual([]);
        const notSe = (x: string): boolean => !x.startsWith('SE\u001f');
        const fromStandard = tx.segments.map((s) => normal(s.elements.map((e) => recode(e, doc.delimiters))));
        expect(fromStandard.filter(notSe)).toEqual(segments.filter(notSe));
      }
    });
  });
});
