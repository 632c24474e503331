import { removeBrokerDir, type BrokerHandle } from '../src/index';
import { BROKERS_KEY } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const brokers = (globalThis as Record<string, unknown>)[BROKERS_KEY] as BrokerHandle[] | undefined;
  if (!brokers) return;
  await Promise.all(brokers.map((b) => b.stop()));
  await Promise.all(brokers.map((b) => removeBrokerDir(b.dir)));
  delete process.env.ACTIVEMQ_A_URL;
  delete process.env.ACTIVEMQ_B_URL;
}
