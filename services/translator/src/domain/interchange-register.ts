import { createHash, type Hash } from 'node:crypto';
import { StoreConflictError, StoreNotFoundError, type ObjectStore } from '@ediflow/store';
import { AppError } from '@ediflow/errors';
import { KEYS } from '@ediflow/messages';
import type { FunctionalGroup, Interchange } from '@ediflow/x12';

/** What the register keeps of the first interchange a partner sent with an ISA13. */
export interface InterchangeRecord {
  /** InterchangeDigest of that interchange. */
  digest: string;
  fileId: string;
  firstSeenAt: string;
}

/** The register's word on an interchange: first of its ISA13, the same one again, or other content under a used ISA13. */
export type RegisterVerdict = { kind: 'new' } | { kind: 'same' } | { kind: 'reused'; first: InterchangeRecord };

/**
 * Digest of an interchange's content as the reader hands it on: the ISA, each GS and the bytes
 * of each transaction set, in order. Equal for the same interchange read again.
 */
export class InterchangeDigest {
  private readonly hash: Hash;
  constructor(interchange: Interchange) {
    this.hash = createHash('sha256').update(interchange.isa.raw);
  }
  group(group: FunctionalGroup): void {
    this.hash.update(`\u001d${group.gs.raw}`);
  }
  /** A set's content digest (contentDigestOf its bytes), as the ids carry it. */
  transaction(contentDigest: string): void {
    this.hash.update(`\u001e${contentDigest}`);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** ISA13 as it may appear in a key: anything else is an envelope error the TA1 reports already. */
const CONTROL_NUMBER = /^[0-9A-Za-z]{1,15}$/;

async function readRecord(store: ObjectStore, key: string): Promise<{ record: InterchangeRecord; etag: string } | undefined> {
  try {
    const { body, info } = await store.get(key);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return { record: JSON.parse(Buffer.concat(chunks).toString('utf8')) as InterchangeRecord, etag: info.etag };
  } catch (err) {
    if (err instanceof StoreNotFoundError) return undefined;
    throw err;
  }
}

/**
 * The ISA13s each partner has used, in the object store (control/<partnerId>/interchanges/):
 * the first interchange of an ISA13 is recorded with a create-only write, so of two replicas
 * translating two files with one ISA13 at once, one wins and the other sees the reuse. A record
 * older than the window is replaced by the next interchange that uses the number.
 */
export function createInterchangeRegister(store: ObjectStore, clock: () => Date) {
  return {
    /** Records the interchange unless its ISA13 is taken; says which of the three it was. */
    async record(partnerId: string, controlNumber: string, digest: string, fileId: string, windowMs: number): Promise<RegisterVerdict> {
      if (!CONTROL_NUMBER.test(controlNumber)) return { kind: 'new' };
      const key = KEYS.interchangeControl(partnerId, controlNumber);
      const mine: InterchangeRecord = { digest, fileId, firstSeenAt: clock().toISOString() };
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          await store.put(key, JSON.stringify(mine), { contentType: 'application/json', ifNoneMatch: true });
          return { kind: 'new' };
        } catch (err) {
          if (!(err instanceof StoreConflictError)) throw err;
        }
        const existing = await readRecord(store, key);
        if (existing === undefined) continue;
        if (existing.record.digest === digest) return { kind: 'same' };
        const age = clock().getTime() - Date.parse(existing.record.firstSeenAt);
        if (!(age > windowMs)) return { kind: 'reused', first: existing.record };
        try {
          await store.delete(key, { ifMatch: existing.etag });
        } catch (err) {
          if (!(err instanceof StoreConflictError)) throw err;
        }
      }
      throw new AppError('INTERCHANGE_REGISTER_BUSY', 'the interchange control number register changed under three attempts', { retryable: true });
    },
  };
}

export type InterchangeRegister = ReturnType<typeof createInterchangeRegister>;
