/**
 * Integration project: first the system packages the tests need (installed once, one caller
 * at a time, see @ediflow/system-packages), then the servers every test file may share, on free
 * loopback ports: two ActiveMQ brokers (ACTIVEMQ_A_URL, ACTIVEMQ_B_URL) and one PostgreSQL
 * cluster (TRACKING_TEST_DATABASE_URL; tests make a database of their own in it). Tests that
 * stop, kill or restart a server start their own. Variables already set are used as they are.
 */
import { TEST_PACKAGES, ensureSystemPackages } from '@ediflow/system-packages';
import { removeBrokerDir, startBroker, type BrokerHandle } from '@ediflow/activemq';
import { removePostgresDir, startPostgres } from '@ediflow/postgres';

export const SERVERS_KEY = '__ediflowTestServers';

export default async function globalSetup(): Promise<void> {
  await ensureSystemPackages(TEST_PACKAGES);
  const stops: Array<() => Promise<void>> = [];
  const starting: Promise<void>[] = [];
  if (!(process.env.ACTIVEMQ_A_URL && process.env.ACTIVEMQ_B_URL)) {
    starting.push(
      Promise.all([startBroker({ name: 'test-a' }), startBroker({ name: 'test-b' })]).then(([a, b]) => {
        const stop = (broker: BrokerHandle) => () => broker.stop().then(() => removeBrokerDir(broker.dir));
        stops.push(stop(a), stop(b));
        process.env.ACTIVEMQ_A_URL = a.url;
        process.env.ACTIVEMQ_B_URL = b.url;
      }),
    );
  }
  if (!process.env.TRACKING_TEST_DATABASE_URL) {
    starting.push(
      startPostgres().then((pg) => {
        stops.push(() => pg.stop().then(() => removePostgresDir(pg.dir)));
        process.env.TRACKING_TEST_DATABASE_URL = pg.url;
      }),
    );
  }
  await Promise.all(starting);
  (globalThis as Record<string, unknown>)[SERVERS_KEY] = stops;
}
