export { openPgliteDb, openPostgresDb, memoryPgliteDb, type TrackingDb, type PostgresSettings } from './adapters/db';
export { migrate } from './adapters/migrate';
export { createTrackingStore, type TrackingStore } from './adapters/tracking-store';
