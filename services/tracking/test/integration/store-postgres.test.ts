import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresDb } from '@ediflow/tracking-service';
import { trackingStoreContract } from '../contract';

jest.setTimeout(60_000);

/** A database of its own in the test cluster (global setup), dropped at the end. */
trackingStoreContract('PostgreSQL', async () => {
  const admin = process.env.TRACKING_TEST_DATABASE_URL as string;
  const name = `tracking_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = openPostgresDb({ url: url.toString(), ssl: 'disable', poolSize: 4 });
  return {
    db,
    async close() {
      await db.destroy();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database ${name}`);
      await c.end();
    },
  };
});
