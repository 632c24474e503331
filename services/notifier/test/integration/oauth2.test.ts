import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envSecretReader, parseSubscriptions, type Notifier } from '@ediflow/notifier';
import { createTokenClient } from '../../src/adapters/oauth2';
import { waitFor } from '@ediflow/testkit';
import { Receiver, publishTransactions, world, type World, notifierIn } from './helpers';

jest.setTimeout(30_000);

describe('OAuth2 client credentials', () => {
  let w: World;
  let notifier: Notifier | undefined;
  let receiver: Receiver | undefined;
  let tokenServer: Server | undefined;

  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await notifier?.stop();
    await receiver?.stop();
    await new Promise<void>((r) => (tokenServer ? tokenServer.close(() => r()) : r()));
    await w.close();
  });

  it('when an endpoint wants a bearer token, then one token is fetched, cached, refreshed after a 401, and sent with every delivery', async () => {
    const issued: string[] = [];
    const grants: string[] = [];
    tokenServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const basic = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        grants.push(`${basic}|${body}`);
        const token = `tok-${issued.length + 1}`;
        issued.push(token);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    await new Promise<void>((r) => tokenServer?.listen(0, '127.0.0.1', r));
    const tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/oauth/token`;
    // The endpoint accepts only the newest token: the first one is "revoked" after 3 deliveries.
    let accepted = 0;
    receiver = await new Receiver((_key, _n, req) => {
      const auth = req.headers.authorization;
      const current = issued[issued.length - 1];
      if (auth !== `Bearer ${current}` || (current === 'tok-1' && accepted >= 3)) return { status: 401 };
      accepted += 1;
      return { status: 200 };
    }).start();
    const subscriptions = parseSubscriptions(
      {
        version: 1,
        subscriptions: [
          {
            id: 'payer-api',
            partnerId: 'acme-health',
            url: receiver.url,
            maxConcurrency: 1,
            auth: [{ type: 'oauth2', tokenUrl, clientId: 'ediflow', clientSecret: { env: 'PAYER_SECRET' }, scope: 'claims.write' }],
          },
        ],
      },
      envSecretReader({ PAYER_SECRET: 's3cret' }),
    );
    notifier = notifierIn(w, { subscriptions, settings: { retryBaseDelayMs: 5, retryMaxDelayMs: 10, maxAttempts: 5 } });
    await notifier.start();
    const ids = await publishTransactions(w, 6);
    await waitFor('deliveries', () => receiver?.processed.size === ids.length, 8000);
    expect(issued).toEqual(['tok-1', 'tok-2']);
    expect(grants[0]).toBe('ediflow:s3cret|grant_type=client_credentials&scope=claims.write');
    const bearers = new Set(receiver.requests.map((q) => q.headers.authorization));
    expect(bearers).toEqual(new Set(['Bearer tok-1', 'Bearer tok-2']));
    // No HMAC configured: no signature headers.
    expect(receiver.requests[0].headers['webhook-signature']).toBeUndefined();
  });

  it('when the cached token nears expiry, then a new one is fetched ahead of time, and concurrent callers share one request', async () => {
    let n = 0;
    tokenServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        n += 1;
        // client_secret_post: the credentials travel in the form.
        const form = new URLSearchParams(body);
        res.writeHead(form.get('client_secret') === 'pw' ? 200 : 401, { 'content-type': 'application/json' });
        setTimeout(() => res.end(JSON.stringify({ access_token: `t${n}`, expires_in: 120 })), 30);
      });
    });
    await new Promise<void>((r) => tokenServer?.listen(0, '127.0.0.1', r));
    const tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
    let now = Date.parse('2026-11-23T12:00:00Z');
    const client = createTokenClient({ tokenUrl, clientId: 'c', clientSecret: 'pw', clientAuth: 'body', refreshBeforeSeconds: 60 }, { clock: () => new Date(now) });
    expect(await Promise.all([client.token(), client.token(), client.token()])).toEqual(['t1', 't1', 't1']);
    expect(n).toBe(1);
    now += 59_000;
    expect(await client.token()).toBe('t1');
    now += 2_000; // 61 s after issue: inside the 60 s refresh margin of a 120 s token
    expect(await client.token()).toBe('t2');
    client.invalidate();
    expect(await client.token()).toBe('t3');
    const refused = createTokenClient({ tokenUrl, clientId: 'c', clientSecret: 'wrong', clientAuth: 'body' }, { clock: () => new Date(now) });
    await expect(refused.token()).rejects.toMatchObject({ code: 'OAUTH_TOKEN_REFUSED', retryable: true });
  });
});
