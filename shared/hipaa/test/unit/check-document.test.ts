/**
 * documentProblems / toX12's shape check: every document translate makes passes (corpus, own
 * fixtures, LinuxForHealth samples, valid and invalid, both splits); a key the guide has no place
 * for, or a value of the wrong type, put anywhere in a document (seeded), is named by its JSON
 * Pointer, and toX12 refuses the document instead of leaving the value out of the X12.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sequentialControlNumbers } from '@ediflow/x12';
import { documentProblems, toX12, type SemanticDocument } from '@ediflow/hipaa';
import { seededRandom } from '@ediflow/testkit';
import { OWN, documentsOf, guideFiles, ownFixtures, readCorpus, readOwn, transactions } from '../corpus';

const clock = (): Date => new Date('2026-02-03T04:05:00Z');

const DOCUMENTS: SemanticDocument[] = [
  ...guideFiles('valid').map((p) => readCorpus(p)),
  ...guideFiles('invalid').map((p) => readCorpus(p)),
  ...ownFixtures().filter((p) => p.endsWith('.x12')).map((p) => readOwn(p)),
  ...readdirSync(join(OWN, 'lfh')).filter((f) => /\.(837|837i|835)$/.test(f)).map((f) => readOwn(`lfh/${f}`)),
].flatMap((bytes) => transactions(bytes)).flatMap((t) => [...documentsOf(t, {}, 'f'), ...documentsOf(t, { split: 'claim' }, 'f')]);

type Node = Record<string, unknown>;

/** Every object inside the transaction tree (loops, segments, composites, group items) with its JSON Pointer. */
function objectsIn(v: unknown, path: string, out: [string, Node][]): [string, Node][] {
  if (Array.isArray(v)) v.forEach((x, i) => objectsIn(x, `${path}/${i}`, out));
  else if (v !== null && typeof v === 'object') {
    out.push([path, v as Node]);
    for (const [k, x] of Object.entries(v)) if (k !== 'source' && k !== 'unrecognizedSegments') objectsIn(x, `${path}/${k}`, out);
  }
  return out;
}

describe('documentProblems', () => {
  it('when documents come from translate (every guide, valid and invalid files, both splits), then they have no problems and toX12 writes them', () => {
    expect(DOCUMENTS.length).toBeGreaterThan(100);
    for (const doc of DOCUMENTS) {
      expect({ guide: doc.guide, control: doc.controlNumber, problems: documentProblems(doc) }).toEqual({ guide: doc.guide, control: doc.controlNumber, problems: [] });
      expect(toX12(doc, { controlNumbers: sequentialControlNumbers(1), clock })).toMatch(/^ISA/);
    }
  });

  it('when a stray key or a mistyped value is put anywhere in a document (seeded), then its JSON Pointer is named, no value is, and toX12 refuses', () => {
    const random = seededRandom(0x5ca1ab1e);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    for (let round = 0; round < 300; round++) {
      const doc = JSON.parse(JSON.stringify(pick(DOCUMENTS))) as SemanticDocument;
      const [path, node] = pick(objectsIn(doc.transaction, '/transaction', []));
      const strings = Object.keys(node).filter((k) => typeof node[k] === 'string');
      let at: string;
      if (strings.length > 0 && random() < 0.5) {
        const k = pick(strings);
        node[k] = pick([1234.5, true, ['SECRET-7781'], null]);
        at = `${path}/${k}`;
      } else {
        node.strayKey = 'SECRET-7781';
        at = `${path}/strayKey`;
      }
      const problems = documentProblems(doc, 100);
      expect({ round, at, named: problems.some((p) => p.startsWith(`${at}: `)) }).toEqual({ round, at, named: true });
      expect(problems.join('\n')).not.toContain('SECRET');
      expect(() => toX12(doc, { controlNumbers: sequentialControlNumbers(1), clock })).toThrow(expect.objectContaining({ code: 'HIPAA_DOCUMENT_INVALID' }));
    }
  });

  it('when the envelope, the delimiters or kept segments are malformed, then each place is named', () => {
    const doc = JSON.parse(JSON.stringify(DOCUMENTS[0])) as Record<string, unknown>;
    delete doc.interchange;
    (doc.group as Node).senderCode = 7;
    doc.delimiters = { element: '**', component: ':', repetition: '^', segment: '~' };
    (doc.transaction as Node).unrecognizedSegments = [{ segment: 'ZZZ', position: 3 }];
    expect(documentProblems(doc)).toEqual([
      '/interchange: missing (must be an object)',
      '/group/senderCode: must be a string, not a number',
      '/delimiters/element: must be one character',
      '/transaction/unrecognizedSegments/0: must be { segment, position, elements } of strings',
    ]);
    expect(documentProblems('text')).toEqual(['/: must be an object (a semantic or generic document), not a string']);
    expect(documentProblems({ ...DOCUMENTS[0], guide: '003070X098' })).toEqual([expect.stringMatching(/^\/guide: must be one of 005010X222A1, /)]);
  });

  it('when a segment holds elementN inside its definition, or a list longer than the guide allows, then that is a problem, not a silent drop', () => {
    const doc = JSON.parse(JSON.stringify(DOCUMENTS.find((d) => d.guide === '005010X222A1' && JSON.stringify(d).includes('"healthCareDiagnosisCode"')))) as SemanticDocument;
    const [path, claim] = objectsIn(doc.transaction, '/transaction', []).find(([, o]) => o.healthCareDiagnosisCode !== undefined)!;
    const hi = claim.healthCareDiagnosisCode as { codes: unknown[] } & Node;
    hi.codes = Array.from({ length: 13 }, () => ({ diagnosisTypeCode: 'ABF', diagnosisCode: 'R509' }));
    hi.element2 = 'ABF:R509';
    expect(documentProblems(doc)).toEqual([
      `${path}/healthCareDiagnosisCode/codes: holds 13 items; HI has room for 12`,
      `${path}/healthCareDiagnosisCode/element2: not an element of HI Health Care Diagnosis Code`,
    ]);
  });
});
