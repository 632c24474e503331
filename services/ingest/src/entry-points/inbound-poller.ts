import { KEYS } from '@ediflow/messages';
import type { ListedObject, ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import { describeError } from '@ediflow/errors';

export interface PollerOptions {
  store: ObjectStore;
  logger: Logger;
  process: (info: ListedObject) => Promise<unknown>;
  /** How often inbound/ is listed; files are picked up within this interval plus processing time. */
  intervalMs: number;
  /** Files processed at once. */
  concurrency: number;
  prefix?: string;
}

/**
 * Lists inbound/ on an interval (and at once when `trigger()` is called, e.g. by the SFTP
 * server after an upload) and ingests what it finds, a bounded number at a time. A file
 * that fails with a retryable error stays in inbound/ and is tried again on a later pass.
 */
export function createInboundPoller(options: PollerOptions) {
  const prefix = options.prefix ?? KEYS.inbound;
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let passing: Promise<void> | undefined;
  let again = false;

  async function pass(): Promise<void> {
    for await (const info of options.store.list(prefix)) {
      if (stopped) return;
      if (inFlight.has(info.key)) continue;
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight.values());
      if (stopped) return;
      const work = options
        .process(info)
        .then(() => undefined)
        .catch((err: unknown) => {
          options.logger.warn({ err: describeError(err) }, 'inbound object will be retried');
        })
        .finally(() => inFlight.delete(info.key));
      inFlight.set(info.key, work);
    }
  }

  function runPass(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    passing = pass()
      .catch((err: unknown) => options.logger.warn({ err: describeError(err) }, 'listing inbound failed'))
      .finally(() => {
        passing = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          runPass();
        } else schedule();
      });
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(runPass, options.intervalMs);
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      runPass();
    },
    /** Lists again now (or right after the pass under way), instead of waiting for the interval. */
    trigger(): void {
      if (stopped) return;
      if (passing) again = true;
      else runPass();
    },
    /** Stops listing and waits for the files being processed to finish. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await passing;
      await Promise.allSettled(inFlight.values());
    },
  };
}
