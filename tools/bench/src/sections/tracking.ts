import { runJob } from '../child';
import { fmt, type BenchOptions, type Section, type SectionResult } from '../section';

/** Tracking lookups on PostgreSQL with a million claims seeded. */
export function trackingSection(claims = 1_000_000): Section {
  return {
    name: 'tracking',
    title: `Tracking API on PostgreSQL 15 (private cluster), ${claims.toLocaleString('en-US')} claims seeded`,
    async run(options: BenchOptions): Promise<SectionResult> {
      options.log('tracking: seeding and looking up ...');
      let r: Awaited<ReturnType<typeof runJob>> | string;
      try {
        r = await runJob('tracking-lookups', { claims, lookups: 1000 }, { timeoutMs: 900_000 });
      } catch (err) {
        r = (err as Error).message;
      }
      const m = typeof r === 'string' ? undefined : r;
      return {
        columns: ['p50 ms', 'p99 ms', 'seed s'],
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
        ],
        notes: [
          `A private PostgreSQL 15 cluster (tools/postgres, fsync off), the tracking schema migrated, ${claims.toLocaleString('en-US')} claims with 4 events each and one file per 50 claims seeded with INSERT ... SELECT over 20 partners and 90 days, then ANALYZE.`,
          '1,000 claim lookups by random id, then 500 file listings by partner and day (limit 50), one request at a time through the tracking API over HTTP on 127.0.0.1 (bearer token), timed from the request to the last byte of the body.',
        ],
      };
    },
  };
}
