import { Counter, type Registry } from 'prom-client';
import type { Bus } from '@ediflow/bus';
import { readJson, type ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import { describeError } from '@ediflow/errors';
import { DESTINATIONS, KEYS, publishEnvelope, type InflightMarker } from '@ediflow/messages';
import { isDue } from '../domain/reconcile';

export interface ReconcilerOptions {
  store: ObjectStore;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  clock: () => Date;
  /** How often inflight/ is listed. */
  intervalMs: number;
  /** A file with no outcome this long after it was received (or last republished) is published again. */
  afterMs: number;
  inlineLimitBytes?: number;
}

/**
 * The safety net behind every bus (DESIGN.md invariant 1): a file that was received but has no
 * outcome after a bound gets its FileReceived published again, with the same id, so a message
 * lost anywhere on the way (a crash of a bus that keeps nothing, a purged queue, a dead letter
 * cleared by hand) does not leave the file undone. The translator skips a file that has its
 * outcome, so a republish of a file only slow in the queue costs a lookup.
 */
export function createReconciler(options: ReconcilerOptions) {
  const { store, logger } = options;
  const republished = new Counter({
    name: 'ingest_files_republished_total',
    help: 'FileReceived published again for files without an outcome after the bound',
    registers: [options.registry],
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  /** No timer is scheduled (not started, or stopped). */
  let stopped = true;
  /** stop() was called: a sweep under way ends early. */
  let halted = false;

  /** One sweep; resolves with how many files it published again. */
  async function sweep(): Promise<number> {
    let count = 0;
    const now = options.clock();
    for await (const listed of store.list(KEYS.inflightPrefix)) {
      if (halted) break;
      const marker = (await readJson<InflightMarker>(store, listed.key))?.value;
      if (marker === undefined || !isDue(marker, listed.lastModified, now, options.afterMs)) continue;
      const { envelope } = marker;
      // The outcome may have been written and the marker not yet removed.
      if (await store.head(KEYS.outcome(envelope.fileId))) {
        await store.delete(listed.key);
        continue;
      }
      await publishEnvelope({ bus: options.bus, store, inlineLimitBytes: options.inlineLimitBytes }, DESTINATIONS.fileReceived, envelope);
      const next: InflightMarker = { envelope, republished: marker.republished + 1, republishedAt: options.clock().toISOString() };
      await store.put(listed.key, JSON.stringify(next), { contentType: 'application/json' });
      republished.inc();
      count += 1;
      logger.warn({ fileId: envelope.fileId, partnerId: envelope.partnerId, times: next.republished }, 'file without an outcome published again');
    }
    return count;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep();
      void running
        .catch((err: unknown) => {
          logger.warn({ err: describeError(err) }, 'reconciliation sweep failed; next one on schedule');
          return 0;
        })
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, options.intervalMs);
  }

  return {
    sweep,
    start(): void {
      if (!stopped) return;
      stopped = false;
      halted = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      halted = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
