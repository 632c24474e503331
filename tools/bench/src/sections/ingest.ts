import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fastestOf, runJob, type JobResult } from '../child';
import { removeCipherFixture, writeCipherFixture, type CipherFixture } from '../pgp-fixture';
import { MB, fmt, secondsCell, type BenchOptions, type Row, type Section, type SectionResult } from '../section';

/** Runs of each 200 MB row; the fastest counts (fastestOf). */
const ROUNDS = 3;

/**
 * Ingest end to end: @ediflow/ingest's processObject (read the upload, streaming decrypt + verify,
 * store, publish, archive on an embedded store) against openpgp's own streamed decrypt of the same
 * file, each in its own child process; with --1gb also a 1 GB file for peak RSS.
 */
export function ingestSection(sizeMb = 200): Section {
  return {
    name: 'ingest',
    title: `Ingest pipeline: ${sizeMb} MB signed + encrypted 837P, decrypt + verify + store vs openpgp raw decrypt`,
    async run(options: BenchOptions): Promise<SectionResult> {
      const run = async (job: string, label: string, f: CipherFixture, extra: Record<string, unknown> = {}): Promise<JobResult> => {
        options.log(`ingest: ${label} ...`);
        const params = { file: f.cipherFile, cipherFile: f.cipherFile, privateKeyFile: f.privateKeyFile, publicKeyFile: f.publicKeyFile, plainBytes: f.plainBytes, isaSenderId: 'BENCHSUBMITTER', ...extra };
        return runJob(job, params, { timeoutMs: 900_000 });
      };
      const ingestRun = async (f: CipherFixture): Promise<JobResult> => {
        const storeRoot = await mkdtemp(join(options.tmpDir, 'ingest-store-'));
        try {
          return await run('ingest-file', `ingest ${fmt(f.plainBytes / MB)} MB`, f, { storeRoot });
        } finally {
          await rm(storeRoot, { recursive: true, force: true });
        }
      };
      options.log(`ingest: generating and encrypting ${sizeMb} MB ...`);
      const fixture = await writeCipherFixture(options.tmpDir, 'ingest', sizeMb);
      const [raw, ours] = await fastestOf(ROUNDS, [() => run('pgp-raw-decrypt', 'openpgp raw decrypt', fixture), () => ingestRun(fixture)]);
      await removeCipherFixture(fixture);
      let big: JobResult | string | undefined;
      if (options.oneGb) {
        options.log('ingest: generating and encrypting 1024 MB ...');
        const f = await writeCipherFixture(options.tmpDir, 'ingest', 1024);
        big = await ingestRun(f).catch((err: unknown) => (err as Error).message);
        await removeCipherFixture(f);
      }
      const mbps = (r: JobResult): number => r.bytes / MB / r.seconds;
      const ratio = typeof raw !== 'string' && typeof ours !== 'string' ? mbps(ours) / mbps(raw) : undefined;
      const cells = (r: JobResult | string): Row['cells'] =>
        typeof r === 'string' ? { seconds: r } : { plaintext: `${fmt(r.bytes / MB)} MB`, 'MB/s': fmt(mbps(r)), 'peak RSS MB': fmt(r.maxRssMb), seconds: secondsCell(r) };
      const rows: Row[] = [
        { label: 'openpgp raw decrypt', cells: cells(raw) },
        {
          label: 'ediflow ingest',
          cells: { ...cells(ours), 'vs raw': ratio === undefined ? undefined : `${fmt(ratio * 100)} %` },
          targets: [{ text: 'ingest >= 80 % of openpgp raw decrypt', pass: ratio === undefined ? undefined : ratio >= 0.8 }],
        },
      ];
      if (big !== undefined) {
        rows.push({
          label: 'ediflow ingest, 1 GB',
          cells: cells(big),
          targets: [{ text: 'peak RSS <= 200 MB on a 1 GB file', pass: typeof big === 'string' ? undefined : big.maxRssMb <= 200 }],
        });
      } else {
        rows.push({ label: 'ediflow ingest, 1 GB', cells: { seconds: 'run with --1gb' }, targets: [{ text: 'peak RSS <= 200 MB on a 1 GB file', pass: undefined }] });
      }
      return {
        columns: ['plaintext', 'MB/s', 'peak RSS MB', 'vs raw', 'seconds'],
        rows,
        notes: [
          `One synthetic 837P (${fmt(fixture.plainBytes / MB)} MiB, ${fmt(fixture.cipherBytes / MB)} MiB cipher), signed by the partner and encrypted to us (curve25519, SEIPD), on disk.`,
          'openpgp raw decrypt: openpgp.decrypt over a pull web stream of 1 MiB file chunks, plaintext drained, signature awaited (as in the pgp section).',
          'ediflow ingest: the file is put into an embedded store under inbound/bench/ (not timed), then createIngest().processObject is timed: read the',
          '  upload, streaming decrypt + verify (signature required), write work/<id>/source.x12 (fsync) and file.json, publish FileReceived (MemoryBus), archive.',
          `${sizeMb} MB rows: the fastest of ${ROUNDS} runs, the two rows taking turns, every run its own child process; seconds of the slowest run in`,
          '  brackets; peak RSS = the highest of its runs (1 GB: one run). MB/s = plaintext MiB / seconds of the fastest run; vs raw = ingest MB/s / raw MB/s.',
        ],
      };
    },
  };
}
