import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fastestOf, runJob, type JobResult } from '../child';
import { write837P } from '../generate-837p';
import { MB, fmt, secondsCell, type BenchOptions, type Row, type Section, type SectionResult } from '../section';

/** Runs of each pipeline row, taking turns off / on; the fastest counts (fastestOf). */
const PIPELINE_ROUNDS = 2;
/** How long the first run with tracking waits, after its last callback, for tracking to hold everything. */
const TRACKED_WAIT_S = 900;

/** Transaction sets and claims in an X12 file, counted by their segment ids at line starts (the generator writes one segment per line). */
export async function countSetsAndClaims(file: string): Promise<{ sets: number; claims: number }> {
  let sets = 0;
  let claims = 0;
  let tail = '';
  for await (const chunk of createReadStream(file, { encoding: 'latin1' })) {
    const text = tail + (chunk as string);
    const cut = text.lastIndexOf('\n');
    for (const m of text.slice(0, cut + 1).matchAll(/(?:^|\n)(ST|CLM)\*/g)) {
      if (m[1] === 'ST') sets++;
      else claims++;
    }
    tail = text.slice(cut + 1);
  }
  return { sets, claims };
}

/** The whole npm start pipeline on a 200 MB 837P, tracking off and on in turns. */
async function pipelineRows(options: BenchOptions, sizeMb: number): Promise<{ rows: Row[]; notes: string[] }> {
  const file = join(options.tmpDir, `pipeline-${sizeMb}mb.837`);
  options.log(`tracking: generating a ${sizeMb} MB 837P ...`);
  const bytes = await write837P(file, { targetBytes: sizeMb * MB });
  const { sets, claims } = await countSetsAndClaims(file);
  let catchUp: JobResult | undefined;
  const run = (tracking: boolean) => async (): Promise<JobResult> => {
    options.log(`tracking: npm start pipeline, tracking ${tracking ? 'on' : 'off'} ...`);
    const trackedWaitSeconds = tracking && catchUp === undefined ? TRACKED_WAIT_S : 0;
    const r = await runJob('pipeline-wall', { file, bytes, sets, claims, tracking, tmpDir: options.tmpDir, trackedWaitSeconds }, { timeoutMs: 1_200_000 + trackedWaitSeconds * 1000 });
    if (trackedWaitSeconds > 0) catchUp = r;
    return r;
  };
  const [off, on] = await fastestOf(PIPELINE_ROUNDS, [run(false), run(true)]);
  const tracked = catchUp === undefined ? undefined : catchUp.trackedSeconds !== undefined ? fmt(catchUp.trackedSeconds) : `> ${fmt(catchUp.seconds + TRACKED_WAIT_S)} (${catchUp.trackedClaims} claims)`;
  await rm(file, { force: true });
  const ratio = typeof off !== 'string' && typeof on !== 'string' ? on.seconds / off.seconds : undefined;
  const cells = (r: JobResult | string): Row['cells'] => (typeof r === 'string' ? { 'wall s': r } : { 'wall s': secondsCell(r), 'MB/s': fmt(r.bytes / MB / r.seconds) });
  return {
    rows: [
      { label: `npm start, ${sizeMb} MB 837P, tracking off`, cells: cells(off) },
      {
        label: `npm start, ${sizeMb} MB 837P, tracking on`,
        cells: {
          ...cells(on),
          'vs off': ratio === undefined ? undefined : `+${fmt((ratio - 1) * 100)} %`,
          'tracked s': tracked,
        },
        targets: [{ text: 'wall time <= 1.10 x tracking off', pass: ratio === undefined ? undefined : ratio <= 1.1 }],
      },
    ],
    notes: [
      `The whole \`npm start\` process (embedded bus and store, tracking on PGlite in the same process) in a fresh home, a callback receiver on 127.0.0.1 answering 204. A ${fmt(bytes / MB)} MB 837P (${sets} sets, ${claims.toLocaleString('en-US')} claims) is encrypted and signed as the demo partner (not timed) and put into inbound/demo-partner/; wall s runs from then to the last set's callback. Tracking off is TRACKING_EVENTS=false. ${PIPELINE_ROUNDS} runs each, taking turns; fastest (slowest).`,
      `tracked s (first run with tracking): from the same start until the tracking API shows the file with all its claims and delivered callbacks; the tracking consumer is off the hot path, so it may finish after the last callback (waited for at most ${TRACKED_WAIT_S} s more).`,
    ],
  };
}

/** Tracking lookups on PostgreSQL with a million claims seeded. */
export function trackingSection(claims = 1_000_000, pipelineMb = 200): Section {
  return {
    name: 'tracking',
    title: `Tracking: API on PostgreSQL 15 with ${claims.toLocaleString('en-US')} claims; pipeline wall time with tracking on vs off`,
    async run(options: BenchOptions): Promise<SectionResult> {
      options.log('tracking: seeding and looking up ...');
      let r: Awaited<ReturnType<typeof runJob>> | string;
      try {
        r = await runJob('tracking-lookups', { claims, lookups: 1000 }, { timeoutMs: 900_000 });
      } catch (err) {
        r = (err as Error).message;
      }
      const m = typeof r === 'string' ? undefined : r;
      const pipeline = await pipelineRows(options, pipelineMb);
      return {
        columns: ['p50 ms', 'p99 ms', 'seed s', 'wall s', 'MB/s', 'vs off', 'tracked s'],
        rows: [
          {
            label: 'GET /v1/claims/{id}',
            cells: m ? { 'p50 ms': fmt(m.claimP50Ms), 'p99 ms': fmt(m.claimP99Ms), 'seed s': fmt(m.seedSeconds) } : { 'p50 ms': r as string },
            targets: [{ text: 'p99 < 50 ms', pass: m ? m.claimP99Ms < 50 : undefined }],
          },
          {
            label: 'GET /v1/files?partner=&from=&to= (one day)',
            cells: m ? { 'p50 ms': fmt(m.filesP50Ms), 'p99 ms': fmt(m.filesP99Ms) } : {},
            targets: [{ text: 'p99 < 50 ms', pass: m ? m.filesP99Ms < 50 : undefined }],
          },
          ...pipeline.rows,
        ],
        notes: [
          `A private PostgreSQL 15 cluster (tools/postgres, fsync off), the tracking schema migrated, ${claims.toLocaleString('en-US')} claims with 4 events each and one file per 50 claims seeded with INSERT ... SELECT over 20 partners and 90 days, then ANALYZE.`,
          '1,000 claim lookups by random id, then 500 file listings by partner and day (limit 50), one request at a time through the tracking API over HTTP on 127.0.0.1 (bearer token), timed from the request to the last byte of the body.',
          ...pipeline.notes,
        ],
      };
    },
  };
}
