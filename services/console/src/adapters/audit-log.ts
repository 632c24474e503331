/**
 * The console's audit log: one JSON object per action (who, role, when, what, the filter or
 * message ids, the outcome's counts) in the object store under audit/console/<day>/. Ids and
 * codes only, like everything else the console shows.
 */
import { randomUUID } from 'node:crypto';
import { KEYS } from '@ediflow/messages';
import { readJson, type ObjectStore } from '@ediflow/store';

export interface AuditEntry {
  at: string;
  user: string;
  role: string;
  action: string;
  /** What the action applied to (a filter, message ids). */
  target: Record<string, unknown>;
  outcome: Record<string, unknown>;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** The newest entries of the last `days` days, newest first. */
  recent(limit: number, now: Date, days?: number): Promise<AuditEntry[]>;
}

export function createAuditLog(store: ObjectStore): AuditLog {
  return {
    async record(entry) {
      await store.put(KEYS.audit('console', entry.at.slice(0, 10), `${entry.at}-${randomUUID()}`), JSON.stringify(entry), { contentType: 'application/json' });
    },
    async recent(limit, now, days = 7) {
      const out: AuditEntry[] = [];
      for (let d = 0; d < days && out.length < limit; d += 1) {
        const day = new Date(now.getTime() - d * 86_400_000).toISOString().slice(0, 10);
        const keys: string[] = [];
        for await (const o of store.list(KEYS.auditDay('console', day))) keys.push(o.key);
        keys.sort().reverse();
        for (const key of keys.slice(0, limit - out.length)) {
          const entry = await readJson<AuditEntry>(store, key);
          if (entry) out.push(entry.value);
        }
      }
      return out;
    },
  };
}
