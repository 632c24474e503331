import { KEYS } from '@ediflow/messages';
import { StoreConflictError, StoreNotFoundError, type ObjectStore } from '@ediflow/store';
import { AppError } from '@ediflow/errors';

/**
 * Claim protocol: which ingest replica processes a file
 * =====================================================
 * Every replica lists inbound/ and may see the same upload. Before touching it, a
 * replica claims it on the object store, so each file is processed by one replica at a
 * time, and a replica that died mid-file is taken over once its lease expires.
 *
 * Keys: `claims/<fileId>/<generation>` (generation = 10 decimal digits, 0000000000 first).
 * Each key holds a small JSON lease `{ owner, generation, state, expiresAt }`.
 *
 * - Claim: list `claims/<fileId>/`. No key -> create generation 0 with a create-only
 *   put (S3 `PutObject` with `If-None-Match: *`). Of several replicas racing, exactly
 *   one create succeeds; the others get 412 (StoreConflictError) and skip the file.
 * - Lease: the owner rewrites ITS OWN generation key with a later `expiresAt` every
 *   leaseMs/3 while it works (plain put: no other replica ever writes that key).
 * - Takeover: when the newest generation is `active` with `expiresAt` in the past, or
 *   `released`, a replica creates generation n+1, again create-only. Two takers race
 *   on the same new key, so again exactly one wins. No compare-and-swap on an
 *   existing object (If-Match) and no conditional delete is needed: takeover only
 *   ever creates new keys.
 * - Fencing: before its commit point (publishing FileReceived) the owner lists the
 *   claims again; if a newer generation exists its lease was taken over and it stops
 *   (StoreConflict-like LEASE_LOST, retryable for the poller). If the takeover happens
 *   after that check, both replicas publish the same FileReceived id, which every
 *   consumer drops as a repeat (ids are sha256(bucket/key/etag)): at-least-once with
 *   one effective delivery, never loss.
 * - Done: after the upload was archived (or quarantined) and removed, the owner writes
 *   `state: done`. A replica that still sees the upload in a stale listing finds `done`
 *   and leaves it.
 *
 * What it relies on in real S3 (all exist in S3 general purpose buckets):
 * - conditional writes `If-None-Match: *` on PutObject (since August 2024), the only
 *   atomic primitive used, for both the first claim and every takeover;
 * - strong read-after-write consistency for PUT, LIST and GET (since December 2020),
 *   so the newest generation is always seen by the next list;
 * - an S3 lifecycle rule that expires `claims/` after some days (housekeeping only).
 * Clocks: `expiresAt` is written from the owner's clock and compared with the taker's;
 * ECS tasks are NTP-synchronised (Amazon Time Sync), so skew is far below the lease
 * (default 60 s). The protocol is tested with 3 replicas on the embedded store (which
 * honours create-only puts atomically) and on @ediflow/testkit's S3-protocol server
 * (s3rver, to which it adds If-None-Match as S3 answers it).
 */

export const CLAIMS_PREFIX = KEYS.claims;
const GENERATION_DIGITS = 10;

export type LeaseState = 'active' | 'released' | 'done';

export interface LeaseRecord {
  owner: string;
  generation: number;
  state: LeaseState;
  expiresAt: string;
}

export interface ClaimSettings {
  store: ObjectStore;
  /** This replica's name (host + pid + random), recorded in the lease for operators. */
  owner: string;
  /** How long a lease lasts without renewal. */
  leaseMs: number;
  clock: () => Date;
}

export interface Lease {
  readonly fileId: string;
  readonly generation: number;
  /** Extends the lease (the owner calls it every leaseMs/3). */
  renew(): Promise<void>;
  /** Throws LEASE_LOST (retryable) when another replica took the file over. */
  assertHeld(): Promise<void>;
  /** Marks the file finished: nobody processes it again. */
  complete(): Promise<void>;
  /** Gives the file up now (shutdown, or a retryable failure), so another replica may take it at once. */
  release(): Promise<void>;
}

export type ClaimResult = { status: 'won'; lease: Lease } | { status: 'busy' } | { status: 'done' };

export class LeaseLostError extends AppError {
  constructor(fileId: string) {
    super('LEASE_LOST', `claim on file ${fileId} was taken over by another replica`, { retryable: true, details: { fileId } });
  }
}

export const claimKey = (fileId: string, generation: number): string =>
  `${CLAIMS_PREFIX}${fileId}/${String(generation).padStart(GENERATION_DIGITS, '0')}`;

/** The generation a claim key names, or undefined for other keys. */
export function generationOf(key: string): number | undefined {
  const m = /\/(\d{10})$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

/** Whether a lease may be taken over at `now`. Pure. */
export function isTakeable(record: LeaseRecord, now: Date): boolean {
  if (record.state === 'done') return false;
  if (record.state === 'released') return true;
  return Date.parse(record.expiresAt) <= now.getTime();
}

export function createClaims(settings: ClaimSettings) {
  const { store } = settings;

  async function newest(fileId: string): Promise<number | undefined> {
    let top: number | undefined;
    for await (const o of store.list(`${CLAIMS_PREFIX}${fileId}/`)) {
      const g = generationOf(o.key);
      if (g !== undefined && (top === undefined || g > top)) top = g;
    }
    return top;
  }

  async function read(fileId: string, generation: number): Promise<LeaseRecord | undefined> {
    try {
      const { body } = await store.get(claimKey(fileId, generation));
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as LeaseRecord;
    } catch (err) {
      if (err instanceof StoreNotFoundError) return undefined;
      if (err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  const record = (generation: number, state: LeaseState, leaseMs: number): LeaseRecord => ({
    owner: settings.owner,
    generation,
    state,
    expiresAt: new Date(settings.clock().getTime() + leaseMs).toISOString(),
  });

  const write = (fileId: string, r: LeaseRecord, createOnly: boolean) =>
    store.put(claimKey(fileId, r.generation), JSON.stringify(r), { contentType: 'application/json', ifNoneMatch: createOnly });

  function leaseFor(fileId: string, generation: number): Lease {
    let finished = false;
    // Writes to the lease key run one after another, so a renewal under way can never
    // land after (and overwrite) the final done/released record.
    let chain: Promise<unknown> = Promise.resolve();
    const serial = (fn: () => Promise<unknown>): Promise<void> => {
      const next = chain.then(fn);
      chain = next.catch(() => undefined);
      return next.then(() => undefined);
    };
    return {
      fileId,
      generation,
      renew: () =>
        serial(async () => {
          if (!finished) await write(fileId, record(generation, 'active', settings.leaseMs), false);
        }),
      async assertHeld() {
        const top = await newest(fileId);
        if (top !== generation) throw new LeaseLostError(fileId);
      },
      complete() {
        finished = true;
        return serial(() => write(fileId, record(generation, 'done', 0), false));
      },
      release() {
        finished = true;
        return serial(() => write(fileId, record(generation, 'released', 0), false));
      },
    };
  }

  async function attempt(fileId: string, generation: number): Promise<ClaimResult> {
    try {
      await write(fileId, record(generation, 'active', settings.leaseMs), true);
    } catch (err) {
      if (err instanceof StoreConflictError) return { status: 'busy' };
      throw err;
    }
    return { status: 'won', lease: leaseFor(fileId, generation) };
  }

  return {
    /** Tries to claim a file. 'busy': another replica holds a live lease (or won the race); 'done': finished already. */
    async claim(fileId: string): Promise<ClaimResult> {
      const top = await newest(fileId);
      if (top === undefined) return attempt(fileId, 0);
      const current = await read(fileId, top);
      // A key without a readable record is a create in progress (or a crash right after it): treat as busy
      // until the store's lastModified says the lease time has passed.
      if (!current) {
        const info = await store.head(claimKey(fileId, top));
        if (info && info.lastModified.getTime() + settings.leaseMs > settings.clock().getTime()) return { status: 'busy' };
        return attempt(fileId, top + 1);
      }
      if (current.state === 'done') return { status: 'done' };
      if (!isTakeable(current, settings.clock())) return { status: 'busy' };
      return attempt(fileId, top + 1);
    },
  };
}

export type Claims = ReturnType<typeof createClaims>;
