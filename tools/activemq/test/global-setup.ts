/**
 * Integration project: first the system packages the tests need (installed once, one caller
 * at a time, see @ediflow/system-packages), then two ActiveMQ brokers on free loopback ports,
 * shared by all test files as ACTIVEMQ_A_URL and ACTIVEMQ_B_URL. Tests that stop, kill or
 * restart a broker start their own with startBroker() instead of touching these two.
 * If both variables are already set, the running brokers are used as they are.
 */
import { TEST_PACKAGES, ensureSystemPackages } from '@ediflow/system-packages';
import { startBroker, type BrokerHandle } from '../src/index';

export const BROKERS_KEY = '__ediflowActiveMQBrokers';

export default async function globalSetup(): Promise<void> {
  await ensureSystemPackages(TEST_PACKAGES);
  if (process.env.ACTIVEMQ_A_URL && process.env.ACTIVEMQ_B_URL) return;
  const [a, b] = await Promise.all([startBroker({ name: 'test-a' }), startBroker({ name: 'test-b' })]);
  (globalThis as Record<string, unknown>)[BROKERS_KEY] = [a, b] satisfies BrokerHandle[];
  process.env.ACTIVEMQ_A_URL = a.url;
  process.env.ACTIVEMQ_B_URL = b.url;
}
