/**
 * Drops duplicate deliveries. Every message the platform bridges or publishes carries an
 * `idempotency-key` header; at-least-once delivery means a consumer can see a key twice
 * (a redelivery after a crash, a re-send after a lost receipt). A Deduplicator remembers
 * keys in a bounded in-memory map (least recently used evicted first, entries expire
 * after ttlMs) and, optionally, in a durable store so a restarted consumer still knows
 * what it processed.
 *
 * Typical use in a handler:
 *   if (await dedupe.seen(key)) return;   // drop: already processed
 *   await process(message);
 *   await dedupe.remember(key);           // only after the work is done
 * or, when a duplicate must never run concurrently: `if (!(await dedupe.claim(key))) return;`.
 */
import { createHash } from 'node:crypto';
import { KEYS } from '@ediflow/messages';
import { StoreConflictError, type ObjectStore } from '@ediflow/store';

/** A durable set of keys (e.g. objects in S3 / the embedded store). */
export interface DurableKeys {
  /** Records the key; resolves true when it was new, false when it was already there. */
  add(key: string): Promise<boolean>;
  has(key: string): Promise<boolean>;
}

export interface DeduplicatorOptions {
  /** Most keys kept in memory; the least recently used go first. Default 100000. */
  maxEntries?: number;
  /** How long a key is remembered in memory; default 24 h. Durable keys do not expire here (use a bucket lifecycle rule). */
  ttlMs?: number;
  /** Optional durable layer consulted when memory does not know a key. */
  durable?: DurableKeys;
  /** Clock (ms); Date.now by default. */
  now?: () => number;
}

export interface Deduplicator {
  /** True when the key was remembered (in memory within the TTL, or in the durable store). */
  seen(key: string): Promise<boolean>;
  /** Records the key as processed (memory and durable store). */
  remember(key: string): Promise<void>;
  /**
   * Test-and-set: resolves true for the first caller of a key (which is then remembered),
   * false for every later or concurrent caller.
   */
  claim(key: string): Promise<boolean>;
  /** Keys held in memory now (expired ones may still count until touched or evicted). */
  size(): number;
}

export function createDeduplicator(options: DeduplicatorOptions = {}): Deduplicator {
  const maxEntries = options.maxEntries ?? 100_000;
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const durable = options.durable;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be an integer >= 1');
  if (!(ttlMs > 0)) throw new RangeError('ttlMs must be > 0');

  /** key -> expiry time; Map order is the LRU order (oldest first). */
  const entries = new Map<string, number>();
  /** Claims in progress, so concurrent claims of one key have one winner. */
  const pending = new Map<string, Promise<boolean>>();

  const inMemory = (key: string): boolean => {
    const expiry = entries.get(key);
    if (expiry === undefined) return false;
    if (expiry <= now()) {
      entries.delete(key);
      return false;
    }
    // Touch: move to the most recently used end.
    entries.delete(key);
    entries.set(key, expiry);
    return true;
  };

  const store = (key: string): void => {
    entries.delete(key);
    entries.set(key, now() + ttlMs);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
    }
  };

  const validate = (key: string): void => {
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('an idempotency key must be a non-empty string');
  };

  return {
    async seen(key) {
      validate(key);
      if (inMemory(key)) return true;
      if (pending.has(key)) return true;
      if (durable && (await durable.has(key))) {
        store(key);
        return true;
      }
      return false;
    },
    async remember(key) {
      validate(key);
      store(key);
      if (durable) await durable.add(key);
    },
    claim(key) {
      validate(key);
      if (inMemory(key) || pending.has(key)) return Promise.resolve(false);
      const attempt = (async () => {
        const first = durable ? await durable.add(key) : true;
        store(key);
        return first;
      })();
      pending.set(key, attempt);
      const done = (): void => {
        pending.delete(key);
      };
      attempt.then(done, done);
      return attempt;
    },
    size() {
      return entries.size;
    },
  };
}

/** Object key for an idempotency key: hashed, so the store never sees the raw value. */
export function durableObjectKey(prefix: string, key: string): string {
  return `${prefix}${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * Durable keys as empty objects in the ObjectStore (S3 or embedded): a create-only put
 * (`ifNoneMatch`) is the atomic test-and-set; a conflict means the key was there.
 */
export function objectStoreKeys(store: Pick<ObjectStore, 'put' | 'head'>, prefix: string = KEYS.dedupe): DurableKeys {
  return {
    async add(key) {
      try {
        await store.put(durableObjectKey(prefix, key), Buffer.alloc(0), { ifNoneMatch: true, contentType: 'application/octet-stream' });
        return true;
      } catch (err) {
        if (err instanceof StoreConflictError) return false;
        throw err;
      }
    },
    async has(key) {
      return (await store.head(durableObjectKey(prefix, key))) !== undefined;
    },
  };
}
