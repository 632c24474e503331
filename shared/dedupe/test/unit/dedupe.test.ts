import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDeduplicator, durableObjectKey, objectStoreKeys, type DurableKeys } from '@ediflow/dedupe';
import { createObjectStore } from '@ediflow/store';

describe('createDeduplicator', () => {
  it('when a key was remembered, then seen() is true and other keys are not seen', async () => {
    const d = createDeduplicator();
    await d.remember('k1');
    expect(await d.seen('k1')).toBe(true);
    expect(await d.seen('k2')).toBe(false);
  });

  it('when more keys than maxEntries are remembered, then the least recently used is forgotten', async () => {
    const d = createDeduplicator({ maxEntries: 2 });
    await d.remember('a');
    await d.remember('b');
    expect(await d.seen('a')).toBe(true); // touch a: b is now the oldest
    await d.remember('c');
    expect(d.size()).toBe(2);
    expect(await d.seen('b')).toBe(false);
    expect(await d.seen('a')).toBe(true);
    expect(await d.seen('c')).toBe(true);
  });

  it('when the TTL has passed, then the key is no longer seen', async () => {
    let t = 1000;
    const d = createDeduplicator({ ttlMs: 50, now: () => t });
    await d.remember('k');
    t += 49;
    expect(await d.seen('k')).toBe(true);
    t += 1;
    expect(await d.seen('k')).toBe(false);
  });

  it('when claim() is called concurrently for one key, then exactly one caller wins', async () => {
    const d = createDeduplicator();
    const results = await Promise.all([d.claim('x'), d.claim('x'), d.claim('x')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await d.claim('x')).toBe(false);
    expect(await d.claim('y')).toBe(true);
  });

  it('when the memory forgot a key, then the durable layer still reports it', async () => {
    const keys = new Set<string>();
    const durable: DurableKeys = {
      add: async (k) => (keys.has(k) ? false : (keys.add(k), true)),
      has: async (k) => keys.has(k),
    };
    const first = createDeduplicator({ durable });
    expect(await first.claim('k')).toBe(true);
    const restarted = createDeduplicator({ durable });
    expect(await restarted.seen('k')).toBe(true);
    expect(await restarted.claim('k')).toBe(false);
  });

  it('when the durable layer fails, then claim() rejects and the key is not remembered', async () => {
    const durable: DurableKeys = {
      add: async () => {
        throw new Error('store down');
      },
      has: async () => false,
    };
    const d = createDeduplicator({ durable });
    await expect(d.claim('k')).rejects.toThrow('store down');
    expect(await d.seen('k')).toBe(false);
  });

  it('when options are out of range or the key is empty, then it refuses', async () => {
    expect(() => createDeduplicator({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => createDeduplicator({ ttlMs: 0 })).toThrow(RangeError);
    await expect(createDeduplicator().seen('')).rejects.toThrow(TypeError);
  });
});

describe('objectStoreKeys on the embedded store', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'dedupe-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('when a key is added twice, then the second add reports it existed and the object key is a hash', async () => {
    const store = createObjectStore({ kind: 'embedded', root });
    const keys = objectStoreKeys(store, 'dedupe/');
    expect(await keys.has('ID:msg-1')).toBe(false);
    expect(await keys.add('ID:msg-1')).toBe(true);
    expect(await keys.add('ID:msg-1')).toBe(false);
    expect(await keys.has('ID:msg-1')).toBe(true);
    const objectKey = durableObjectKey('dedupe/', 'ID:msg-1');
    expect(objectKey).toMatch(/^dedupe\/[0-9a-f]{64}$/);
    expect(await store.head(objectKey)).toBeDefined();
  });
});
