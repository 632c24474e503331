/**
 * TRACKING_DATABASE_SSL against a PostgreSQL that refuses connections without TLS, as Amazon RDS does
 * with `rds.force_ssl=1`, through the service's own settings path (environment -> loadTrackingConfig
 * -> databaseSettings -> openPostgresDb). The ECS task points TRACKING_DATABASE_CA_FILE at the RDS
 * bundle in the image; here the CA is a throwaway one made for the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { makeTestCertificates, type TestCertificates } from '@ediflow/activemq';
import { removePostgresDir, startPostgres, type PostgresHandle } from '@ediflow/postgres';
import { databaseSettings, loadTrackingConfig, openPostgresDb, type TrackingDb } from '@ediflow/tracking-service';

jest.setTimeout(120_000);

describe('tracking database TLS (a server that requires it)', () => {
  let dir: string;
  let ca: TestCertificates;
  let otherCa: TestCertificates;
  let server: PostgresHandle;
  const opened: TrackingDb[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ediflow-tracking-tls-'));
    ca = await makeTestCertificates(path.join(dir, 'ca'));
    otherCa = await makeTestCertificates(path.join(dir, 'other'));
    server = await startPostgres({ tls: { certFile: path.join(ca.dir, 'server.crt'), keyFile: path.join(ca.dir, 'server.key') } });
  });

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
    await server?.stop();
    if (server) await removePostgresDir(server.dir);
    await rm(dir, { recursive: true, force: true });
  });

  const open = (env: Record<string, string>): TrackingDb => {
    const settings = databaseSettings(loadTrackingConfig({ TRACKING_DATABASE_URL: server.url, TRACKING_DATABASE_POOL_SIZE: '1', ...env }));
    if (settings.kind !== 'postgres') throw new Error('expected PostgreSQL settings');
    const db = openPostgresDb(settings);
    opened.push(db);
    return db;
  };
  const sessionUsesTls = async (db: TrackingDb): Promise<boolean> => {
    const { rows } = await sql<{ ssl: boolean }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(db);
    return rows[0].ssl;
  };

  it('when verify names the CA that signed the server\'s certificate, then the service connects over TLS', async () => {
    await expect(sessionUsesTls(open({ TRACKING_DATABASE_SSL: 'verify', TRACKING_DATABASE_CA_FILE: ca.caFile }))).resolves.toBe(true);
  });

  it('when verify names another CA, then the connection is refused for its certificate', async () => {
    await expect(sessionUsesTls(open({ TRACKING_DATABASE_SSL: 'verify', TRACKING_DATABASE_CA_FILE: otherCa.caFile }))).rejects.toThrow(/certificate/i);
  });

  it('when verify has no CA file, then the system\'s public CAs do not vouch for a private CA (why the image ships the RDS bundle)', async () => {
    await expect(sessionUsesTls(open({ TRACKING_DATABASE_SSL: 'verify' }))).rejects.toThrow(/certificate/i);
  });

  it('when TLS is disabled, then the server refuses the connection', async () => {
    await expect(sessionUsesTls(open({ TRACKING_DATABASE_SSL: 'disable' }))).rejects.toThrow(/pg_hba\.conf|no encryption|SSL/i);
  });
});
