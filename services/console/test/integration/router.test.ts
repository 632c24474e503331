/**
 * The console's HTTP surface on loopback, with the services it reads replaced by in-memory
 * fakes: who gets in (401 otherwise), the CSRF check (403), the operator-only replay with its
 * audit record, the security headers, escaping, and upstream failures.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { silentLogger } from '@ediflow/logger';
import { Access } from '../../src/domain/access';
import { ApiError, type DeadLetterAdminClient, type TrackingReader } from '../../src/adapters/api-client';
import type { AuditEntry, AuditLog } from '../../src/adapters/audit-log';
import type { DeadLetterQuery, DeadLetterRow } from '../../src/domain/views';
import { createConsoleRouter, SESSION_COOKIE } from '../../src/entry-points/router';

const OPERATOR = 'o'.repeat(40);
const READER = 'r'.repeat(40);
const MSG = 'a'.repeat(64);

const deadLetter: DeadLetterRow = {
  version: 1,
  messageId: MSG, subscriptionId: 'claims-api', partnerId: 'clinic', fileId: 'f'.repeat(64), code: 'HTTP_400', reason: '<script>alert(1)</script>',
  attempts: 1, firstAttemptAt: '2026-12-07T10:00:00.000Z', deadLetteredAt: '2026-12-07T10:00:01.000Z', replays: 0,
};

function fakes() {
  const replays: (DeadLetterQuery & { messageIds?: string[] })[] = [];
  const audit: AuditEntry[] = [];
  const state = { trackingDown: false, badFilter: false };
  const deadLetters: DeadLetterAdminClient = {
    list: async () => [deadLetter],
    replay: async (q) => {
      replays.push(q);
      return { replayed: [deadLetter], failed: [] };
    },
  };
  const tracking: TrackingReader = {
    files: async () => {
      if (state.trackingDown) throw new TypeError('fetch failed');
      if (state.badFilter) throw new ApiError(400, 'tracking');
      return { items: [] };
    },
    file: async () => undefined,
    transactions: async () => [],
    claims: async () => ({ items: [] }),
    claim: async () => undefined,
  };
  const auditLog: AuditLog = { record: async (e) => void audit.push(e), recent: async () => [...audit].reverse() };
  return { replays, audit, state, deadLetters, tracking, auditLog };
}

describe('console router', () => {
  let server: Server;
  let base: string;
  const f = fakes();

  beforeAll(async () => {
    const app = express();
    app.use(
      createConsoleRouter({
        logger: silentLogger(),
        access: new Access({ secret: Buffer.alloc(32, 3), operatorToken: OPERATOR, readOnlyToken: READER, sessionTtlMs: 3_600_000 }),
        oidc: {
          verify: async (token) => (token === 'good-ops' ? { user: 'ops@example.org', groups: ['edi-ops'] } : token === 'good-other' ? { user: 'x@example.org', groups: ['sales'] } : undefined),
          groups: { operator: ['edi-ops'], readOnly: ['edi-viewers'] },
        },
        tracking: f.tracking,
        deadLetters: f.deadLetters,
        audit: f.auditLog,
        queues: () => [],
        services: async () => [],
        refreshMs: 5000,
        secureCookies: false,
      }),
    );
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

  /** Signs in through the form as a browser does; returns the session cookie and its CSRF token. */
  async function signIn(token: string): Promise<{ cookie: string; csrf: string }> {
    const form = await fetch(`${base}/login`);
    const nonce = (cookieOf(form, 'ediflow_console_login') ?? '').split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, token }) });
    expect(res.status).toBe(303);
    const set = cookieOf(res, SESSION_COOKIE) ?? '';
    expect(set).toMatch(/; HttpOnly; SameSite=Strict/);
    const cookie = set.split(';')[0];
    const session = (await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()) as { csrf: string };
    return { cookie, csrf: session.csrf };
  }

  it('when a page is served, then it carries the security headers, a CSP without inline script, and no caching', async () => {
    const res = await fetch(`${base}/queues`, { headers: { authorization: `Bearer ${READER}` } });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('<script src="/assets/console.js" defer></script>');
  });

  it('when nobody is signed in, then a browser gets 401 with the sign-in form and an API client 401 JSON; a changed session cookie is nobody', async () => {
    const page = await fetch(`${base}/deadletters`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('action="/login"');
    const api = await fetch(`${base}/api/deadletters`);
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'sign in, or send a console bearer token' } });
    const { cookie } = await signIn(READER);
    expect((await fetch(`${base}/api/queues`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${base}/api/queues`, { headers: { cookie: `${cookie.slice(0, -2)}xx` } })).status).toBe(401);
    expect((await fetch(`${base}/api/queues`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-token' } })).status).toBe(401);
  });

  it('when the sign-in form is posted without its CSRF token or with a wrong token, then 403 and 401, and no session is set', async () => {
    const noCsrf = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${OPERATOR}`, redirect: 'manual' });
    expect(noCsrf.status).toBe(403);
    expect(cookieOf(noCsrf, SESSION_COOKIE)).toBeUndefined();
    const form = await fetch(`${base}/login`);
    const nonce = (cookieOf(form, 'ediflow_console_login') ?? '').split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const wrong = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, token: 'x'.repeat(40) }) });
    expect(wrong.status).toBe(401);
    expect(cookieOf(wrong, SESSION_COOKIE)).toBeUndefined();
  });

  it('when a signed-in POST lacks the CSRF token, then 403 and nothing is replayed; the read-only role gets 403 even with it', async () => {
    const operator = await signIn(OPERATOR);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams({ scope: 'all', confirm: 'yes' });
    expect((await fetch(`${base}/deadletters/replay`, { method: 'POST', headers: { ...form, cookie: operator.cookie }, body })).status).toBe(403);
    const other = await signIn(READER);
    expect((await fetch(`${base}/deadletters/replay`, { method: 'POST', headers: { ...form, cookie: operator.cookie }, body: new URLSearchParams({ scope: 'all', confirm: 'yes', _csrf: other.csrf }) })).status).toBe(403);
    expect((await fetch(`${base}/deadletters/replay`, { method: 'POST', headers: { ...form, cookie: other.cookie }, body: new URLSearchParams({ scope: 'all', confirm: 'yes', _csrf: other.csrf }) })).status).toBe(403);
    expect(f.replays).toEqual([]);
  });

  it('when an operator confirms a replay of a selection, then only those ids are replayed and the audit log says who, what and the outcome', async () => {
    const { cookie, csrf } = await signIn(OPERATOR);
    const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const unconfirmed = await fetch(`${base}/deadletters/replay`, { method: 'POST', headers, body: new URLSearchParams({ _csrf: csrf, scope: 'selected', messageId: MSG }) });
    expect(unconfirmed.status).toBe(400);
    const confirm = await fetch(`${base}/deadletters/confirm`, { method: 'POST', headers, body: new URLSearchParams({ _csrf: csrf, scope: 'selected', messageId: MSG, subscriptionId: 'claims-api' }) });
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain(`name="messageId" value="${MSG}"`);
    const done = await fetch(`${base}/deadletters/replay`, { method: 'POST', headers, body: new URLSearchParams({ _csrf: csrf, scope: 'selected', messageId: MSG, subscriptionId: 'claims-api', confirm: 'yes' }) });
    expect(done.status).toBe(200);
    expect(f.replays).toEqual([{ subscriptionId: 'claims-api', messageIds: [MSG] }]);
    expect(f.audit).toEqual([
      { at: expect.any(String) as string, user: 'operator-token', role: 'operator', action: 'replay-selected', target: { subscriptionId: 'claims-api', messageIds: [MSG] }, outcome: { replayed: 1, failed: 0, messageIds: [MSG] } },
    ]);
  });

  it('when a dead letter reason holds markup, then the page shows it as text', async () => {
    const page = await (await fetch(`${base}/deadletters`, { headers: { authorization: `Bearer ${OPERATOR}` } })).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
  });

  it('when the ALB identity is trusted, then a mapped group signs in with its role, and an unmapped group or a bad token is refused', async () => {
    const ops = await fetch(`${base}/api/session`, { headers: { 'x-amzn-oidc-data': 'good-ops' } });
    expect(await ops.json()).toMatchObject({ user: 'ops@example.org', role: 'operator' });
    expect((await fetch(`${base}/api/session`, { headers: { 'x-amzn-oidc-data': 'good-other' } })).status).toBe(401);
    expect((await fetch(`${base}/api/session`, { headers: { 'x-amzn-oidc-data': 'forged', authorization: `Bearer ${OPERATOR}` } })).status).toBe(401);
  });

  it('when a service the console reads fails, then the page says so without echoing the input (502), and a refused filter is 400', async () => {
    f.state.trackingDown = true;
    const down = await fetch(`${base}/files?partner=%3Cb%3E`, { headers: { authorization: `Bearer ${READER}`, accept: 'text/html' } });
    expect(down.status).toBe(502);
    expect(await down.text()).not.toContain('<b>');
    f.state.trackingDown = false;
    f.state.badFilter = true;
    expect((await fetch(`${base}/api/files?partner=X`, { headers: { authorization: `Bearer ${READER}` } })).status).toBe(400);
    f.state.badFilter = false;
  });
});
