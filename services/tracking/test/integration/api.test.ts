import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Ajv2020 from 'ajv/dist/2020';
import { trackingEventId, type TrackingEvent } from '@ediflow/tracking';
import { OPENAPI, createTrackingService, memoryPgliteDb } from '@ediflow/tracking-service';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore } from '@ediflow/store';
import { silentLogger } from '@ediflow/logger';
import { Registry } from 'prom-client';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

jest.setTimeout(60_000);

const TOKEN = 't'.repeat(40);
const FILE = 'a'.repeat(64);

describe('tracking API', () => {
  let server: Server;
  let base: string;
  let service: ReturnType<typeof createTrackingService>;

  const get = (url: string, token: string | null = TOKEN) => fetch(`${base}${url}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    const bus = new MemoryBus();
    await bus.connect();
    service = createTrackingService({
      db: memoryPgliteDb(),
      bus,
      objectStore: new EmbeddedObjectStore({ root: mkdtempSync(path.join(os.tmpdir(), 'tracking-api-')) }),
      logger: silentLogger(),
      registry: new Registry(),
      apiToken: TOKEN,
      retentionDays: 400,
      maintenanceIntervalMs: 3_600_000,
    });
    await service.start();
    const events: TrackingEvent[] = [
      { kind: 'file', fileId: FILE, partnerId: 'clinic', state: 'received', channel: 'sftp', sizeBytes: 2000, at: '2026-12-01T10:00:00.000Z' },
      { kind: 'file', fileId: FILE, partnerId: 'clinic', state: 'translated', ta1: [], groups999: ['A'], transactions: { accepted: 1, rejected: 0 }, at: '2026-12-01T10:00:01.000Z' },
      { kind: 'transactions', fileId: FILE, partnerId: 'clinic', at: '2026-12-01T10:00:01.000Z', sets: [{ transactionId: 'x1', isa13: '000000905', gs06: '1', st02: '0001', setId: '837', guide: '005010X222A1', position: 1, status: 'accepted', codes: [] }] },
      { kind: 'claims', fileId: FILE, partnerId: 'clinic', source: '837', setKey: 'x1', at: '2026-12-01T10:00:01.000Z', claims: [{ claimNumber: 'PCN-1', providerId: '1234567893', status: 'submitted', codes: [], billedAmount: '100.00' }] },
      { kind: 'claims', fileId: 'b'.repeat(64), partnerId: 'payer', source: '835', setKey: 'y1', at: '2026-12-02T10:00:00.000Z', claims: [{ claimNumber: 'PCN-1', status: 'paid', codes: ['1'], paidAmount: '80.00' }, { claimNumber: 'NOBODY', status: 'denied', codes: ['4'] }] },
      { kind: 'callback', messageId: 'x1', subscriptionId: 'billing', partnerId: 'clinic', fileId: FILE, outcome: 'delivered', attempt: 1, latencyMs: 12, at: '2026-12-01T10:00:02.000Z' },
    ];
    for (const e of events) await service.store.apply(trackingEventId(e), e);
    const app = express();
    app.use(service.router!);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await service?.stop();
  });

  it('when a request has no token or a wrong one, then every endpoint answers 401', async () => {
    for (const url of ['/v1/files', `/v1/files/${FILE}`, '/v1/transactions?isa13=1', '/v1/claims', `/v1/claims/${FILE}`, '/v1/unmatched']) {
      expect({ url, status: (await get(url, null)).status }).toEqual({ url, status: 401 });
      expect({ url, status: (await get(url, 'wrong'.repeat(10))).status }).toEqual({ url, status: 401 });
    }
  });

  it('when a filter carries SQL or is not an id, then 400 names the parameter; nothing is harmed', async () => {
    for (const url of [
      "/v1/files?partner=clinic'%20or%20'1'%3D'1",
      '/v1/files?partner=x;drop%20table%20files',
      "/v1/transactions?isa13=1'--",
      "/v1/claims?claimNumber=PCN-1'%20or%201%3D1--",
      '/v1/claims?status=paid%27',
      '/v1/files?from=yesterday',
      '/v1/files?cursor=%27%3B--',
      '/v1/files/not-a-file-id',
      '/v1/files?limit=100000',
      '/v1/files?sort=evil',
    ]) {
      const res = await get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(((await res.json()) as { code: string }).code).toBe('BAD_REQUEST');
    }
    const res = await get('/v1/files');
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('when a forged cursor is sent, then 400 names the cursor', async () => {
    const res = await get(`/v1/files?cursor=${Buffer.from('["not a date","x"]').toString('base64url')}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ fields: ['cursor'] });
  });

  it('when every endpoint answers, then its body conforms to the published OpenAPI document', async () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
    ajv.addSchema({ $id: 'openapi', components: OPENAPI.components });
    const check = (name: string, body: unknown) => {
      const validate = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
      expect({ name, valid: validate(body), errors: validate.errors ?? null }).toEqual({ name, valid: true, errors: null });
    };
    const files = (await (await get('/v1/files?partner=clinic&state=translated')).json()) as { items: { fileId: string }[] };
    check('FilePage', files);
    check('FileDetail', await (await get(`/v1/files/${FILE}`)).json());
    check('TransactionSets', await (await get('/v1/transactions?isa13=000000905&gs06=1&st02=0001')).json());
    const claims = (await (await get('/v1/claims?claimNumber=PCN-1')).json()) as { items: { claimId: string; status: string; paidAmount: string }[] };
    check('ClaimPage', claims);
    expect(claims.items[0]).toMatchObject({ status: 'paid', paidAmount: '80.00' });
    check('ClaimDetail', await (await get(`/v1/claims/${claims.items[0].claimId}`)).json());
    const unmatched = await (await get('/v1/unmatched')).json();
    check('ClaimEvents', unmatched);
    expect(unmatched).toMatchObject({ items: [expect.objectContaining({ claimNumber: 'NOBODY', status: 'denied' })] });
    expect(Object.keys(OPENAPI.paths).sort()).toEqual(['/v1/claims', '/v1/claims/{id}', '/v1/files', '/v1/files/{id}', '/v1/transactions', '/v1/unmatched']);
  });

  it('when an id is unknown, then 404', async () => {
    expect((await get(`/v1/files/${'c'.repeat(64)}`)).status).toBe(404);
    expect((await get(`/v1/claims/${'c'.repeat(64)}`)).status).toBe(404);
  });
});
