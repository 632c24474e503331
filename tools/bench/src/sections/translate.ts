import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_REF, OURS, prepareBase } from '../base-build';
import { fastestOf, runCli, runJob, type JobResult } from '../child';
import { write271 } from '../generate-271';
import { write834 } from '../generate-834';
import { write837P } from '../generate-837p';
import type { BenchPartner } from '../jobs/translate';
import { MB, fmt, secondsCell, type BenchOptions, type Row, type Section, type SectionResult } from '../section';

/** Fresh-process runs of each measurement on the big file, this build and the one before taking turns; the fastest counts. */
const RUNS = 3;

/** The synthetic files the rows read, each valid against ediflow's guide checks (generators in src/generate-*.ts). */
type Input = '837p' | '834' | '834-one-set' | '271';

/** What a user runs, each a whole command or the service's file path, with its targets on the big file. */
interface Measurement {
  /** The name `--rows` selects it by. */
  key: string;
  label: string;
  input: Input;
  /** `edi` arguments before the file, or the partner of a translator run. */
  cli?: string[];
  partner?: BenchPartner;
  mbps: number;
}

/** The shapes of the generated 834 and 271: members (INS loops) and subscribers (2000C) per ST/SE. */
export interface TranslateShapes {
  membersPerSet: number;
  subscribersPerSet: number;
}

export const DEFAULT_SHAPES: TranslateShapes = { membersPerSet: 2000, subscribersPerSet: 1000 };

function measurements(shapes: TranslateShapes): Measurement[] {
  return [
    { key: '837p', label: 'npx edi translate', input: '837p', cli: ['translate'], mbps: 50 },
    { key: '837p-split', label: 'npx edi translate --split claim', input: '837p', cli: ['translate', '--split', 'claim'], mbps: 40 },
    { key: 'service', label: 'translator file path', input: '837p', partner: {}, mbps: 50 },
    { key: 'service-lenient', label: 'translator, lenient + 277CA', input: '837p', partner: { lenient: true, acknowledgments: ['999', '277CA'] }, mbps: 40 },
    { key: '834', label: `npx edi translate 834 (${shapes.membersPerSet.toLocaleString('en-US')} members a set)`, input: '834', cli: ['translate'], mbps: 50 },
    { key: '834-one-set', label: 'npx edi translate 834 (the whole file one set)', input: '834-one-set', cli: ['translate'], mbps: 50 },
    { key: '271', label: `npx edi translate 271 (${shapes.subscribersPerSet.toLocaleString('en-US')} subscribers a set)`, input: '271', cli: ['translate'], mbps: 50 },
  ];
}

/** The row keys `--rows` accepts, in the order they run. */
export const TRANSLATE_ROWS: readonly string[] = measurements(DEFAULT_SHAPES).map((m) => m.key);

function writeInput(input: Input, path: string, targetBytes: number, shapes: TranslateShapes): Promise<number> {
  switch (input) {
    case '837p':
      return write837P(path, { targetBytes });
    case '834':
      return write834(path, { targetBytes, membersPerTransaction: shapes.membersPerSet });
    case '834-one-set':
      return write834(path, { targetBytes, membersPerTransaction: Infinity });
    case '271':
      return write271(path, { targetBytes, subscribersPerTransaction: shapes.subscribersPerSet });
  }
}

/**
 * Semantic translation as users run it, on synthetic valid files: an 837P (500 claims per set) with
 * `edi translate` (and split per claim) as whole processes and the translator service's file path
 * (both reads, checks, documents, publishing to a bus that keeps nothing, acknowledgments) for a
 * strict partner and for a lenient one that wants the 277CA; an 834 (`shapes.membersPerSet`
 * members per set, and the whole file as one set) and a 271 with `edi translate`. Each beside
 * the build before the hipaa façade (`--base`, default BASE_REF) in the same run; `options.rows`
 * (`--rows`) runs only the rows named.
 */
export function translateSection(sizeMb = 200, base = BASE_REF, defaultShapes: TranslateShapes = DEFAULT_SHAPES): Section {
  return {
    name: 'translate',
    title: `Semantic translation: 837P, 834, 271 (synthetic, valid) -> guide JSON documents, ${sizeMb} MB, as users run it`,
    async run(options: BenchOptions): Promise<SectionResult> {
      const shapes = { ...defaultShapes, membersPerSet: options.membersPerSet ?? defaultShapes.membersPerSet };
      const selected = measurements(shapes).filter((m) => options.rows === undefined || options.rows.includes(m.key));
      const baseBuild = prepareBase(options.base ?? base, options.tmpDir, options.log);
      const files = new Map<Input, string>();
      const fileFor = async (input: Input): Promise<string> => {
        const known = files.get(input);
        if (known !== undefined) return known;
        const file = join(options.tmpDir, `translate-${input}-${sizeMb}mb.x12`);
        options.log(`translate: generating ${sizeMb} MB ${input} ...`);
        await writeInput(input, file, sizeMb * MB, shapes);
        files.set(input, file);
        return file;
      };
      // the translator runs read the file from one embedded store, filled once here
      const storeRoot = join(options.tmpDir, 'translator-store');
      if (selected.some((m) => m.partner !== undefined)) await runJob('translator-store', { file: await fileFor('837p'), storeRoot });
      const run = (m: Measurement, file: string, root: string, who: string) => (): Promise<JobResult> => {
        options.log(`translate: ${m.label} (${who}) ...`);
        return m.cli !== undefined
          ? runCli(root, [...m.cli, file], file, { timeoutMs: 600_000 })
          : runJob('translator-file', { file, root, partner: m.partner, storeRoot }, { timeoutMs: 600_000 });
      };
      const rows: Row[] = [];
      const mbps = (r: JobResult | string): number | undefined => (typeof r === 'string' ? undefined : r.bytes / MB / r.seconds);
      const cells = (r: JobResult | string): Row['cells'] =>
        typeof r === 'string' ? { seconds: r } : { 'MB/s': fmt(mbps(r)), 'peak RSS MB': fmt(r.maxRssMb), seconds: secondsCell(r) };
      for (const [i, m] of selected.entries()) {
        const file = await fileFor(m.input);
        const thunks = [run(m, file, OURS, 'this build')];
        if ('root' in baseBuild) thunks.push(run(m, file, baseBuild.root, 'before'));
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
        // a file no later row reads is deleted at once (each is 200 MB)
        if (!selected.slice(i + 1).some((later) => later.input === m.input)) await rm(file, { force: true });
      }
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
          `834: about ${shapes.membersPerSet} members a set (subscribers: INS*Y, 2100A with PER/N3/N4/DMG, 2300 HD/DTP/REF, 60 % with dental, and their 0-3 dependents);`,
          '  "one set": the same members in a single ST/SE, as many payers send them. 271: one payer and one provider per set,',
          `  ${shapes.subscribersPerSet} subscribers (2000C) with 7-8 EB each (EB03 repetitions, EB13 composite, MSG, DTP, REF, a PCP in LS/LE half the time),`,
          '  a quarter with a dependent (2000D). The build before has no 834 or 271 guide: its rows are generic segment lists.',
          'MB/s = file MiB / seconds of the fastest run; x before = this build\'s MB/s over the build before.',
        ],
      };
    },
  };
}
