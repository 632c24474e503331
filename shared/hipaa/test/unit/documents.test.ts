/**
 * The documents' JSON as the writer makes it, beyond the golden comparisons: text past any
 * buffer size, text outside ASCII, objects that are more than the walk's events in order
 * (segments kept as sent, a once-only loop sent twice), and guide definitions the writer refuses.
 */
import { SUPPORTED_GUIDES, compileGuide, compiledGuide, documentsFor, guideDefinition, type GuideDefinition, type JsonObject, type SegmentDef } from '@ediflow/hipaa';
import { guideTable } from '../../src/document-writer';
import { documentsOf, readOwn, rebuilt, transactions, type Tx } from '../corpus';

const [TWO_CLAIMS] = transactions(readOwn('837D/patient-two-claims.x12'));

const ctxOf = (t: Tx) => ({ interchange: t.ic, group: t.group, transactionIndex: t.index });

describe('documents', () => {
  it('when a value is longer than any block (200 KB), then the document holds it whole and parses', () => {
    const [t] = rebuilt(TWO_CLAIMS, (segs) => {
      const clm = segs.findIndex((s) => s[0] === 'CLM');
      segs.splice(clm + 1, 0, ['NTE', 'ADD', `${'X'.repeat(200_000)}"\\`]);
    });
    const [doc] = documentsOf(t);
    expect(JSON.stringify(doc)).toContain(`"${'X'.repeat(200_000)}\\"\\\\"`);
  });

  it('when the documents are asked for as NDJSON, then the lines are the documents each followed by a line break, also where a block grew', () => {
    const [long] = rebuilt(TWO_CLAIMS, (segs) => {
      const clm = segs.findIndex((s) => s[0] === 'CLM');
      segs.splice(clm + 1, 0, ['NTE', 'ADD', 'X'.repeat(300_000)]);
    });
    for (const t of [TWO_CLAIMS, long]) {
      for (const split of ['transaction', 'claim'] as const) {
        const r = documentsFor(t.tx, ctxOf(t), { split, lineBreaks: true });
        expect(r.documents.length).toBeGreaterThan(0);
        expect(Buffer.concat(r.lines ?? []).toString('utf8')).toBe(r.documents.map((d) => `${d.bytes.toString('utf8')}\n`).join(''));
        expect(r.lines?.length).toBeLessThanOrEqual(r.documents.length);
      }
    }
  });

  it('when claims sit under many levels and their ids differ in length, then each claim\'s document is the whole document cut to that claim', () => {
    // billing providers with subscribers that hold claims themselves and through patients; claim ids of many lengths
    const [t] = rebuilt(TWO_CLAIMS, (segs) => {
      const providerHl = segs.findIndex((s) => s[0] === 'HL' && s[3] === '20');
      const firstHl = segs.findIndex((s) => s[0] === 'HL' && s[3] === '22');
      const header = segs.slice(0, providerHl);
      const provider = segs.slice(providerHl, firstHl);
      const subscriber = segs.slice(firstHl);
      const clone = (list: string[][], n: number): string[][] => list.map((s) => s.map((v) => (s[0] === 'CLM' && v.startsWith('DCLAIM') ? `${v}${'X'.repeat(n)}` : v)));
      // two billing providers, each with subscribers whose claim ids have other lengths
      segs.splice(0, segs.length, ...header, ...provider, ...[0, 3, 1].flatMap((n) => clone(subscriber, n)), ...provider, ...[7, 2].flatMap((n) => clone(subscriber, n)));
    });
    const whole = documentsOf(t)[0];
    const docs = documentsOf(t, { split: 'claim' });
    expect(docs.length).toBeGreaterThan(6);
    expect(new Set(docs.map((d) => d.key.claimId?.length)).size).toBeGreaterThan(2);
    // the cut as objects: on the way to the claim keep only its instance, drop other keys that hold a claim
    const isLoop = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { source?: { loop?: unknown } }).source?.loop === 'string';
    const holds = (v: unknown): boolean => (Array.isArray(v) ? v : [v]).some((x) => isLoop(x) && ((x as { source: { loop: string } }).source.loop === '2300' || Object.entries(x as object).some(([k, y]) => k !== 'source' && holds(y))));
    const claims: unknown[][] = [];
    const visit = (o: Record<string, unknown>, path: unknown[]): void => {
      for (const [k, v] of Object.entries(o)) {
        if (k === 'source') continue;
        for (const x of Array.isArray(v) ? v : [v]) {
          if (!isLoop(x)) continue;
          const step = [o, k, x, Array.isArray(v)];
          if ((x as { source: { loop: string } }).source.loop === '2300') claims.push([...path, step]);
          else visit(x as Record<string, unknown>, [...path, step]);
        }
      }
    };
    visit(whole.transaction, []);
    const cut = (o: Record<string, unknown>, chain: unknown[], depth: number): Record<string, unknown> => {
      const [, key, next, many] = chain[depth] as [unknown, string, Record<string, unknown>, boolean];
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) {
        if (k === key) out[k] = many ? [depth === chain.length - 1 ? next : cut(next, chain, depth + 1)] : depth === chain.length - 1 ? next : cut(next, chain, depth + 1);
        else if (!(Array.isArray(v) ? v : [v]).some(isLoop) || !holds(v)) out[k] = v;
      }
      return out;
    };
    expect(docs.map((d) => d.transaction)).toEqual(claims.map((chain) => cut(whole.transaction, chain, 0)));
  });

  it('when names hold UTF-8 text and bytes that are not UTF-8, then each reads as the model reads it, in UTF-8 JSON', () => {
    const [t] = rebuilt(TWO_CLAIMS, (segs) => {
      for (const s of segs) {
        if (s[0] === 'NM1' && s[1] === 'IL') s[3] = Buffer.from('M\u00fcller \u{1f3e5}', 'utf8').toString('latin1');
        if (s[0] === 'NM1' && s[1] === 'QC') s[3] = 'M\u00dcLLER';
      }
    });
    expect(t.tx.isAscii).toBe(false);
    const text = documentsFor(t.tx, ctxOf(t)).documents[0].bytes.toString('utf8');
    const names = t.tx.segments.filter((s) => s.id === 'NM1' && ['IL', 'QC'].includes(s.element(1))).map((s) => s.element(3));
    expect(names).toEqual(['M\u00fcller \u{1f3e5}', 'M\u00dcLLER']);
    for (const name of names) expect(text).toContain(JSON.stringify(name));
  });

  it('when a set holds segments the guide has no place for, between placed ones, then they are kept in one unrecognizedSegments list where the first came', () => {
    const [t] = rebuilt(TWO_CLAIMS, (segs) => {
      const clm = segs.findIndex((s) => s[0] === 'CLM');
      segs.splice(clm + 1, 0, ['ZZZ', 'A', '"Q"'], ['DTP', '472', 'D8', '20260101'], ['ZZY', '', 'B']);
    });
    const [doc] = documentsOf(t);
    const claims = JSON.stringify(doc.transaction);
    expect(claims).toContain('"unrecognizedSegments":[{"segment":"ZZZ","position":"');
    const find = (o: JsonObject): JsonObject | undefined => {
      if (Array.isArray(o.unrecognizedSegments)) return o;
      for (const v of Object.values(o)) {
        for (const x of Array.isArray(v) ? v : [v]) {
          if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
            const hit = find(x);
            if (hit !== undefined) return hit;
          }
        }
      }
      return undefined;
    };
    const loop = find(doc.transaction);
    // the claim's own DTP*472, now after the one put in before it, is out of sequence: kept as sent too
    expect((loop?.unrecognizedSegments as JsonObject[]).map((u) => [u.segment, u.elements])).toEqual([['ZZZ', ['A', '"Q"']], ['ZZY', ['', 'B']], ['DTP', ['472', 'D8', '20260103']]]);
    // the kept segments' list comes after the children placed before the first of them
    const keys = Object.keys(loop ?? {});
    expect(keys.indexOf('unrecognizedSegments')).toBeGreaterThan(keys.indexOf('claim'));
  });

  it('when a guide definition gives two children of a loop one name, or an element a name the writer makes itself, then the writer refuses it', () => {
    for (const g of SUPPORTED_GUIDES) expect(() => guideTable(compiledGuide(g))).not.toThrow();
    const twoNames = JSON.parse(JSON.stringify(guideDefinition('005010X222A1'))) as GuideDefinition;
    twoNames.root.children[1].key = twoNames.root.children[0].key;
    expect(() => guideTable(compileGuide(twoNames))).toThrow(/loop ST cannot have a child named transactionSetHeader/);
    const generated = JSON.parse(JSON.stringify(guideDefinition('005010X222A1'))) as GuideDefinition;
    const bht = generated.root.children[1] as SegmentDef;
    bht.elements[0].key = `element${bht.elements.length + 1}`;
    expect(() => guideTable(compileGuide(generated))).toThrow(/segment definition BHT .*the name element\d+ is taken/);
  });
});
