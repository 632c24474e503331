/**
 * TLS by one rule, on a real ActiveMQ with a stomp+ssl connector that requires client
 * certificates (startBroker({ tls: true }), throwaway certificates made at start): mutual
 * TLS bridges; no client certificate, a certificate for another host name or an unknown CA
 * keep the route not ready with the TLS error logged; rejectUnauthorized false (with
 * insecure) connects and warns at every connect.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { makeTestCertificates, removeBrokerDir, startBroker, type BrokerHandle, type TestCertificates } from '@ediflow/activemq';
import { StompBus, type ReceivedMessage } from '@ediflow/bus';
import { createBridgeService, parseRoutes, type BridgeService } from '@ediflow/bridge';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { sleep, waitFor } from '../bridge-process';

jest.setTimeout(180_000);

const plainUrl = (): string => process.env.ACTIVEMQ_A_URL as string;

describe('bridge over TLS (mutual TLS on ActiveMQ)', () => {
  let broker: BrokerHandle;
  let certs: TestCertificates;
  let other: TestCertificates;
  let dir: string;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-tls-'));
    broker = await startBroker({ name: 'bridge-tls', dir: path.join(dir, 'broker'), tls: true });
    certs = broker.certificates as TestCertificates;
    other = await makeTestCertificates(path.join(dir, 'other-ca'));
  }, 180_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await broker?.stop();
    if (broker) await removeBrokerDir(broker.dir);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const bridge = async (tls: Record<string, unknown>, run: string) => {
    const sink = memoryDestination();
    const service: BridgeService = createBridgeService({
      routes: parseRoutes({
        endpoints: { secure: { urls: [broker.url], tls }, plain: { urls: [plainUrl()] } },
        routes: [{ name: 'tls-in', from: { endpoint: 'secure', destination: `tls.${run}` }, to: { endpoint: 'plain', destination: `tls.out.${run}` } }],
      }),
      logger: createLogger({ service: 'bridge-test', level: 'info', destination: sink }),
      registry: new Registry(),
      busOptions: { reconnectMaxDelayMs: 500, connectTimeoutMs: 3000, closeTimeoutMs: 1000 },
    });
    closers.push(() => service.stop());
    await service.start();
    return { service, log: () => sink.text() };
  };

  it('when the endpoint has the CA and a client certificate, then messages are bridged', async () => {
    const run = randomBytes(4).toString('hex');
    const { service } = await bridge({ caFile: certs.caFile, certFile: certs.certFile, keyFile: certs.keyFile, servername: 'localhost' }, run);
    await waitFor('readiness', () => service.isReady(), 30_000);
    const producer = new StompBus(broker.url, { tls: { ca: readFileSync(certs.caFile), cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile), servername: 'localhost' } });
    const consumer = new StompBus(plainUrl());
    closers.push(() => producer.close(), () => consumer.close());
    await Promise.all([producer.connect(), consumer.connect()]);
    const got: ReceivedMessage[] = [];
    await consumer.subscribe(`tls.out.${run}`, async (m) => void got.push(m));
    await producer.publish(`tls.${run}`, 'over mutual TLS', { contentType: 'text/plain' });
    await waitFor('the bridged message', () => got.length === 1, 30_000);
    expect(got[0].body.toString()).toBe('over mutual TLS');
  });

  it.each([
    ['no client certificate', () => ({ caFile: certs.caFile, servername: 'localhost' }), /alert bad certificate|certificate required/i],
    ['a certificate name that is not the broker host', () => ({ caFile: certs.caFile, certFile: certs.certFile, keyFile: certs.keyFile, servername: 'mq.example.com' }), /altnames/],
    ['another CA', () => ({ caFile: other.caFile, certFile: certs.certFile, keyFile: certs.keyFile, servername: 'localhost' }), /issuer|self[- ]signed|verify/i],
  ])('when the endpoint has %s, then the route stays not ready and the TLS failure is logged', async (_what, tls, reason) => {
    const { service, log } = await bridge(tls(), randomBytes(4).toString('hex'));
    await waitFor('a failed connection in the log', () => log().includes('broker connection failed') || log().includes('broker connection lost'), 30_000);
    await sleep(1500);
    expect(service.isReady()).toBe(false);
    const failures = log().split('\n').filter((l) => l.includes('broker connection'));
    expect(failures.join('\n')).toMatch(reason);
  });

  it('when rejectUnauthorized is false with insecure, then it connects and warns at every connect', async () => {
    const { service, log } = await bridge({ certFile: certs.certFile, keyFile: certs.keyFile, rejectUnauthorized: false, insecure: true }, randomBytes(4).toString('hex'));
    await waitFor('readiness', () => service.isReady(), 30_000);
    expect(log()).toContain('TLS certificate checks are OFF for this broker (insecure)');
  });
});
