import type { Registry } from 'prom-client';
import type { Bus } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { RegistrySource } from '@ediflow/partners';
import type { AlertSink } from '@ediflow/alerts';
import { createIngest } from './domain/ingest-file';
import type { Decryptor } from './domain/ports';
import { createInboundPoller } from './entry-points/inbound-poller';

export interface IngestServiceDeps {
  store: ObjectStore;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  partners: RegistrySource;
  decryptor: Decryptor;
  alerts: AlertSink;
  clock?: () => Date;
  bucket: string;
  maxFileBytes: number;
  pollIntervalMs: number;
  concurrency: number;
  inlineLimitBytes?: number;
}

/** The ingest service: the inbound/ poller feeding the file pipeline. start/stop for the process lifecycle. */
export function createIngestService(deps: IngestServiceDeps) {
  const ingest = createIngest({ ...deps, clock: deps.clock ?? (() => new Date()) });
  const poller = createInboundPoller({
    store: deps.store,
    logger: deps.logger,
    process: (info) => ingest.processObject(info),
    intervalMs: deps.pollIntervalMs,
    concurrency: deps.concurrency,
  });
  return {
    processObject: ingest.processObject,
    async start() {
      poller.start();
    },
    stop: () => poller.stop(),
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
