/**
 * Acceptance (issue 20): `edi translate | edi generate` gives back every corpus file's interchanges
 * segment for segment, envelope included (ISA, GS, control numbers, the grouping of sets, GE/IEA).
 * The only normalisation is the layout between segments: line breaks after a terminator with the
 * blanks around them (indentation), and a BOM.
 *
 * Every file of the corpus manifest (the shared corpus, kept in @ediflow/x12's fixtures) is in,
 * guide errors, element errors and unusual delimiters included, except, each with its reason:
 * - files with an envelope fault of REWRITTEN (the report's code): generate writes what X12
 *   requires there (SE01, GE01, IEA01 counted, GE02/IEA02 equal to GS06/ISA13, fixed-width ISA
 *   fields), not the fault, so the file cannot come back as it was; files that are not X12 (ST..SE
 *   without an envelope, no ISA) have no interchange to compare;
 * - files translate prints no document for;
 * - the files of EXCLUDED, for what no document carries (checked to differ, so the list stays true).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '@ediflow/cli';
import { CORPUS, manifest } from '../../../../shared/hipaa/test/corpus';
import { capture } from '../helpers';

/**
 * Envelope faults that generate does not reproduce: it counts SE01, GE01 and IEA01, writes SE02,
 * GE02 and IEA02 as ST02, GS06 and ISA13, ISA fields at their fixed widths, every trailer; two
 * groups in a row with the same GS are one group to it; a file that is not X12, or has content
 * outside its interchanges, gives no interchange to compare.
 */
const REWRITTEN = new Set([
  'X12_NOT_X12', 'CONTENT_OUTSIDE_INTERCHANGE', 'ISA_NOT_FIXED_WIDTH',
  'SE_COUNT_MISMATCH', 'SE_CONTROL_MISMATCH', 'SE_MISSING', 'GE_COUNT_MISMATCH', 'GE_CONTROL_MISMATCH', 'GE_MISSING',
  'IEA_COUNT_MISMATCH', 'IEA_CONTROL_MISMATCH', 'IEA_MISSING', 'GS_DUPLICATE',
]);

/** Files whose interchange holds what no document carries. */
const EXCLUDED: Record<string, string> = {
  '997/staedi__optionalInterchangeServices.edi': 'ISB and ISE segments directly in the interchange (outside any group): no document carries them',
  '837I/pyx12hist__blank1.txt': 'SV2 and SVD composites sent with a trailing component separator ("  :", a warning): a semantic document keeps the component, not the empty one after it',
};

/** Line breaks with the blanks around them (indentation), and a BOM: the layout between segments. */
const layout = (text: string): string => text.replace(/^\uFEFF/, '').replace(/[ \t]*[\r\n]+[ \t]*/g, '').trim();

/** The segments of a normalised text, split at the segment terminator of its first ISA. */
function segments(text: string): string[] {
  const t = layout(text);
  const isa = t.indexOf('ISA');
  const terminator = t[isa + 105];
  return t.slice(isa).split(terminator);
}

interface Outcome {
  path: string;
  /** Why the file is left out, or undefined: it must come back. */
  excluded?: string;
  original?: string[];
  generated?: string[];
}

async function roundTrip(path: string): Promise<Outcome> {
  const file = join(CORPUS, path);
  const v = capture();
  await runCli(['validate', '--json', file], v.io);
  let issues: { severity: string; code: string }[] = [];
  try {
    issues = (JSON.parse(v.out()) as { issues: { severity: string; code: string }[] }).issues;
  } catch {
    return { path, excluded: 'not read as X12' };
  }
  const faults = [...new Set(issues.filter((i) => i.severity === 'error' && REWRITTEN.has(i.code)).map((i) => i.code))];
  if (faults.length > 0) return { path, excluded: `envelope faults generate writes right: ${faults.sort().join(', ')}` };
  const t = capture();
  await runCli(['translate', '--no-validate', file], t.io);
  if (t.out().trim() === '') return { path, excluded: 'translate prints no document' };
  const g = capture();
  // the documents are UTF-8 (capture's stdin is latin1 text)
  const status = await runCli(['generate', '-'], { ...g.io, stdin: Readable.from([Buffer.from(t.out(), 'utf8')]) });
  if (status !== 0) return { path, original: [], generated: [`generate exited ${status}: ${g.err()}`] };
  // latin1 on both sides: the bytes as they are, whatever their encoding
  return { path, excluded: EXCLUDED[path], original: segments(readFileSync(file, 'latin1')), generated: segments(Buffer.from(g.out(), 'utf8').toString('latin1')) };
}

describe('translate | generate over the corpus', () => {
  const paths = manifest().map((r) => r.path);
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    for (const p of paths) outcomes.push(await roundTrip(p));
  }, 300_000);

  it('when every corpus file without an envelope fault that generate writes right goes through translate and generate, then its interchanges come back segment for segment', () => {
    const included = outcomes.filter((o) => o.excluded === undefined);
    for (const o of included) expect({ path: o.path, segments: o.generated }).toEqual({ path: o.path, segments: o.original });
    // 84 of the 137 files today: the filter cannot quietly leave the corpus out
    expect(included.length).toBeGreaterThanOrEqual(84);
    expect(outcomes).toHaveLength(paths.length);
  });

  it('when a file is named as carrying what no document holds, then it is a corpus file and its round trip does differ', () => {
    for (const p of Object.keys(EXCLUDED)) {
      const o = outcomes.find((x) => x.path === p);
      expect(o?.generated).toBeDefined();
      expect(o?.generated).not.toEqual(o?.original);
    }
  });
});
