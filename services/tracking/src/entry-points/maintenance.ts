import type { Logger } from '@ediflow/logger';
import { describeError } from '@ediflow/errors';
import type { TrackingStore } from '../adapters/tracking-store';

/**
 * On a schedule: attaches payer statuses to claims that arrived meanwhile, and deletes what is
 * older than the retention. One run at a time; a failed run is logged and the next one tries.
 */
export function createMaintenance(options: { store: TrackingStore; logger: Logger; clock: () => Date; intervalMs: number; retentionDays: number }) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function run(): Promise<{ rematched: number; purged: Record<string, number> }> {
    const rematched = await options.store.rematch();
    const before = new Date(options.clock().getTime() - options.retentionDays * 24 * 3600_000);
    const purged = await options.store.purge(before);
    const total = Object.values(purged).reduce((a, n) => a + n, 0);
    if (rematched > 0 || total > 0) options.logger.info({ rematched, purged }, 'tracking maintenance');
    return { rematched, purged };
  }

  const schedule = () => {
    timer = setTimeout(() => {
      running = run()
        .then(() => undefined)
        .catch((err: unknown) => options.logger.warn({ err: describeError(err) }, 'tracking maintenance failed; next run on schedule'))
        .finally(() => {
          running = undefined;
          if (timer !== undefined) schedule();
        });
    }, options.intervalMs);
    timer.unref();
  };

  return {
    run,
    start(): void {
      if (timer === undefined) schedule();
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
