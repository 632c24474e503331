import type { Router } from 'express';
import type { Logger } from '@ediflow/logger';
import type { ObjectStore } from '@ediflow/store';
import { DESTINATIONS } from '@ediflow/messages';
import { Access } from './domain/access';
import { QueueHistory, queueName, type QueueFigures } from './domain/queues';
import { deadLetterClient, trackingClient, type ApiClientOptions } from './adapters/api-client';
import { createAuditLog } from './adapters/audit-log';
import { probeService, type ServiceTarget } from './adapters/service-probe';
import { createConsoleRouter, type OidcTrust } from './entry-points/router';

/** A broker the Queues page shows: ActiveMQ through its statistics plugin, or the embedded bus. */
export interface QueueSource {
  name: string;
  read(): Promise<QueueFigures[]>;
}

export interface ConsoleServiceDeps {
  logger: Logger;
  /** Where the audit log is kept. */
  store: ObjectStore;
  /** Tracking's API (base URL and its bearer token). */
  tracking: ApiClientOptions;
  /** The notifier's dead-letter admin (its /admin base URL and the replay token). */
  deadLetters: ApiClientOptions;
  brokers: QueueSource[];
  services: ServiceTarget[];
  /** Sessions last `sessionTtlMs` (default 8 hours). */
  access: { secret: Buffer; operatorToken?: string; readOnlyToken?: string; sessionTtlMs?: number };
  oidc?: OidcTrust;
  sampleIntervalMs: number;
  secureCookies?: boolean;
  clock?: () => Date;
}

/**
 * The console: samples every broker's queues on an interval (the hour of history behind the
 * rates and sparklines lives in this process), and serves the pages. It keeps no business state
 * of its own: files, claims and dead letters are read from their services on each request.
 */
export function createConsoleService(deps: ConsoleServiceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const history = new QueueHistory(Object.values(DESTINATIONS).map(queueName));
  let timer: NodeJS.Timeout | undefined;
  /** Readings under way, by broker: a slow or unreachable broker delays only its own figures. */
  const reading = new Map<string, Promise<void>>();
  /** The last error logged per broker: an unreachable broker is logged when it fails, not at every sample. */
  const failing = new Map<string, string>();

  function readBroker(b: QueueSource): Promise<void> {
    let r = reading.get(b.name);
    if (!r) {
      const at = clock().getTime();
      r = b
        .read()
        .then(
          (queues) => {
            if (failing.delete(b.name)) deps.logger.info({ broker: b.name }, 'console: broker statistics readable again');
            history.record({ broker: b.name, at, queues });
          },
          (err: unknown) => {
            const error = err instanceof Error ? err.message.slice(0, 200) : 'unreachable';
            if (failing.get(b.name) !== error) deps.logger.warn({ broker: b.name, err: error }, 'console: broker statistics not readable');
            failing.set(b.name, error);
            history.record({ broker: b.name, at, queues: [], error });
          },
        )
        .finally(() => reading.delete(b.name));
      reading.set(b.name, r);
    }
    return r;
  }

  async function sample(): Promise<void> {
    await Promise.all(deps.brokers.map(readBroker));
  }

  const router: Router = createConsoleRouter({
    logger: deps.logger,
    access: new Access({ sessionTtlMs: 8 * 3600_000, ...deps.access }),
    oidc: deps.oidc,
    tracking: trackingClient(deps.tracking),
    deadLetters: deadLetterClient(deps.deadLetters),
    audit: createAuditLog(deps.store),
    queues: () => history.view(deps.brokers.map((b) => b.name)),
    services: () => Promise.all(deps.services.map((s) => probeService(s))),
    refreshMs: deps.sampleIntervalMs,
    secureCookies: deps.secureCookies ?? false,
    clock,
  });

  return {
    router,
    /** One reading of every broker now (also what the interval does). */
    sample,
    async start(): Promise<void> {
      await sample();
      timer = setInterval(() => void sample(), deps.sampleIntervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(reading.values());
    },
  };
}

export type ConsoleService = ReturnType<typeof createConsoleService>;
