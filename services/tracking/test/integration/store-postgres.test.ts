import { createTestDatabase } from '@ediflow/testkit';
import { openPostgresDb } from '@ediflow/tracking-service';
import { trackingStoreContract } from '../contract';

jest.setTimeout(60_000);

/** A database of its own in the test cluster (global setup), dropped at the end. */
trackingStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase('tracking');
  const db = openPostgresDb({ url: database.url, ssl: 'disable', poolSize: 4 });
  return {
    db,
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
});
