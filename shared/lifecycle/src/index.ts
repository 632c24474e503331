import type { Logger } from '@ediflow/logger';
import { describeError } from '@ediflow/errors';

export interface LifecycleOptions {
  logger: Logger;
  /** The whole shutdown must finish within this bound (DESIGN.md: 25 s). */
  timeoutMs?: number;
  /** Injected for tests; process.exit in production. */
  exit?: (code: number) => void;
  /** Injected for tests; process in production. */
  process?: Pick<NodeJS.Process, 'once' | 'on'>;
}

export interface Lifecycle {
  /** Registers a shutdown step. Steps run in registration order: register "stop taking work" first. */
  onShutdown(name: string, step: () => Promise<void>): void;
  /**
   * Runs the steps once (later calls return the same promise), then exits 0 — or 1 on
   * timeout, a failed step, or when the reason is itself a failure (`failed: true`).
   */
  shutdown(reason: string, options?: { failed?: boolean }): Promise<void>;
  /** Listens for SIGTERM/SIGINT and the process-wide error events. */
  install(): void;
}

/**
 * Graceful shutdown: on SIGTERM or SIGINT stop taking work, finish or release
 * in-flight work, close connections, exit 0 — within 25 s, or exit 1.
 * Also the one handler per process for unhandled rejections and uncaught exceptions.
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 25_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const proc = options.process ?? process;
  const steps: { name: string; step: () => Promise<void> }[] = [];
  let running: Promise<void> | undefined;

  const shutdown = (reason: string, shutdownOptions: { failed?: boolean } = {}): Promise<void> => {
    running ??= (async () => {
      const started = Date.now();
      logger.info({ reason }, 'shutting down');
      let failed = shutdownOptions.failed ?? false;
      const all = (async () => {
        for (const { name, step } of steps) {
          try {
            await step();
            logger.info({ step: name, ms: Date.now() - started }, 'shutdown step done');
          } catch (err) {
            failed = true;
            logger.error({ step: name, err: describeError(err) }, 'shutdown step failed');
          }
        }
      })();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) logger.error({ timeoutMs }, 'shutdown timed out');
      const code = timedOut || failed ? 1 : 0;
      logger.info({ code, ms: Date.now() - started }, 'exiting');
      logger.flush?.();
      exit(code);
    })();
    return running;
  };

  return {
    onShutdown(name, step) {
      steps.push({ name, step });
    },
    shutdown,
    install() {
      proc.once('SIGTERM', () => void shutdown('SIGTERM'));
      proc.once('SIGINT', () => void shutdown('SIGINT'));
      proc.on('unhandledRejection', (err: unknown) => {
        logger.error({ err: describeError(err) }, 'unhandled rejection');
        void shutdown('unhandledRejection', { failed: true });
      });
      proc.on('uncaughtException', (err: unknown) => {
        logger.fatal({ err: describeError(err) }, 'uncaught exception');
        void shutdown('uncaughtException', { failed: true });
      });
    },
  };
}
