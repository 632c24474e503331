import { SERVERS_KEY } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as Record<string, unknown>)[SERVERS_KEY] as Array<() => Promise<void>> | undefined;
  if (!stops) return;
  await Promise.all(stops.map((stop) => stop()));
  delete process.env.ACTIVEMQ_A_URL;
  delete process.env.ACTIVEMQ_B_URL;
  delete process.env.TRACKING_TEST_DATABASE_URL;
}
