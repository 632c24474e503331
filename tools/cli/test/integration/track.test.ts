import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Registry } from 'prom-client';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore } from '@ediflow/store';
import { silentLogger } from '@ediflow/logger';
import { trackingEventId, type TrackingEvent } from '@ediflow/tracking';
import { createTrackingService, memoryPgliteDb } from '@ediflow/tracking-service';
import { createTrackCommand, runCli } from '@ediflow/cli';
import { capture } from '../helpers';

jest.setTimeout(60_000);

const TOKEN = 'q'.repeat(40);
const FILE = 'd'.repeat(64);

describe('edi track', () => {
  let server: Server;
  let env: NodeJS.ProcessEnv;
  let service: ReturnType<typeof createTrackingService>;

  beforeAll(async () => {
    const bus = new MemoryBus();
    await bus.connect();
    service = createTrackingService({
      db: memoryPgliteDb(), bus, objectStore: new EmbeddedObjectStore({ root: mkdtempSync(path.join(os.tmpdir(), 'edi-track-')) }),
      logger: silentLogger(), registry: new Registry(), apiToken: TOKEN, retentionDays: 400, maintenanceIntervalMs: 3_600_000,
    });
    await service.start();
    const events: TrackingEvent[] = [
      { kind: 'file', fileId: FILE, partnerId: 'clinic', state: 'translated', at: '2026-12-01T10:00:01.000Z' },
      { kind: 'file', fileId: FILE, partnerId: 'clinic', state: 'received', at: '2026-12-01T10:00:00.000Z' },
      { kind: 'transactions', fileId: FILE, partnerId: 'clinic', at: '2026-12-01T10:00:01.000Z', sets: [{ transactionId: 'x1', isa13: '000000905', gs06: '1', st02: '0001', setId: '837', position: 1, status: 'accepted', codes: [] }] },
      { kind: 'claims', fileId: FILE, partnerId: 'clinic', source: '837', setKey: 'x1', at: '2026-12-01T10:00:01.000Z', claims: [{ claimNumber: 'PCN-7', status: 'submitted', codes: [], billedAmount: '70.00' }] },
    ];
    for (const e of events) await service.store.apply(trackingEventId(e), e);
    const app = express();
    app.use(service.router!);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    env = { TRACKING_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, TRACKING_API_TOKEN: TOKEN };
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await service?.stop();
  });

  const run = async (args: string[], e: NodeJS.ProcessEnv = env) => {
    const c = capture();
    const code = await runCli(['track', ...args], c.io, [createTrackCommand({ env: e, readToken: async () => undefined })]);
    return { code, out: c.out(), err: c.err() };
  };

  it('when a file is asked for, then its state, sets and claims are printed; --json gives the API body', async () => {
    const r = await run(['file', FILE]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`file ${FILE}  partner clinic  translated`);
    expect(r.out).toMatch(/1\s+837\s+000000905\s+1\s+0001\s+accepted/);
    const j = await run(['file', FILE, '--json']);
    expect(JSON.parse(j.out)).toMatchObject({ fileId: FILE, state: 'translated', claims: 1 });
  });

  it('when a claim is searched by its number and then shown, then its timeline is printed', async () => {
    const s = await run(['search', '--claim-number', 'PCN-7', '--json']);
    const [claim] = (JSON.parse(s.out) as { items: { claimId: string }[] }).items;
    const r = await run(['claim', claim.claimId]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('claim PCN-7  submitted  billed 70.00');
    expect((await run(['search', '--isa13', '000000905'])).out).toContain('000000905');
  });

  it('when the id is unknown, the token wrong or the query malformed, then it says so with exit 1 or 2', async () => {
    expect((await run(['file', 'e'.repeat(64)])).code).toBe(1);
    const wrong = await run(['files'], { ...env, TRACKING_API_TOKEN: 'x'.repeat(40) });
    expect(wrong).toMatchObject({ code: 2 });
    expect(wrong.err).toContain('401 UNAUTHORIZED');
    expect((await run(['file', 'not-an-id'])).code).toBe(2);
    expect((await run(['search'])).code).toBe(2);
  });
});
