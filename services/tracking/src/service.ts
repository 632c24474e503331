import type { Registry } from 'prom-client';
import type { Router } from 'express';
import type { Bus } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { TrackingDb } from './adapters/db';
import { migrate } from './adapters/migrate';
import { createTrackingStore, type TrackingStore } from './adapters/tracking-store';
import { createTrackingConsumer } from './entry-points/consumer';
import { createTrackingApi } from './entry-points/api';
import { createMaintenance } from './entry-points/maintenance';

export interface TrackingServiceDeps {
  db: TrackingDb;
  bus: Bus;
  objectStore: ObjectStore;
  logger: Logger;
  registry: Registry;
  clock?: () => Date;
  /** Bearer token of the API; no API when unset. */
  apiToken?: string;
  retentionDays: number;
  maintenanceIntervalMs: number;
  prefetch?: number;
}

/**
 * The tracking service: migrations at start, the event consumer, the API router and the
 * scheduled maintenance, over one database.
 */
export function createTrackingService(deps: TrackingServiceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const store: TrackingStore = createTrackingStore(deps.db, clock);
  const consumer = createTrackingConsumer({ bus: deps.bus, objectStore: deps.objectStore, tracking: store, logger: deps.logger, registry: deps.registry, prefetch: deps.prefetch });
  const maintenance = createMaintenance({ store, logger: deps.logger, clock, intervalMs: deps.maintenanceIntervalMs, retentionDays: deps.retentionDays });
  const router: Router | undefined = deps.apiToken ? createTrackingApi({ store, token: deps.apiToken }) : undefined;
  let ready = false;
  return {
    store,
    router,
    maintenance,
    isReady: () => ready,
    async start(): Promise<void> {
      const applied = await migrate(deps.db);
      if (applied.length > 0) deps.logger.info({ migrations: applied }, 'tracking schema migrated');
      await consumer.start();
      maintenance.start();
      ready = true;
    },
    /** Stops consuming and the maintenance, then closes the database. */
    async stop(): Promise<void> {
      ready = false;
      await maintenance.stop();
      await consumer.stop();
      await deps.db.destroy();
    },
  };
}

export type TrackingService = ReturnType<typeof createTrackingService>;
