import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import * as initial from '../migrations/001-initial';
import type { TrackingDb } from './db';

/** Every migration, in order: the list is code, so the built service carries it with no files to find. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema up to date with Kysely's migrator, which holds a lock while it runs (a
 * PostgreSQL advisory lock: of several replicas starting at once, one migrates and the others
 * wait, then find nothing to do). Resolves with the migrations it applied.
 */
export async function migrate(db: TrackingDb): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'tracking_migrations', migrationLockTableName: 'tracking_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
