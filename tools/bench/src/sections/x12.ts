import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { fastestOf, runJob, type JobResult } from '../child';
import { write837P } from '../generate-837p';
import { MB, fmt, secondsCell, type BenchOptions, type Row, type Section, type SectionResult } from '../section';

/**
 * X12 engine: ediflow (streaming read + envelope checks + JSON) against node-x12's X12Parser.parse
 * and its streaming parser, each measurement in its own child process.
 */
export interface X12SectionConfig {
  sizesMb: number[];
  /** Largest file node-x12's whole-file parse is run on (it holds the whole object model). */
  nodeX12ParseMaxMb: number;
}

export const DEFAULT_X12_CONFIG: X12SectionConfig = { sizesMb: [10, 200], nodeX12ParseMaxMb: 10 };

/** Fresh-process runs of each 200 MB measurement; the fastest counts. */
const BIG_RUNS = 3;

const SMALL_CHUNKS = 'ediflow, 256 KiB chunks';

const COLUMNS = ['file', 'MB/s', 'segments/s', 'peak RSS MB', 'x node-x12 parse', 'x node-x12 stream', 'seconds'];

interface Measured {
  engine: string;
  sizeMb: number;
  r?: JobResult;
  error?: string;
}

async function measure(job: string, engine: string, file: string, sizeMb: number, log: BenchOptions['log'], extra: Record<string, unknown> = {}): Promise<Measured> {
  log(`x12: ${engine} on ${sizeMb} MB ...`);
  try {
    // node-x12 gets a generous heap so that it is measured rather than killed on the smaller files
    const options = { maxOldSpaceMb: 8192, timeoutMs: 300_000 };
    if (sizeMb > 10) {
      // 200 MB: the fastest of BIG_RUNS fresh processes (fastestOf); 1 GB: one run (its peak RSS is what it is for)
      const [r] = await fastestOf(sizeMb > 200 ? 1 : BIG_RUNS, [() => runJob(job, { file, ...extra }, options)]);
      return typeof r === 'string' ? { engine, sizeMb, error: r } : { engine, sizeMb, r };
    }
    // small file: the time is the fastest of 3 runs in one process; the peak RSS comes from a single run in a fresh one
    const timed = await runJob(job, { file, repeat: 3, ...extra }, options);
    const single = await runJob(job, { file, ...extra }, options);
    return { engine, sizeMb, r: { ...timed, maxRssMb: single.maxRssMb } };
  } catch (err) {
    return { engine, sizeMb, error: (err as Error).message };
  }
}

export function x12Section(config: X12SectionConfig = DEFAULT_X12_CONFIG): Section {
  return {
    name: 'x12',
    title: 'X12 engine: 837P files (synthetic, valid), parse + validate + JSON',
    async run(options: BenchOptions): Promise<SectionResult> {
      const sizes = options.oneGb ? [...config.sizesMb, 1024] : config.sizesMb;
      const all: Measured[] = [];
      for (const sizeMb of sizes) {
        const file = join(options.tmpDir, `bench-837p-${sizeMb}mb.x12`);
        options.log(`x12: generating ${sizeMb} MB 837P ...`);
        await write837P(file, { targetBytes: sizeMb * MB });
        all.push(await measure('x12-engine', 'ediflow', file, sizeMb, options.log));
        if (sizeMb >= 200) all.push(await measure('x12-engine', SMALL_CHUNKS, file, sizeMb, options.log, { chunkBytes: 256 * 1024 }));
        if (sizeMb <= config.nodeX12ParseMaxMb) all.push(await measure('nodex12-parse', 'node-x12 X12Parser.parse', file, sizeMb, options.log));
        else all.push({ engine: 'node-x12 X12Parser.parse', sizeMb, error: `not run above ${config.nodeX12ParseMaxMb} MB (whole file + object model in memory)` });
        if (sizeMb <= 200) all.push(await measure('nodex12-stream', 'node-x12 streaming', file, sizeMb, options.log));
        else all.push({ engine: 'node-x12 streaming', sizeMb, error: 'not run on 1 GB (time)' });
        await rm(file, { force: true });
      }
      return { columns: COLUMNS, rows: rows(all, options.oneGb), notes: NOTES };
    },
  };
}

const mbps = (r: JobResult): number => r.bytes / MB / r.seconds;

function rows(all: Measured[], oneGb: boolean): Row[] {
  const find = (engine: string, sizeMb: number): JobResult | undefined => all.find((m) => m.engine === engine && m.sizeMb === sizeMb)?.r;
  const out: Row[] = [];
  for (const m of all) {
    const row: Row = { label: m.engine, cells: { file: `${m.sizeMb} MB` } };
    if (m.r === undefined) row.cells.seconds = m.error;
    else {
      const r = m.r;
      Object.assign(row.cells, { 'MB/s': fmt(mbps(r)), 'segments/s': fmt(r.segments / r.seconds), 'peak RSS MB': fmt(r.maxRssMb), seconds: secondsCell(r) });
      if (m.engine === 'ediflow') {
        const parse = find('node-x12 X12Parser.parse', m.sizeMb);
        const stream = find('node-x12 streaming', m.sizeMb);
        if (parse !== undefined) row.cells['x node-x12 parse'] = `${fmt(mbps(r) / mbps(parse))}x`;
        if (stream !== undefined) row.cells['x node-x12 stream'] = `${fmt(mbps(r) / mbps(stream))}x`;
        row.targets = targets(m.sizeMb, r, parse, find('ediflow', 200), find('ediflow', 1024), oneGb);
      }
    }
    out.push(row);
  }
  return out;
}

function targets(sizeMb: number, r: JobResult, parse: JobResult | undefined, at200: JobResult | undefined, at1g: JobResult | undefined, oneGb: boolean): Row['targets'] {
  if (sizeMb === 10) return [{ text: '>= 20x node-x12 X12Parser.parse on 10 MB', pass: parse === undefined ? undefined : mbps(r) / mbps(parse) >= 20 }];
  if (sizeMb === 200) {
    return [
      { text: '>= 100 MB/s on 200 MB', pass: mbps(r) >= 100 },
      { text: 'peak RSS <= 150 MB on 200 MB', pass: r.maxRssMb <= 150 },
    ];
  }
  if (sizeMb === 1024 && oneGb) {
    // "flat": the 1 GB peak within 20 % (or 20 MB) of the 200 MB peak
    const flat = at200 !== undefined && at1g !== undefined ? at1g.maxRssMb <= Math.max(at200.maxRssMb * 1.2, at200.maxRssMb + 20) : undefined;
    return [{ text: 'peak RSS flat from 200 MB to 1 GB (within 20 % / 20 MB)', pass: flat }];
  }
  return undefined;
}

const NOTES = [
  'ediflow: readX12 over a 1 MiB-chunk file stream, every event into ReportBuilder (envelope checks + report), every transaction set',
  '  through writeTransactionJson into a null sink (64 KiB pieces of one reused buffer); the report must come out valid. Time from first read to report.',
  `${SMALL_CHUNKS}: the same with 256 KiB file chunks (less read-ahead: lower peak RSS, somewhat lower MB/s); targets use the 1 MiB row.`,
  'node-x12 X12Parser.parse: readFileSync(utf8) + new X12Parser(true).parse(text) into its object model (nothing validated).',
  'node-x12 streaming: file stream piped through node-x12\'s X12Parser Transform, each X12Segment object counted.',
  'On the 10 MB file every engine runs 3 times in one child process and the fastest run counts (a single 10 MB run is mostly JIT',
  `  warm-up); its peak RSS is measured on a single run in another child. On the 200 MB file every measurement runs in ${BIG_RUNS} fresh`,
  '  child processes and the fastest counts (seconds of the slowest in brackets; peak RSS = the highest of the three); 1 GB: one run.',
  'MB/s = file MiB / seconds; segments/s = segments read / seconds; peak RSS = maxRSS of the child process that ran only that',
  '  measurement (includes Node itself, ~40 MB); "x node-x12" = ediflow MB/s divided by node-x12 MB/s on the same file.',
];
