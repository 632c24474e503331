export { openPgliteDb, openPostgresDb, memoryPgliteDb, type TrackingDb, type PostgresSettings } from './adapters/db';
export { pgliteInWorker, type PgliteLike } from './adapters/pglite-worker';
export { migrate } from './adapters/migrate';
export { createTrackingStore, type TrackingStore, type FileView, type FileDetail, type ClaimView, type ClaimDetail, type SetView } from './adapters/tracking-store';
export { createTrackingService, type TrackingService, type TrackingServiceDeps } from './service';
export { trackingConfigSchema, trackingEnvShape, loadTrackingConfig, databaseSettings, type TrackingConfig } from './config';
export { OPENAPI } from './entry-points/openapi';
