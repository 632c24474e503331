// Test helper: the corpus copy kept by @ediflow/x12 (test/fixtures/corpus, with LICENSES), plus
// this package's own fixtures (test/fixtures: 837D written from the guide structure, fake data).
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseX12, type FunctionalGroup, type Interchange, type TransactionSet, type X12Issue } from '@ediflow/x12';
import {
  SUPPORTED_GUIDES, documentsFor, guideValidator, resolveGuide, treeSegments, type DocumentOptions, type JsonObject, type SemanticDocument,
} from '@ediflow/hipaa';

export const CORPUS = join(__dirname, '..', '..', 'x12', 'test', 'fixtures', 'corpus');
export const OWN = join(__dirname, 'fixtures');

export interface Row {
  path: string;
  status: string;
  expectedError: string;
}

export function manifest(): Row[] {
  return readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => {
    const c = l.split('\t');
    return { path: c[0], status: c[7], expectedError: c[8] };
  });
}

export function expected(): { path: string; fact: string; value: string }[] {
  return readFileSync(join(CORPUS, 'EXPECTED.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => {
    const c = l.split('\t');
    return { path: c[0], fact: c[1], value: c[2] };
  });
}

/** Two 835 samples are ST..SE only (no ISA/GS): wrapped in a test envelope so they can be read. */
const BARE = new Set(['835/edi835__blue_cross_nc_sample.txt', '835/edi835affect__exhaustive_sample.txt']);

export function readCorpus(path: string): Buffer {
  const bytes = readFileSync(join(CORPUS, path));
  if (!BARE.has(path)) return bytes;
  const isa = 'ISA*00*          *00*          *ZZ*TESTSENDER     *ZZ*TESTRECEIVER   *260101*1200*^*00501*000000001*0*T*:~\n';
  const gs = 'GS*HP*TESTSENDER*TESTRECEIVER*20260101*1200*1*X*005010X221A1~\n';
  return Buffer.concat([Buffer.from(isa + gs, 'latin1'), bytes, Buffer.from('\nGE*1*1~\nIEA*1*000000001~\n', 'latin1')]);
}

export interface Tx {
  ic: Interchange;
  group: FunctionalGroup;
  tx: TransactionSet;
  index: number;
}

/** Every transaction set of a supported guide in a file. */
export function transactions(bytes: Buffer): Tx[] {
  const out: Tx[] = [];
  for (const ic of parseX12(bytes)) {
    for (const group of ic.groups) {
      group.transactions.forEach((tx, i) => {
        if (resolveGuide(tx.setId, tx.implementationRef, group.version, tx) !== undefined) out.push({ ic, group, tx, index: i + 1 });
      });
    }
  }
  return out;
}

/** The claim guides' corpus folders (837, 835, 277CA): the sets the golden mutations draw from. */
export const CLAIM_SETS = /^(837|837P|837I|835|277CA)\//;
/** The request and response guides' corpus folders (eligibility, claim status, enrollment, premium payment, 999). */
export const EXCHANGE_SETS = /^(270|271|276|277|278|834|820|999)\//;

/** Corpus files of the supported 5010 guides in `folders`, by manifest status. */
export function guideFiles(status: 'valid' | 'invalid', folders = CLAIM_SETS): string[] {
  const rows = manifest().filter((r) => r.status === status && folders.test(r.path));
  const out: string[] = [];
  for (const r of rows) {
    let bytes: Buffer;
    try {
      bytes = readCorpus(r.path);
      if (transactions(bytes).length > 0) out.push(r.path);
    } catch {
      // not X12 at all (files the engine rejects): not this package's concern
    }
  }
  return out;
}

/**
 * This package's fixtures of request and response guides the corpus has no conforming file of
 * (820, written from the X218 structure; 278, from the X217 structure).
 */
export function exchangeFixtures(): string[] {
  return ['820', '278'].flatMap((d) => readdirSync(join(OWN, d)).filter((f) => f.endsWith('.x12')).map((f) => `${d}/${f}`));
}

export function ownFixtures(): string[] {
  return readdirSync(join(OWN, '837D')).map((f) => `837D/${f}`);
}

/**
 * Every file of the supported guides, each with a reader: corpus files valid and invalid, the 837D
 * fixtures and the LinuxForHealth samples (what the byte paths are compared on).
 */
export function allGuideFiles(): [string, () => Buffer][] {
  return [
    ...guideFiles('valid').map((p): [string, () => Buffer] => [p, () => readCorpus(p)]),
    ...guideFiles('invalid').map((p): [string, () => Buffer] => [p, () => readCorpus(p)]),
    ...ownFixtures().filter((p) => p.endsWith('.x12')).map((p): [string, () => Buffer] => [p, () => readOwn(p)]),
    ...readdirSync(join(OWN, 'lfh')).filter((f) => /\.(837|837i|835)$/.test(f)).map((f): [string, () => Buffer] => [`lfh/${f}`, () => readOwn(`lfh/${f}`)]),
  ];
}

export function readOwn(path: string): Buffer {
  return readFileSync(join(OWN, path));
}

/** Elements of a segment with trailing empty elements dropped, joined for comparison. */
export function normal(elements: readonly string[]): string {
  let end = elements.length;
  while (end > 1 && elements[end - 1] === '') end--;
  return elements.slice(0, end).join('\u001f');
}

let schemaChecks: Record<string, ValidateFunction> | undefined;

/** Asserts that a document conforms to the committed JSON Schema of its guide (schemas/<guide>.json). */
export function expectSchemaValid(doc: SemanticDocument): void {
  schemaChecks ??= Object.fromEntries(
    SUPPORTED_GUIDES.map((g) => [g, new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(__dirname, '..', 'schemas', `${g}.json`), 'utf8')) as object)]),
  );
  const check = schemaChecks[doc.guide];
  const ok = check(JSON.parse(JSON.stringify(doc)));
  expect(check.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

/** The segments written back from a document's JSON after a JSON round trip (what a consumer would hold), normalised. */
export function segmentsBack(doc: SemanticDocument): string[] {
  return treeSegments(doc.guide, JSON.parse(JSON.stringify(doc.transaction)) as JsonObject, doc.delimiters).map((e) => normal(e));
}

/** The transaction set again, in an interchange of its own, with its segments changed by `mutate`. */
export function rebuilt(t: Tx, mutate: (segments: string[][]) => void): Tx[] {
  return transactions(rebuiltBytes(t, mutate));
}

/** The file rebuilt() reads: the set in an interchange of its own, its segments changed by `mutate`. */
export function rebuiltBytes(t: Tx, mutate: (segments: string[][]) => void): Buffer {
  const d = t.tx.delimiters;
  const segments = t.tx.segments.map((s) => [...s.elements]);
  const inner = segments.slice(1, -1);
  mutate(inner);
  const all = [segments[0], ...inner, segments[segments.length - 1]];
  const e = d.element;
  const isa = ['ISA', '00', '          ', '00', '          ', 'ZZ', 'SENDER         ', 'ZZ', 'RECEIVER       ', '260101', '1200', d.repetition || 'U', t.ic.header.version === '00401' ? '00401' : '00501', '000000001', '0', 'T', d.component].join(e);
  const gs = ['GS', t.group.functionalId, 'S', 'R', '20260101', '1200', '1', 'X', t.group.version].join(e);
  const text = [isa, gs, ...all.map((s) => s.join(e)), ['GE', '1', '1'].join(e), ['IEA', '1', '000000001'].join(e)].join(`${d.segment}\n`) + `${d.segment}\n`;
  return Buffer.from(text, 'latin1');
}

/** The documents of a set as objects (the façade's JSON text, parsed), for a partner with `options`. */
export function documentsOf(t: Tx, options: DocumentOptions = {}, fileId?: string): SemanticDocument[] {
  const ctx = { interchange: t.ic, group: t.group, transactionIndex: t.index, ...(fileId === undefined ? {} : { fileId }) };
  return documentsFor(t.tx, ctx, options).documents.map((d) => JSON.parse(d.bytes.toString('utf8')) as SemanticDocument);
}

/** The set as one document (a set of a supported guide). */
export function documentOf(t: Tx, fileId?: string): SemanticDocument {
  const [doc] = documentsOf(t, {}, fileId);
  if (doc?.guide === undefined) throw new Error('a set of a supported guide has a document');
  return doc;
}

/** The guide's issues of a set (what guideValidator adds to its envelope issues). */
export function guideIssues(t: Pick<Tx, 'ic' | 'group' | 'tx'>): X12Issue[] {
  return guideValidator().validate(t.tx, t.group, t.ic);
}
