import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fastestOf, runJob, type JobResult } from '../child';
import { write837P } from '../generate-837p';
import { MB, fmt, secondsCell, type BenchOptions, type Section, type SectionResult } from '../section';

/**
 * Fresh-process runs on the big file; the fastest counts (fastestOf). Three, as in the x12 section:
 * on 2026-12-06 one bench run's two 200 MB runs took 4.05 and 5.10 s where the others' fastest
 * took 3.10-3.23 s (the shared machine slowed both).
 */
const BIG_RUNS = 3;

/** Semantic translation (@ediflow/hipaa, 837P guide) + JSON serialization vs node-x12's X12Parser.parse. */
export function translateSection(sizeMb = 200, smallMb = 10): Section {
  return {
    name: 'translate',
    title: `Semantic translation: 837P (synthetic, valid) -> guide JSON documents, ${sizeMb} MB and ${smallMb} MB`,
    async run(options: BenchOptions): Promise<SectionResult> {
      const start = (job: string, label: string, file: string, extra: Record<string, unknown> = {}): Promise<JobResult> => {
        options.log(`translate: ${label} ...`);
        return runJob(job, { file, ...extra }, { timeoutMs: 300_000, maxOldSpaceMb: 8192 });
      };
      const run = (job: string, label: string, file: string, extra: Record<string, unknown> = {}): Promise<JobResult | string> =>
        start(job, label, file, extra).catch((err: unknown) => (err as Error).message);
      const small = join(options.tmpDir, `translate-837p-${smallMb}mb.x12`);
      const big = join(options.tmpDir, `translate-837p-${sizeMb}mb.x12`);
      options.log(`translate: generating ${smallMb} MB and ${sizeMb} MB 837P ...`);
      await write837P(small, { targetBytes: smallMb * MB });
      const oursSmall = await run('hipaa-translate', `ediflow on ${smallMb} MB (best of 3)`, small, { repeat: 3 });
      const claimsSmall = await run('hipaa-translate-claims', `ediflow per-claim documents on ${smallMb} MB (best of 3)`, small, { repeat: 3 });
      const treeSmall = await run('hipaa-translate-tree', `ediflow tree + JSON.stringify on ${smallMb} MB (best of 3)`, small, { repeat: 3 });
      const validateSmall = await run('hipaa-validate', `ediflow validation on ${smallMb} MB (best of 3)`, small, { repeat: 3 });
      const nodeX12 = await run('nodex12-parse', `node-x12 X12Parser.parse on ${smallMb} MB (best of 3)`, small, { repeat: 3 });
      await rm(small, { force: true });
      await write837P(big, { targetBytes: sizeMb * MB });
      const [oursBig] = await fastestOf(BIG_RUNS, [() => start('hipaa-translate', `ediflow on ${sizeMb} MB`, big)]);
      await rm(big, { force: true });
      const mbps = (r: JobResult | string): number | undefined => (typeof r === 'string' ? undefined : r.bytes / MB / r.seconds);
      const cells = (r: JobResult | string, size: number): Record<string, string | undefined> =>
        typeof r === 'string'
          ? { file: `${size} MB`, seconds: r }
          : {
              file: `${size} MB`, 'MB/s': fmt(mbps(r)), 'peak RSS MB': fmt(r.maxRssMb), seconds: secondsCell(r),
              ...(r.jsonBytes !== undefined ? { 'JSON x X12 size': `${fmt(r.jsonBytes / r.bytes)}x` } : {}),
              ...(r.stringifySeconds !== undefined ? { 'JSON.stringify s': fmt(r.stringifySeconds) } : {}),
            };
      const bigRate = mbps(oursBig);
      const ratio = (a: JobResult | string, b: JobResult | string): number | undefined =>
        mbps(a) !== undefined && mbps(b) !== undefined ? (mbps(a) as number) / (mbps(b) as number) : undefined;
      const speedup = ratio(oursSmall, nodeX12);
      const treeSpeedup = ratio(treeSmall, nodeX12);
      const claimsSpeedup = ratio(claimsSmall, nodeX12);
      const validateSpeedup = ratio(validateSmall, nodeX12);
      return {
        columns: ['file', 'MB/s', 'peak RSS MB', 'x node-x12 parse', 'JSON x X12 size', 'JSON.stringify s', 'seconds'],
        rows: [
          {
            label: 'ediflow translate + JSON',
            cells: cells(oursBig, sizeMb),
            targets: [
              { text: `>= 50 MB/s on ${sizeMb} MB`, pass: bigRate === undefined ? undefined : bigRate >= 50 },
              { text: `peak RSS <= 200 MB on ${sizeMb} MB`, pass: typeof oursBig === 'string' ? undefined : oursBig.maxRssMb <= 200 },
            ],
          },
          {
            label: 'ediflow translate + JSON',
            cells: { ...cells(oursSmall, smallMb), 'x node-x12 parse': speedup === undefined ? undefined : `${fmt(speedup)}x` },
            targets: [{ text: `>= 10x node-x12 X12Parser.parse on ${smallMb} MB`, pass: speedup === undefined ? undefined : speedup >= 10 }],
          },
          {
            label: 'ediflow per claim + JSON',
            cells: { ...cells(claimsSmall, smallMb), 'x node-x12 parse': claimsSpeedup === undefined ? undefined : `${fmt(claimsSpeedup)}x` },
          },
          {
            label: 'ediflow tree + JSON.stringify',
            cells: { ...cells(treeSmall, smallMb), 'x node-x12 parse': treeSpeedup === undefined ? undefined : `${fmt(treeSpeedup)}x` },
          },
          {
            label: 'ediflow validation (999 checks)',
            cells: { ...cells(validateSmall, smallMb), 'x node-x12 parse': validateSpeedup === undefined ? undefined : `${fmt(validateSpeedup)}x` },
          },
          { label: 'node-x12 X12Parser.parse', cells: cells(nodeX12, smallMb) },
        ],
        notes: [
          'ediflow translate + JSON: readX12 streaming (1 MiB chunks), every transaction set written by @ediflow/hipaa writeSemanticJson (837P guide:',
          '  loops, camelCase fields) straight from its bytes to JSON, to a null sink: what the translator service and `edi translate` publish per set.',
          'ediflow per claim + JSON: one document per claim (split claim) written from the bytes by semanticClaimsJsonBytes, to a null sink;',
          '  each document repeats its claim\'s billing provider, subscriber and patient, so there is more JSON than in one document per set.',
          'ediflow tree + JSON.stringify: the one-per-set documents (the same text) through translateTransaction\'s object tree and JSON.stringify,',
          '  the tree lenient mode\'s decisions and the 277CA are made on; JSON.stringify s is the part of its seconds spent in V8\'s JSON.stringify alone.',
          'ediflow validation: envelopes, X12 syntax and the implementation guide (ReportBuilder + guideValidator): the checks the',
          '  translator service runs over a file before it translates it (no target; shown because the service runs both passes).',
          'node-x12 X12Parser.parse: the whole file as a string into its generic segment object model (no guide, no JSON output): less work than the translation.',
          `${smallMb} MB rows: fastest of 3 runs in one process (peak RSS of that process); ${sizeMb} MB: the fastest of ${BIG_RUNS} runs, each in a fresh process`,
          '  (seconds of the slowest in brackets; peak RSS = the highest). MB/s = file MiB / seconds of the fastest run.',
          'JSON x X12 size: JSON bytes written per X12 byte read (camelCase names, loop nesting and source pointers).',
        ],
      };
    },
  };
}
