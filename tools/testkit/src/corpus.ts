import path from 'node:path';

/** The shared corpus of public X12 files, beside the repository (../shared/corpus). */
export const CORPUS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

export function corpusFile(relative: string): string {
  return path.join(CORPUS_DIR, relative);
}
