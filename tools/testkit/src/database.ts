import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** postgres:// URL of the new database. */
  url: string;
  /** Drops it, closing any connection still open to it. */
  drop(): Promise<void>;
}

async function asAdmin(adminUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A database of its own for one test file, in the integration project's PostgreSQL cluster
 * (TRACKING_TEST_DATABASE_URL, started by the global setup), named `<prefix>_<random>`.
 */
export async function createTestDatabase(prefix: string, adminUrl = process.env.TRACKING_TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!adminUrl) throw new Error('TRACKING_TEST_DATABASE_URL is unset: run this test in the integration project');
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`database prefix ${JSON.stringify(prefix)}: lower-case letters, digits and _`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(adminUrl, `drop database if exists ${name} with (force)`) };
}
