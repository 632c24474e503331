import { runJob, type JobResult } from '../child';
import { MB, fmt, type BenchOptions, type Section, type SectionResult } from '../section';

/**
 * Ingest end to end: @ediflow/ingest measureIngestThroughput (decrypt + verify + store + publish +
 * archive on an embedded store) against openpgp's raw in-memory decrypt of the same ciphertext.
 */
export function ingestSection(sizeMb = 200): Section {
  return {
    name: 'ingest',
    title: `Ingest pipeline: ${sizeMb} MB signed + encrypted file, decrypt + verify + store vs openpgp raw decrypt`,
    async run(options: BenchOptions): Promise<SectionResult> {
      options.log(`ingest: ${sizeMb} MB (keys, encrypt, raw decrypt, ingest) ...`);
      const r: JobResult | string = await runJob('ingest-throughput', { sizeBytes: sizeMb * MB }, { timeoutMs: 300_000 }).catch((err: unknown) => (err as Error).message);
      const ok = typeof r !== 'string';
      return {
        columns: ['plaintext', 'MB/s', 'ms', 'vs raw', 'peak RSS MB'],
        rows: [
          { label: 'openpgp raw decrypt', cells: ok ? { plaintext: `${sizeMb} MB`, 'MB/s': fmt(r.rawDecryptMBps), ms: fmt(r.rawDecryptMs) } : { plaintext: `${sizeMb} MB`, ms: r } },
          {
            label: 'ediflow ingest',
            cells: ok ? { plaintext: `${sizeMb} MB`, 'MB/s': fmt(r.ingestMBps), ms: fmt(r.ingestMs), 'vs raw': `${fmt(r.ratio * 100)} %`, 'peak RSS MB': fmt(r.maxRssMb) } : { plaintext: `${sizeMb} MB` },
            targets: [{ text: 'ingest >= 80 % of openpgp raw decrypt', pass: ok ? r.ratio >= 0.8 : undefined }],
          },
        ],
        notes: [
          `One ${sizeMb} MiB X12-like file, signed by the partner and encrypted to us (curve25519), in one child process (peak RSS: both runs, mostly the in-memory raw decrypt).`,
          'openpgp raw decrypt: openpgp.decrypt + signature check of the whole ciphertext held in memory (no streaming, no store).',
          'ediflow ingest: createIngest().processObject on an embedded store: read the upload, streaming decrypt + verify, write work/<id>/source.x12 and file.json, publish FileReceived (MemoryBus), archive the original.',
          'MB/s = plaintext MiB / seconds; vs raw = raw ms / ingest ms.',
        ],
      };
    },
  };
}
