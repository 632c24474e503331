import { fileIdFor } from '@ediflow/messages';
import { harness, makeParties, registryInput, seal, x12, type Harness, type Parties } from '../helpers';

jest.setTimeout(30_000);

let p: Parties;
beforeAll(async () => {
  p = await makeParties();
});

describe('reconciler', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function received(harnessed: Harness, clock: { now: Date }) {
    const service = harnessed.service({ clock: () => clock.now, reconcileAfterMs: 60_000 });
    const input = await seal(x12(), p.platform, p.partner);
    const key = 'inbound/acme/claims.pgp';
    const { etag } = await harnessed.store.put(key, input);
    const fileId = fileIdFor(harnessed.bucket, key, etag);
    expect(await service.processClaimed({ key, size: input.length, etag, lastModified: new Date() })).toEqual({ fileId, outcome: 'received' });
    await harnessed.settle();
    return { service, fileId };
  }

  it('when a received file has no outcome past the bound, then its FileReceived is published again with the same id, and not again until the bound passes once more', async () => {
    h = await harness(p, registryInput(p));
    const clock = { now: new Date() };
    const { service, fileId } = await received(h, clock);
    expect(h.received.map((m) => m.id)).toEqual([fileId]);
    expect(await h.store.head(`inflight/${fileId}.json`)).toBeDefined();

    // Within the bound: the translator may still be working on it.
    expect(await service.reconcile()).toBe(0);
    clock.now = new Date(clock.now.getTime() + 61_000);
    expect(await service.reconcile()).toBe(1);
    await h.settle();
    expect(h.received.map((m) => m.id)).toEqual([fileId, fileId]);
    expect(h.received[1]).toEqual(h.received[0]);
    expect(await service.reconcile()).toBe(0);
    clock.now = new Date(clock.now.getTime() + 61_000);
    expect(await service.reconcile()).toBe(1);
    expect(h.logs.text()).toContain('file without an outcome published again');
  });

  it('when the file has its outcome but its marker stayed (a crash in between), then the sweep removes the marker and publishes nothing', async () => {
    h = await harness(p, registryInput(p));
    const clock = { now: new Date() };
    const { service, fileId } = await received(h, clock);
    await h.store.put(`work/${fileId}/outcome.json`, JSON.stringify({ fileId, state: 'translated' }));
    clock.now = new Date(clock.now.getTime() + 61_000);
    expect(await service.reconcile()).toBe(0);
    expect(await h.store.head(`inflight/${fileId}.json`)).toBeUndefined();
    expect(h.received).toHaveLength(1);
  });
});
