import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSubscriptionsFile, type DeadLetter, type Notifier } from '@ediflow/notifier';
import { waitFor } from '@ediflow/testkit';
import { countKeys, publishTransactions, readJson, world, type World, notifierIn } from './helpers';

jest.setTimeout(60_000);

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
function makePki(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca']);
  openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext']);
  openssl(dir, ['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=ediflow-notifier']);
  openssl(dir, ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1']);
  // A self-signed client certificate the server does not trust.
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '1', '-subj', '/CN=rogue']);
}

describe('mutual TLS', () => {
  let w: World;
  let notifier: Notifier | undefined;
  let server: Server | undefined;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'notifier-pki-'));
    makePki(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await notifier?.stop();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await w.close();
  });

  it('when an endpoint requires a client certificate, then the configured one is presented; with an untrusted one the delivery is dead-lettered', async () => {
    const clients: string[] = [];
    server = createServer(
      { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')), ca: readFileSync(join(dir, 'ca.crt')), requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        clients.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
        req.resume();
        req.on('end', () => res.writeHead(200).end());
      },
    );
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const file = join(dir, 'subscriptions.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        subscriptions: [
          { id: 'with-cert', partnerId: 'acme-health', url, auth: [{ type: 'mtls', cert: { file: join(dir, 'client.crt') }, key: { file: join(dir, 'client.key') }, ca: { file: join(dir, 'ca.crt') } }] },
          // Trusts the server but presents a certificate the server's CA did not issue.
          { id: 'untrusted', partnerId: 'acme-health', url, auth: [{ type: 'mtls', cert: { file: join(dir, 'rogue.crt') }, key: { file: join(dir, 'rogue.key') }, ca: { file: join(dir, 'ca.crt') } }] },
        ],
      }),
    );
    const subscriptions = loadSubscriptionsFile(file, {});
    notifier = notifierIn(w, { subscriptions, settings: { maxAttempts: 1, timeoutMs: 5000 } });
    await notifier.start();
    const ids = await publishTransactions(w, 3);
    await waitFor('deliveries and dead letters', async () => clients.length === 3 && (await countKeys(w.store, 'deadletters/notifier/')).length === 3, 20_000);
    expect(clients).toEqual(['ediflow-notifier', 'ediflow-notifier', 'ediflow-notifier']);
    const d = await readJson<DeadLetter>(w.store, `deadletters/notifier/${ids[0]}/untrusted.json`);
    expect(d.subscriptionId).toBe('untrusted');
    expect(['TLS_FAILURE', 'CONNECTION_RESET']).toContain(d.code);
  });
});
