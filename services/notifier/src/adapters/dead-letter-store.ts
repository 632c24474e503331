import type { ObjectStore } from '@ediflow/store';
import { InvalidInputError } from '@ediflow/errors';
import { DEAD_LETTER_PREFIX, deadLetterKey, matchesFilter, replayedKey, type DeadLetter, type DeadLetterFilter } from '../domain/dead-letter';

async function readAll(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export interface DeadLetterStore {
  /** Resolves once the dead letter is durable in the object store. */
  put(d: DeadLetter): Promise<void>;
  list(filter: DeadLetterFilter): Promise<DeadLetter[]>;
  /** Moves a dead letter whose replay was published to the replayed prefix (kept for audit). */
  markReplayed(d: DeadLetter, at: Date): Promise<void>;
}

/** Dead letters on the ObjectStore port, one JSON object per (message, endpoint). */
export function createDeadLetterStore(store: ObjectStore): DeadLetterStore {
  return {
    async put(d) {
      await store.put(deadLetterKey(d.messageId, d.subscriptionId, d.replays), JSON.stringify(d), {
        contentType: 'application/json',
        metadata: { 'subscription-id': d.subscriptionId, 'partner-id': d.partnerId, code: d.code },
      });
    },
    async list(filter) {
      const limit = filter.limit ?? 1000;
      const out: DeadLetter[] = [];
      // With message ids given, read only their prefixes.
      const prefixes = filter.messageIds ? filter.messageIds.map((id) => `${DEAD_LETTER_PREFIX}${id}/`) : [DEAD_LETTER_PREFIX];
      for (const prefix of prefixes) {
        for await (const info of store.list(prefix)) {
          if (!info.key.endsWith('.json')) continue;
          const { body } = await store.get(info.key);
          let d: DeadLetter;
          try {
            d = JSON.parse((await readAll(body)).toString('utf8')) as DeadLetter;
          } catch (cause) {
            throw new InvalidInputError('DEADLETTER_UNREADABLE', 'a dead-letter object is not JSON', { cause });
          }
          if (!matchesFilter(d, filter)) continue;
          out.push(d);
          if (out.length >= limit) return out;
        }
      }
      return out;
    },
    async markReplayed(d, at) {
      const key = deadLetterKey(d.messageId, d.subscriptionId, d.replays);
      await store.put(replayedKey(d.messageId, d.subscriptionId, d.replays), JSON.stringify({ ...d, replayedAt: at.toISOString() }), {
        contentType: 'application/json',
      });
      await store.delete(key);
    },
  };
}
