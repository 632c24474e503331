// Test helper: the corpus copy in test/fixtures/corpus (MANIFEST.tsv, EXPECTED.tsv).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = join(__dirname, 'fixtures', 'corpus');

export interface ManifestRow {
  path: string;
  setId: string;
  version: string;
  status: string;
  expectedError: string;
}

export function manifest(): ManifestRow[] {
  const lines = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const c = l.split('\t');
    return { path: c[0], setId: c[1], version: c[2], status: c[7], expectedError: c[8] };
  });
}

export function corpusFile(path: string): Buffer {
  return readFileSync(join(CORPUS, path));
}

/** Files without an ISA header (ST..SE only, or no ISA line): not parseable as interchanges. */
export const NOT_PARSEABLE = new Set(['835/edi835__blue_cross_nc_sample.txt', '835/edi835affect__exhaustive_sample.txt', '837P/imsweb__x12_no_isa_line.txt']);

/** Feed `bytes` in chunks of `size` bytes. */
export function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}
