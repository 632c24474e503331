import { fastestOf, runJob, type JobResult } from '../child';
import { removeCipherFixture, writeCipherFixture } from '../pgp-fixture';
import { MB, fmt, secondsCell, type BenchOptions, type Section, type SectionResult } from '../section';

/** Runs of each row; the fastest counts (fastestOf). */
const ROUNDS = 3;

/**
 * Ingest decryption: shared/pgp decryptStream (decrypt + signature verification + size cap, Node
 * streams) against openpgp's own streamed decrypt of the same signed, encrypted file.
 */
export function pgpSection(sizeMb = 200): Section {
  return {
    name: 'pgp',
    title: `Ingest decrypt: ${sizeMb} MB 837P, signed + encrypted (curve25519, SEIPD)`,
    async run(options: BenchOptions): Promise<SectionResult> {
      options.log(`pgp: generating and encrypting ${sizeMb} MB ...`);
      const fixture = await writeCipherFixture(options.tmpDir, 'pgp', sizeMb);
      const { cipherFile, privateKeyFile, publicKeyFile, plainBytes, cipherBytes } = fixture;
      const params = { file: cipherFile, privateKeyFile, publicKeyFile, plainBytes };
      const run = (job: string, label: string) => (): Promise<JobResult> => {
        options.log(`pgp: ${label} ...`);
        return runJob(job, params, { timeoutMs: 300_000 });
      };
      const [raw, ours1] = await fastestOf(ROUNDS, [run('pgp-raw-decrypt', 'openpgp raw decrypt'), run('pgp-decrypt-stream', 'decryptStream')]);
      await removeCipherFixture(fixture);
      const mbps = (r: JobResult): number => r.bytes / MB / r.seconds;
      const ratio = typeof raw !== 'string' && typeof ours1 !== 'string' ? mbps(ours1) / mbps(raw) : undefined;
      const cells = (r: JobResult | string): Record<string, string | undefined> =>
        typeof r === 'string' ? { seconds: r } : { 'MB/s': fmt(mbps(r)), 'peak RSS MB': fmt(r.maxRssMb), seconds: secondsCell(r) };
      return {
        columns: ['plaintext', 'MB/s', 'peak RSS MB', 'vs raw', 'seconds'],
        rows: [
          { label: 'openpgp raw decrypt', cells: { plaintext: `${sizeMb} MB`, ...cells(raw) } },
          {
            label: 'ediflow decryptStream',
            cells: { plaintext: `${sizeMb} MB`, ...cells(ours1), 'vs raw': ratio === undefined ? undefined : `${fmt(ratio * 100)} %` },
            targets: [{ text: 'decryptStream >= 80 % of openpgp raw decrypt', pass: ratio === undefined ? undefined : ratio >= 0.8 }],
          },
        ],
        notes: [
          `The same file: ${fmt(plainBytes / MB)} MiB of X12, signed by the partner and encrypted to us (${fmt(cipherBytes / MB)} MiB cipher), read from disk.`,
          'openpgp raw decrypt: openpgp.decrypt over a pull web stream of 1 MiB file chunks (allowUnauthenticatedStream), plaintext drained, signature awaited.',
          'ediflow decryptStream: shared/pgp decryptStream from a file Readable, signature required + verified, size cap, piped to a null Writable.',
          `Each row: the fastest of ${ROUNDS} runs, the two rows taking turns, every run its own child process; seconds of the slowest run in brackets;`,
          '  peak RSS = the highest of its runs. MB/s = plaintext MiB / seconds of the fastest run.',
        ],
      };
    },
  };
}
