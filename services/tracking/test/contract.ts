/**
 * The tracking store contract: one suite, run on PGlite (test/unit) and on a real PostgreSQL
 * cluster (test/integration).
 */
import { sql } from 'kysely';
import { trackingEventId, type TrackingEvent } from '@ediflow/tracking';
import { createTrackingStore, migrate, type TrackingDb } from '@ediflow/tracking-service';

export type DbFactory = () => Promise<{ db: TrackingDb; close(): Promise<void> }>;

const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export function trackingStoreContract(name: string, factory: DbFactory): void {
  describe(`tracking store contract: ${name}`, () => {
    let handle: Awaited<ReturnType<DbFactory>>;
    let store: ReturnType<typeof createTrackingStore>;
    const apply = (e: TrackingEvent) => store.apply(trackingEventId(e), e);

    // One database for the suite (PGlite takes seconds to start): emptied before each test.
    beforeAll(async () => {
      handle = await factory();
      await migrate(handle.db);
    });
    beforeEach(async () => {
      await sql`truncate applied_events, files, transaction_sets, claims, claim_events, callbacks`.execute(handle.db);
      store = createTrackingStore(handle.db, () => new Date(T0 + 24 * 3600_000));
    });
    afterAll(async () => {
      await handle?.close();
    });

    it('when migrations run again, then nothing is applied twice', async () => {
      expect(await migrate(handle.db)).toEqual([]);
    });

    it('when a file is received and translated, then it lists with both times; the same events again change nothing', async () => {
      const received: TrackingEvent = { kind: 'file', fileId: 'f1', partnerId: 'acme', state: 'received', channel: 'sftp', sizeBytes: 1234, digest: 'abc', at: at(0) };
      const translated: TrackingEvent = { kind: 'file', fileId: 'f1', partnerId: 'acme', state: 'translated', ta1: ['A'], groups999: ['A'], transactions: { accepted: 2, rejected: 0 }, at: at(1) };
      expect(await apply(received)).toBe('applied');
      expect(await apply(translated)).toBe('applied');
      expect(await apply(received)).toBe('duplicate');
      const file = await store.getFile('f1');
      expect(file).toMatchObject({ fileId: 'f1', partnerId: 'acme', state: 'translated', channel: 'sftp', sizeBytes: 1234, receivedAt: at(0), finishedAt: at(1), transactions: { accepted: 2, rejected: 0 }, acknowledgments: { ta1: ['A'], groups999: ['A'] } });
      expect((await store.counts()).files).toBe(1);
    });

    it('when the outcome is applied before the receipt, then the file still ends translated with its receipt time', async () => {
      await apply({ kind: 'file', fileId: 'f2', partnerId: 'acme', state: 'rejected', reasonCode: 'X12_NOT_X12', at: at(5) });
      await apply({ kind: 'file', fileId: 'f2', partnerId: 'acme', state: 'received', at: at(4) });
      expect(await store.getFile('f2')).toMatchObject({ state: 'rejected', reasonCode: 'X12_NOT_X12', receivedAt: at(4), finishedAt: at(5) });
    });

    it('when sets are recorded, then they are found by ISA13, GS06 and ST02 and listed with their file', async () => {
      await apply({ kind: 'file', fileId: 'f3', partnerId: 'acme', state: 'received', at: at(0) });
      await apply({
        kind: 'transactions', fileId: 'f3', partnerId: 'acme', at: at(1),
        sets: [
          { transactionId: 't1', isa13: '000000905', gs06: '1', st02: '0001', setId: '837', guide: '005010X222A1', position: 1, status: 'accepted', codes: [] },
          { isa13: '000000905', gs06: '1', st02: '0002', setId: '837', position: 2, status: 'rejected', codes: ['IK5:R:5'] },
        ],
      });
      expect((await store.findTransactions({ isa13: '000000905', gs06: '1', st02: '0002', limit: 10 })).map((s) => s.status)).toEqual(['rejected']);
      expect((await store.getFile('f3'))?.transactionSets.map((s) => s.st02)).toEqual(['0001', '0002']);
    });

    it('when an 837 claim is accepted, acknowledged and paid, then its timeline runs submitted -> accepted -> acknowledged -> paid with the amounts', async () => {
      const claim = { claimNumber: 'PCN-12345', providerId: '1234567893' };
      await apply({ kind: 'claims', fileId: 'f4', partnerId: 'clinic', source: '837', setKey: 't1', at: at(0), claims: [{ ...claim, status: 'submitted', codes: [], billedAmount: '250.00', serviceDateFrom: '2026-11-20', payerId: 'PAYER01' }] });
      await apply({ kind: 'claims', fileId: 'f4', partnerId: 'clinic', source: '999', setKey: 't1', at: at(1), claims: [{ ...claim, status: 'accepted', codes: ['A'] }] });
      await apply({ kind: 'claims', fileId: 'p1', partnerId: 'payer', source: '277CA', setKey: 'p1s1', at: at(60), claims: [{ ...claim, status: 'acknowledged', codes: ['A1:20'], payerClaimControlNumber: 'PCCN-9' }] });
      await apply({ kind: 'claims', fileId: 'p2', partnerId: 'payer', source: '835', setKey: 'p2s1', at: at(600), claims: [{ ...claim, status: 'paid', codes: ['1'], billedAmount: '250.00', paidAmount: '180.55', traceNumber: 'EFT123' }] });
      const [found] = (await store.listClaims({ claimNumber: 'PCN-12345', limit: 5 })).items;
      const detail = await store.getClaim(found.claimId);
      expect(detail).toMatchObject({ status: 'paid', billedAmount: '250.00', paidAmount: '180.55', payerClaimControlNumber: 'PCCN-9', traceNumber: 'EFT123', serviceDateFrom: '2026-11-20' });
      expect(detail?.timeline.map((e) => `${e.source}:${e.status}`)).toEqual(['837:submitted', '999:accepted', '277CA:acknowledged', '835:paid']);
    });

    it('when the same sets come again in another file (a replay), then the file is recorded and nothing else repeats', async () => {
      const claim = { claimNumber: 'PCN-R', providerId: '1234567893' };
      for (const fileId of ['fr1', 'fr2']) {
        await apply({ kind: 'file', fileId, partnerId: 'clinic', state: 'translated', at: at(fileId === 'fr1' ? 0 : 30) });
        await apply({ kind: 'transactions', fileId, partnerId: 'clinic', at: at(1), sets: [{ transactionId: 'tr1', isa13: '000000777', gs06: '1', st02: '0001', setId: '837', position: 1, status: 'accepted', codes: [] }] });
        await apply({ kind: 'claims', fileId, partnerId: 'clinic', source: '837', setKey: 'tr1', at: at(1), claims: [{ ...claim, status: 'submitted', codes: [] }] });
        await apply({ kind: 'claims', fileId, partnerId: 'clinic', source: '999', setKey: 'tr1', at: at(2), claims: [{ ...claim, status: 'accepted', codes: ['A'] }] });
      }
      for (const fileId of ['pr1', 'pr2']) {
        await apply({ kind: 'claims', fileId, partnerId: 'payer', source: '835', setKey: 'pr-set', at: at(fileId === 'pr1' ? 600 : 700), claims: [{ ...claim, status: 'paid', codes: ['1'], paidAmount: '10.00' }] });
      }
      const [c] = (await store.listClaims({ claimNumber: 'PCN-R', limit: 5 })).items;
      expect((await store.getClaim(c.claimId))?.timeline.map((e) => `${e.source}:${e.status}`)).toEqual(['837:submitted', '999:accepted', '835:paid']);
      expect((await store.findTransactions({ isa13: '000000777', gs06: '1', st02: '0001', limit: 10 })).map((s) => s.fileId)).toEqual(['fr1']);
      expect((await store.getFile('fr2'))?.state).toBe('translated');
    });

    it('when the 835 is applied before the 277CA, then the claim still ends paid', async () => {
      const claim = { claimNumber: 'PCN-2', providerId: '1234567893' };
      await apply({ kind: 'claims', fileId: 'f5', partnerId: 'clinic', source: '837', setKey: 't5', at: at(0), claims: [{ ...claim, status: 'submitted', codes: [], billedAmount: '100.00' }] });
      await apply({ kind: 'claims', fileId: 'p5', partnerId: 'payer', source: '835', setKey: 'p5', at: at(600), claims: [{ ...claim, status: 'paid', codes: ['1'], paidAmount: '90.00' }] });
      await apply({ kind: 'claims', fileId: 'p6', partnerId: 'payer', source: '277CA', setKey: 'p6', at: at(60), claims: [{ ...claim, status: 'acknowledged', codes: ['A2:20'] }] });
      const [c] = (await store.listClaims({ claimNumber: 'PCN-2', limit: 5 })).items;
      expect(c).toMatchObject({ status: 'paid', paidAmount: '90.00' });
    });

    it('when a payer reports a claim nobody submitted here, then it is kept as unmatched, and matched when the 837 arrives', async () => {
      await apply({ kind: 'claims', fileId: 'p7', partnerId: 'payer', source: '835', setKey: 'p7', at: at(10), claims: [{ claimNumber: 'LATE-1', status: 'denied', codes: ['4'], paidAmount: '0' }] });
      expect((await store.listUnmatched({ limit: 10 })).map((e) => `${e.claimNumber}:${e.status}`)).toEqual(['LATE-1:denied']);
      await apply({ kind: 'claims', fileId: 'f8', partnerId: 'clinic', source: '837', setKey: 't8', at: at(0), claims: [{ claimNumber: 'LATE-1', providerId: '1', status: 'submitted', codes: [] }] });
      expect(await store.listUnmatched({ limit: 10 })).toEqual([]);
      const [c] = (await store.listClaims({ claimNumber: 'LATE-1', limit: 5 })).items;
      expect(c.status).toBe('denied');
    });

    it('when two providers used one claim number, then a payer status goes to the provider it names', async () => {
      for (const [file, provider] of [['fa', '111'], ['fb', '222']] as const) {
        await apply({ kind: 'claims', fileId: file, partnerId: 'clinic', source: '837', setKey: file, at: at(0), claims: [{ claimNumber: 'SAME', providerId: provider, status: 'submitted', codes: [] }] });
      }
      await apply({ kind: 'claims', fileId: 'p9', partnerId: 'payer', source: '277CA', setKey: 'p9', at: at(5), claims: [{ claimNumber: 'SAME', providerId: '222', status: 'rejected_by_payer', codes: ['A7:562'] }] });
      const claims = (await store.listClaims({ claimNumber: 'SAME', limit: 5 })).items;
      expect(Object.fromEntries(claims.map((c) => [c.providerId, c.status]))).toEqual({ 111: 'submitted', 222: 'rejected_by_payer' });
    });

    it('when a callback fails, is dead-lettered, replayed and delivered, then it ends delivered with its attempts and latency', async () => {
      const base = { kind: 'callback' as const, messageId: 'm1', subscriptionId: 'billing', partnerId: 'acme', fileId: 'f1' };
      await apply({ ...base, outcome: 'failed', attempt: 1, code: 'HTTP_503', at: at(0) });
      await apply({ ...base, outcome: 'dead_lettered', attempt: 3, code: 'HTTP_503', at: at(2) });
      await apply({ ...base, outcome: 'replayed', attempt: 3, at: at(10) });
      await apply({ ...base, outcome: 'delivered', attempt: 4, latencyMs: 87, at: at(11) });
      await apply({ kind: 'file', fileId: 'f1', partnerId: 'acme', state: 'received', at: at(0) });
      const [cb] = (await store.getFile('f1'))?.callbacks ?? [];
      expect(cb).toMatchObject({ messageId: 'm1', subscriptionId: 'billing', outcome: 'delivered', attempts: 4, latencyMs: 87 });
    });

    it('when files are listed a page at a time, then every file comes once, newest first', async () => {
      for (let i = 0; i < 23; i += 1) await apply({ kind: 'file', fileId: `page-${String(i).padStart(2, '0')}`, partnerId: i % 2 ? 'acme' : 'beta', state: 'received', at: at(i % 7) });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listFiles({ limit: 10, cursor });
        seen.push(...page.items.map((f) => f.fileId));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toHaveLength(23);
      expect(new Set(seen).size).toBe(23);
      const acme = await store.listFiles({ partnerId: 'acme', limit: 100 });
      expect(acme.items.every((f) => f.partnerId === 'acme')).toBe(true);
      expect(acme.items.map((f) => f.receivedAt)).toEqual([...acme.items.map((f) => f.receivedAt)].sort().reverse());
    });

    it('when a filter carries SQL, then it matches nothing and harms nothing', async () => {
      await apply({ kind: 'file', fileId: 'f10', partnerId: 'acme', state: 'received', at: at(0) });
      for (const evil of ["acme' or '1'='1", "'; drop table files; --", 'acme%', '\\x00']) {
        expect((await store.listFiles({ partnerId: evil, limit: 10 })).items).toEqual([]);
        expect((await store.listClaims({ claimNumber: evil, limit: 10 })).items).toEqual([]);
        expect(await store.findTransactions({ isa13: evil, limit: 10 })).toEqual([]);
      }
      expect((await store.counts()).files).toBe(1);
    });

    it('when rows are older than the retention, then the purge removes them and keeps the rest', async () => {
      await apply({ kind: 'file', fileId: 'old', partnerId: 'acme', state: 'received', at: at(0) });
      const fresh = createTrackingStore(handle.db, () => new Date(T0 + 40 * 24 * 3600_000));
      await fresh.apply('new-event', { kind: 'file', fileId: 'new', partnerId: 'acme', state: 'received', at: at(0) });
      const removed = await fresh.purge(new Date(T0 + 30 * 24 * 3600_000));
      expect(removed.files).toBe(1);
      expect(await fresh.getFile('old')).toBeUndefined();
      expect(await fresh.getFile('new')).toBeDefined();
    });
  });
}
