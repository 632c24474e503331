import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedObjectStore, readAll, type ObjectStore } from '@ediflow/store';
import { claimKey, createClaims, isTakeable, type LeaseRecord } from '../../src/domain/claims';

describe('claim protocol (embedded store: honours create-only puts)', () => {
  let root: string;
  let store: ObjectStore;
  let now: number;
  const clock = () => new Date(now);
  const replica = (owner: string) => createClaims({ store, owner, leaseMs: 60_000, clock });
  const lease = async (fileId: string, g: number) => JSON.parse((await readAll((await store.get(claimKey(fileId, g))).body)).toString('utf8')) as LeaseRecord;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'claims-'));
    store = new EmbeddedObjectStore({ root });
    now = Date.parse('2026-01-01T00:00:00Z');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('when three replicas claim one file at once, then exactly one wins and the others are told busy', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((o) => replica(o).claim('f1')));
    expect(results.filter((r) => r.status === 'won')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'busy')).toHaveLength(2);
  });

  it('when the owner dies, then nobody takes over before the lease expires, and exactly one replica does after', async () => {
    const first = await replica('a').claim('f1');
    expect(first.status).toBe('won');
    now += 59_000;
    expect((await replica('b').claim('f1')).status).toBe('busy');
    now += 2_000;
    const takers = await Promise.all(['b', 'c'].map((o) => replica(o).claim('f1')));
    expect(takers.map((t) => t.status).sort()).toEqual(['busy', 'won']);
    expect((await lease('f1', 1)).owner).toMatch(/^[bc]$/);
    // The old owner is fenced off before its commit point.
    if (first.status !== 'won') throw new Error('unreachable');
    await expect(first.lease.assertHeld()).rejects.toMatchObject({ code: 'LEASE_LOST', retryable: true });
  });

  it('when the owner renews, then its lease outlives the original expiry', async () => {
    const first = await replica('a').claim('f1');
    if (first.status !== 'won') throw new Error('expected to win');
    now += 50_000;
    await first.lease.renew();
    now += 50_000;
    expect((await replica('b').claim('f1')).status).toBe('busy');
    await expect(first.lease.assertHeld()).resolves.toBeUndefined();
  });

  it('when a file is completed, then later claims say done; when it is released, the next replica takes it at once', async () => {
    const a = await replica('a').claim('f1');
    if (a.status !== 'won') throw new Error('expected to win');
    await a.lease.complete();
    expect((await replica('b').claim('f1')).status).toBe('done');

    const c = await replica('c').claim('f2');
    if (c.status !== 'won') throw new Error('expected to win');
    await c.lease.release();
    const d = await replica('d').claim('f2');
    expect(d.status).toBe('won');
    expect((await lease('f2', 1)).owner).toBe('d');
  });

  it('when a renewal is under way as the owner completes, then the final record is done (writes are serialised)', async () => {
    const a = await replica('a').claim('f1');
    if (a.status !== 'won') throw new Error('expected to win');
    const renewing = a.lease.renew();
    const completing = a.lease.complete();
    const late = a.lease.renew();
    await Promise.all([renewing, completing, late]);
    expect((await lease('f1', 0)).state).toBe('done');
  });

  it('when leases are judged, then done is never takeable, released always, active only after expiry', () => {
    const at = new Date('2026-01-01T00:01:00Z');
    const r = (state: LeaseRecord['state'], expiresAt: string): LeaseRecord => ({ owner: 'x', generation: 0, state, expiresAt });
    expect(isTakeable(r('done', '2000-01-01T00:00:00Z'), at)).toBe(false);
    expect(isTakeable(r('released', '2100-01-01T00:00:00Z'), at)).toBe(true);
    expect(isTakeable(r('active', '2026-01-01T00:01:01Z'), at)).toBe(false);
    expect(isTakeable(r('active', '2026-01-01T00:01:00Z'), at)).toBe(true);
  });
});
