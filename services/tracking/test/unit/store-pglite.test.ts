import { memoryPgliteDb } from '@ediflow/tracking-service';
import { trackingStoreContract } from '../contract';

jest.setTimeout(60_000);

trackingStoreContract('PGlite', async () => {
  const db = memoryPgliteDb();
  return { db, close: () => db.destroy() };
});
