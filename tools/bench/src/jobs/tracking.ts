import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore } from '@ediflow/store';
import { silentLogger } from '@ediflow/logger';
import { removePostgresDir, startPostgres } from '@ediflow/postgres';
import { createTrackingService, openPostgresDb } from '@ediflow/tracking-service';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elapsed, type Job } from './types';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * The tracking API on PostgreSQL with `claims` claims seeded (20 partners, one file per 50
 * claims, 90 days): p50/p99 of claim lookups by id and of file listings by partner and day,
 * each a GET on the API as an operator's tool makes it, one after another.
 */
export const trackingLookups: Job = async (params) => {
  const claims = Number(params.claims ?? 1_000_000);
  const lookups = Number(params.lookups ?? 1000);
  const pg = await startPostgres({ fast: true });
  const root = await mkdtemp(join(tmpdir(), 'bench-tracking-'));
  const db = openPostgresDb({ url: pg.url, ssl: 'disable', poolSize: 4 });
  const bus = new MemoryBus();
  await bus.connect();
  const token = 'b'.repeat(40);
  const service = createTrackingService({ db, bus, objectStore: new EmbeddedObjectStore({ root }), logger: silentLogger(), registry: new Registry(), apiToken: token, retentionDays: 400, maintenanceIntervalMs: 3_600_000 });
  let server: Server | undefined;
  try {
    await service.start();
    const seeding = process.hrtime.bigint();
    const files = Math.ceil(claims / 50);
    await sql`
      insert into files (file_id, partner_id, channel, size_bytes, state, received_at, finished_at, updated_at)
      select encode(sha256(('f' || i)::bytea), 'hex'), 'partner-' || (i % 20), 'sftp', 100000, 'translated',
             timestamptz '2026-09-01' + (i % 90) * interval '1 day' + (i % 1440) * interval '1 minute', now(), now()
      from generate_series(1, ${files}) i`.execute(db);
    await sql`
      insert into claims (claim_key, partner_id, claim_number, provider_id, payer_id, billed_amount, file_id, set_key, status, status_rank, submitted_at, updated_at)
      select encode(sha256(('c' || i)::bytea), 'hex'), 'partner-' || ((i / 50) % 20), 'PCN' || i, '1234567893', 'PAYER01', (i % 1000) + 0.5,
             encode(sha256(('f' || (i / 50 + 1))::bytea), 'hex'), 's' || (i / 50), 'paid', 3,
             timestamptz '2026-09-01' + ((i / 50 + 1) % 90) * interval '1 day', now()
      from generate_series(1, ${claims}) i`.execute(db);
    await sql`
      insert into claim_events (event_key, claim_key, partner_id, claim_number, provider_id, source, status, status_rank, codes, file_id, set_key, occurred_at)
      select encode(sha256(('e' || i || '-' || k)::bytea), 'hex'), encode(sha256(('c' || i)::bytea), 'hex'), 'partner-' || ((i / 50) % 20), 'PCN' || i, '1234567893',
             (array['837', '999', '277CA', '835'])[k], (array['submitted', 'accepted', 'acknowledged', 'paid'])[k], k - 1, '{}', 'x', 's', now()
      from generate_series(1, ${claims}) i, generate_series(1, 4) k`.execute(db);
    await sql`analyze`.execute(db);
    const seedSeconds = elapsed(seeding);
    const app = express();
    app.use(service.router!);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${token}` };
    const time = async (url: string) => {
      const t = process.hrtime.bigint();
      const res = await fetch(`${base}${url}`, { headers });
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      await res.arrayBuffer();
      return elapsed(t) * 1000;
    };
    // Warm the pool and the plans; then measure.
    for (let i = 0; i < 50; i += 1) await time(`/v1/claims?claimNumber=PCN${1 + i}`);
    const claimKeys = (await sql<{ k: string }>`select encode(sha256(('c' || i)::bytea), 'hex') as k from (select (random() * ${claims - 1})::int + 1 as i from generate_series(1, ${lookups})) r`.execute(db)).rows.map((r) => r.k);
    const started = process.hrtime.bigint();
    const claimMs: number[] = [];
    for (const k of claimKeys) claimMs.push(await time(`/v1/claims/${k}`));
    const fileMs: number[] = [];
    for (let i = 0; i < lookups / 2; i += 1) {
      const day = new Date(Date.UTC(2026, 8, 1 + (i % 90)));
      const next = new Date(day.getTime() + 24 * 3600_000);
      fileMs.push(await time(`/v1/files?partner=partner-${i % 20}&from=${day.toISOString()}&to=${next.toISOString()}&limit=50`));
    }
    const seconds = elapsed(started);
    claimMs.sort((a, b) => a - b);
    fileMs.sort((a, b) => a - b);
    return {
      seconds,
      bytes: 0,
      claims,
      seedSeconds,
      claimP50Ms: percentile(claimMs, 50),
      claimP99Ms: percentile(claimMs, 99),
      filesP50Ms: percentile(fileMs, 50),
      filesP99Ms: percentile(fileMs, 99),
    };
  } finally {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await service.stop().catch(() => undefined);
    await bus.close();
    await pg.stop();
    await removePostgresDir(pg.dir);
    await rm(root, { recursive: true, force: true });
  }
};
