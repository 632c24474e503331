import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_REF, OURS, prepareBase } from '../base-build';
import { fastestOf, runCli, runJob, type JobResult } from '../child';
import { write837P } from '../generate-837p';
import type { BenchPartner } from '../jobs/translate';
import { MB, fmt, secondsCell, type BenchOptions, type Row, type Section, type SectionResult } from '../section';

/** Fresh-process runs of each measurement on the big file, this build and the one before taking turns; the fastest counts. */
const RUNS = 3;

/** What a user runs, each a whole command or the service's file path, with its targets on the big file. */
interface Measurement {
  label: string;
  /** `edi` arguments before the file, or the partner of a translator run. */
  cli?: string[];
  partner?: BenchPartner;
  mbps: number;
}

const MEASUREMENTS: Measurement[] = [
  { label: 'npx edi translate', cli: ['translate'], mbps: 50 },
  { label: 'npx edi translate --split claim', cli: ['translate', '--split', 'claim'], mbps: 40 },
  { label: 'translator file path', partner: {}, mbps: 50 },
  { label: 'translator, lenient + 277CA', partner: { lenient: true, acknowledgments: ['999', '277CA'] }, mbps: 40 },
];

/**
 * Semantic translation as users run it, on a synthetic valid 837P (500 claims per set): `edi
 * translate` with the guide checks (and split per claim) as whole processes, and the translator
 * service's file path (both reads, checks, documents, publishing to a bus that keeps nothing,
 * acknowledgments) for a strict partner and for a lenient one that wants the 277CA; each beside
 * the build before the hipaa façade (`--base`, default BASE_REF) in the same run.
 */
export function translateSection(sizeMb = 200, base = BASE_REF): Section {
  return {
    name: 'translate',
    title: `Semantic translation: 837P (synthetic, valid) -> guide JSON documents, ${sizeMb} MB, as users run it`,
    async run(options: BenchOptions): Promise<SectionResult> {
      const file = join(options.tmpDir, `translate-837p-${sizeMb}mb.x12`);
      const baseBuild = prepareBase(options.base ?? base, options.tmpDir, options.log);
      options.log(`translate: generating ${sizeMb} MB 837P ...`);
      await write837P(file, { targetBytes: sizeMb * MB });
      // the translator runs read the file from one embedded store, filled once here
      const storeRoot = join(options.tmpDir, 'translator-store');
      await runJob('translator-store', { file, storeRoot });
      const run = (m: Measurement, root: string, who: string) => (): Promise<JobResult> => {
        options.log(`translate: ${m.label} (${who}) ...`);
        return m.cli !== undefined
          ? runCli(root, [...m.cli, file], file, { timeoutMs: 600_000 })
          : runJob('translator-file', { file, root, partner: m.partner, storeRoot }, { timeoutMs: 600_000 });
      };
      const rows: Row[] = [];
      const mbps = (r: JobResult | string): number | undefined => (typeof r === 'string' ? undefined : r.bytes / MB / r.seconds);
      const cells = (r: JobResult | string): Row['cells'] =>
        typeof r === 'string' ? { seconds: r } : { 'MB/s': fmt(mbps(r)), 'peak RSS MB': fmt(r.maxRssMb), seconds: secondsCell(r) };
      for (const m of MEASUREMENTS) {
        const thunks = [run(m, OURS, 'this build')];
        if ('root' in baseBuild) thunks.push(run(m, baseBuild.root, 'before'));
        const [ours, before] = await fastestOf(RUNS, thunks);
        const rate = mbps(ours);
        const speedup = before === undefined ? undefined : rate !== undefined && mbps(before) !== undefined ? rate / (mbps(before) as number) : undefined;
        rows.push({
          label: m.label,
          cells: { build: 'this', ...cells(ours), 'x before': speedup === undefined ? undefined : `${fmt(speedup)}x` },
          targets: [
            { text: `${m.label}: >= ${m.mbps} MB/s on ${sizeMb} MB`, pass: rate === undefined ? undefined : rate >= m.mbps },
            { text: `${m.label}: peak RSS <= 200 MB on ${sizeMb} MB`, pass: typeof ours === 'string' ? undefined : ours.maxRssMb <= 200 },
          ],
        });
        rows.push({ label: '', cells: before === undefined ? { build: 'before', seconds: (baseBuild as { error: string }).error } : { build: 'before', ...cells(before) } });
      }
      await rm(file, { force: true });
      return {
        columns: ['build', 'MB/s', 'peak RSS MB', 'x before', 'seconds'],
        rows,
        notes: [
          `this = this checkout; before = ${'root' in baseBuild ? baseBuild.root : 'not measured'} (the build before the hipaa façade unless --base says otherwise),`,
          `  each measurement run ${RUNS} times in fresh processes, the two builds taking turns; the fastest run counts (seconds of the slowest in brackets).`,
          'npx edi translate [--split claim]: the whole `edi` process (node start-up included) on the file, guide checks on, stdout to /dev/null;',
          '  peak RSS is the process\'s.',
          'translator file path: createTranslator().translate(FileReceived) on an embedded store holding the file (put there once, before): the envelope read, the read that',
          '  checks each set and writes its documents, publishing every body inline to a bus that keeps nothing, the TA1/999 and the outcome',
          '  written to the store. The lenient partner gets one document per accepted claim and a 277CA per set.',
          'MB/s = file MiB / seconds of the fastest run; x before = this build\'s MB/s over the build before.',
        ],
      };
    },
  };
}
