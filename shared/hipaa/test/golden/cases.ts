// The inputs of the golden files: every corpus file, this package's fixtures, and the seeded
// mutations the comparison tests read (test/mutations.ts), by name.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OWN, legacyFixtures, manifest, readCorpus, readOwn } from '../corpus';
import {
  allSources, edgeMutants, fuzzMutants, fuzzSources, legacyMutants, legacySources, placementMutants, repetitionMutants, validationMutants, writerMutants,
} from '../mutations';

export interface GoldenCase {
  name: string;
  bytes: Buffer;
}

/** Files kept in full (their documents, issues and acknowledgments as text) beside the hashes of all. */
export const FULL = ['837D/patient-two-claims.x12', '835/tigershark__5010-835-example-3.txt', '270/lfh__demo.270', 'edge/utf8-names'];

export function goldenCases(): GoldenCase[] {
  const sources = allSources();
  return [
    ...manifest().map((r) => ({ name: r.path, bytes: readCorpus(r.path) })),
    ...readdirSync(join(OWN, '837D')).filter((f) => f.endsWith('.x12')).map((f) => ({ name: `837D/${f}`, bytes: readOwn(`837D/${f}`) })),
    ...readdirSync(join(OWN, 'lfh')).filter((f) => /\.(837|837i|835)$/.test(f)).map((f) => ({ name: `lfh/${f}`, bytes: readOwn(`lfh/${f}`) })),
    ...writerMutants(sources),
    ...validationMutants(sources),
    ...placementMutants(sources),
    ...fuzzMutants(fuzzSources()),
    ...repetitionMutants(sources),
    ...edgeMutants(),
    ...legacyFixtures().map((p) => ({ name: p, bytes: readOwn(p) })),
    ...legacyMutants(legacySources()),
  ];
}
