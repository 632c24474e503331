/**
 * The ops console in a real browser (Debian's chromium driven by playwright-core) against the
 * running pipeline (`npm start` with BROKER_URL on a real ActiveMQ, a second broker listed in
 * CONSOLE_BROKERS): queue depth shows within 5 s without a reload, a file shows with its 999
 * and callbacks, a dead letter from a failing endpoint is replayed by an operator and delivered
 * while the read-only role is refused. Screenshots go to var/test-artifacts/console/.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startBroker, freePort, type BrokerHandle } from '@ediflow/activemq';
import { createBus, type Bus } from '@ediflow/bus';
import { silentLogger } from '@ediflow/logger';
import { EmbeddedObjectStore } from '@ediflow/store';
import { waitFor } from '@ediflow/testkit';
import { ROOT, Restartable } from './crash-kit';

jest.setTimeout(150_000);

const ARTIFACTS = path.join(ROOT, 'var', 'test-artifacts', 'console');
const TRANSLATOR_QUEUE = '/queue/edi.file.received';

/** The provider's 837P (one claim) with its own interchange control number. */
function claimFile(isa13: string): Buffer {
  return Buffer.from(readFileSync(path.join(ROOT, 'tools/local/test/fixtures/lfh__demo.837'), 'latin1').replaceAll('*000000907', `*${isa13}`), 'latin1');
}

/** A callback endpoint that refuses (HTTP 400, a permanent failure: dead-lettered at once) while `failing`. */
async function startEndpoint(): Promise<{ url: string; failing: boolean; delivered: string[]; close(): Promise<void> }> {
  const state = { failing: false, delivered: [] as string[] };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (state.failing) {
        res.writeHead(400).end();
        return;
      }
      state.delivered.push(String(req.headers['idempotency-key']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/claims`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

describe('ops console in a browser against npm start on ActiveMQ', () => {
  let broker: BrokerHandle;
  let onprem: Bus;
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  let home: string;
  let app: Restartable;
  let consoleUrl: string;
  let tokens: { operator: string; readOnly: string };
  let browser: Browser;
  let store: EmbeddedObjectStore;

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function signIn(role: 'operator' | 'readOnly', viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${consoleUrl}/queues`);
    await page.fill('input[name=token]', tokens[role]);
    await Promise.all([page.waitForURL(`${consoleUrl}/queues`), page.click('form.login button')]);
    return { context, page };
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    [broker, endpoint, home] = await Promise.all([startBroker({ name: 'console-e2e' }), startEndpoint(), mkdtemp(path.join(os.tmpdir(), 'ediflow-console-'))]);
    await writeFile(
      path.join(home, 'partners.json'),
      JSON.stringify({
        version: 1,
        partners: [
          {
            id: 'clinic',
            name: 'Clinic (provider)',
            isaSenders: [{ qualifier: '30', id: '000000005' }],
            requireSignature: false,
            allowPlaintext: true,
            split: 'transaction',
            acknowledgments: ['TA1', '999'],
            subscriptions: [{ id: 'claims-api', url: endpoint.url }],
          },
        ],
      }),
    );
    const [httpPort, consolePort] = [await freePort(), await freePort()];
    const { STORE_ROOT: _store, BUS_DIR: _bus, ...inherited } = process.env;
    app = new Restartable('npm start', path.join(ROOT, 'tools/local/dist/start.js'), {
      ...inherited,
      EDIFLOW_HOME: home,
      BROKER_URL: broker.url,
      HTTP_PORT: String(httpPort),
      CONSOLE_PORT: String(consolePort),
      CONSOLE_BROKERS: `onprem=${process.env.ACTIVEMQ_B_URL}`,
      CONSOLE_SAMPLE_INTERVAL_MS: '1000',
      DEMO_SINK_PORT: '0',
      SFTP_PORT: '0',
      INGEST_POLL_INTERVAL_MS: '200',
      NOTIFIER_MAX_ATTEMPTS: '1',
    });
    app.start();
    await app.waitForOutput('ediflow is running', 90_000);
    expect(app.output).toContain(`console        http://127.0.0.1:${consolePort}/`);
    consoleUrl = `http://127.0.0.1:${consolePort}`;
    const read = (name: string) => readFile(path.join(home, 'keys', name), 'utf8').then((t) => t.trim());
    tokens = { operator: await read('console-operator.token'), readOnly: await read('console-read-only.token') };
    store = new EmbeddedObjectStore({ root: path.join(home, 'store') });
    onprem = createBus(process.env.ACTIVEMQ_B_URL ?? '', { logger: silentLogger() });
    await onprem.connect();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    // Take back what the test left on the shared broker.
    await onprem?.subscribe(TRANSLATOR_QUEUE, async () => undefined);
    await new Promise((r) => setTimeout(r, 500));
    await onprem?.close();
    await app?.signal('SIGTERM');
    await Promise.all([broker?.stop(), endpoint?.close()]);
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('when nobody is signed in, then every page and API answers 401, and a signed-in POST without its CSRF token gets 403', async () => {
    for (const p of ['/', '/queues', '/files', '/files/' + 'a'.repeat(64), '/search?kind=st02&q=1', '/claims', '/deadletters', '/services', '/audit', '/api/queues', '/api/files', '/api/services', '/api/deadletters', '/api/session', '/nope']) {
      const res = await fetch(`${consoleUrl}${p}`, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect({ p, status: res.status }).toEqual({ p, status: 401 });
    }
    for (const p of ['/deadletters/confirm', '/deadletters/replay', '/api/deadletters/replay', '/logout']) {
      expect((await fetch(`${consoleUrl}${p}`, { method: 'POST' })).status).toBe(401);
    }
    const bearer = { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' };
    expect((await fetch(`${consoleUrl}/api/deadletters/replay`, { method: 'POST', headers: bearer, body: '{"scope":"all"}' })).status).toBe(403);
    const login = await fetch(`${consoleUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${tokens.operator}`, redirect: 'manual' });
    expect(login.status).toBe(403);
  });

  it('when 3 messages wait on the translator queue of a broker with no consumer, then the Queues page shows depth 3 within 5 s, without a reload', async () => {
    const { context, page } = await signIn('operator');
    const depth = page.locator('section[data-broker="onprem"] tr[data-queue="edi.file.received"] td.depth');
    await depth.waitFor({ timeout: 20_000 });
    const before = Number(await depth.textContent());
    // A mark on the page as loaded: still there afterwards means the figure came without a reload.
    await page.evaluate("document.body.setAttribute('data-loaded-once', 'yes')");
    for (let i = 0; i < 3; i += 1) await onprem.publish(TRANSLATOR_QUEUE, JSON.stringify({ probe: i }));
    const published = Date.now();
    await depth.filter({ hasText: new RegExp(`^${before + 3}$`) }).waitFor({ timeout: 5_000 });
    expect(Date.now() - published).toBeLessThan(5_000);
    expect(await page.locator('body').getAttribute('data-loaded-once')).toBe('yes');
    await page.locator('section[data-broker="onprem"] tr[data-queue="edi.file.received"] td.oldest').filter({ hasText: /^\d+ s$/ }).waitFor({ timeout: 10_000 });
    expect(await page.locator('section[data-broker="pipeline"] tr[data-queue="edi.file.received"] td.consumers').textContent()).not.toBe('0');
    await shot(page, 'queues');
    await page.setViewportSize({ width: 420, height: 800 });
    await shot(page, 'queues-narrow');

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${consoleUrl}/services`);
    const card = page.locator('section.card[data-service="ediflow"]');
    expect(await card.locator('.state').first().textContent()).toBe('healthy');
    expect(await card.locator('.version').textContent()).toBe('version 0.1.0');
    expect(await card.locator('td code').allTextContents()).toContain('ingest_files_republished_total');
    await shot(page, 'services');
    await context.close();
  });

  it('when a file has been translated, then the Files page lists it and its page shows the 999 and the callbacks', async () => {
    await store.put('inbound/clinic/claims-a.837', claimFile('000000301'));
    await waitFor('the callback of file A', () => endpoint.delivered.length >= 1, { timeoutMs: 60_000, intervalMs: 200, detail: () => app.output.slice(-3000) });
    const { context, page } = await signIn('operator');
    await page.goto(`${consoleUrl}/files?partner=clinic`);
    const row = page.locator('tr[data-file]').first();
    await waitFor('the file listed as translated', async () => (await row.locator('.state').textContent().catch(() => null)) === 'translated' || (await page.reload(), false), { timeoutMs: 30_000, intervalMs: 1000 });
    await shot(page, 'files');
    await row.locator('a').click();
    await page.waitForURL(/\/files\/[0-9a-f]{64}$/);
    expect(await page.locator('dd.acks').textContent()).toContain('999 A');
    expect(await page.locator('tr.callback[data-subscription="claims-api"] .state').textContent()).toBe('delivered');
    expect(await page.locator('tr[data-st02]').count()).toBe(1);
    await shot(page, 'file');

    // Its claim: submitted in the 837, accepted in the 999, with the billed amount.
    await page.goto(`${consoleUrl}/claims?claimNumber=26463774`);
    await Promise.all([page.waitForURL(/\/claims\/[0-9a-f]{64}$/), page.click('tr[data-claim="26463774"] a')]);
    expect(await page.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-source')))).toEqual(['837', '999']);
    expect(await page.locator('ol.timeline li[data-source="837"]').textContent()).toContain('billed $100.00');
    await shot(page, 'claim');
    await context.close();
  });

  it('when an endpoint fails, then its dead letter shows; read-only may not replay (403), an operator replays it and it is delivered, and the audit log says who', async () => {
    endpoint.failing = true;
    const deliveredBefore = endpoint.delivered.length;
    await store.put('inbound/clinic/claims-b.837', claimFile('000000302'));

    const reader = await signIn('readOnly');
    await reader.page.goto(`${consoleUrl}/deadletters?subscriptionId=claims-api`);
    const readerRow = reader.page.locator('tr[data-subscription="claims-api"]');
    await waitFor('the dead letter listed', async () => (await readerRow.count()) === 1 || (await reader.page.reload(), false), { timeoutMs: 60_000, intervalMs: 1000, detail: () => app.output.slice(-3000) });
    expect(await readerRow.textContent()).toContain('HTTP_400');
    expect(await reader.page.locator('form.replay').count()).toBe(0);
    const session = (await (await reader.page.request.get(`${consoleUrl}/api/session`)).json()) as { role: string; csrf: string };
    expect(session.role).toBe('read-only');
    const refused = await reader.page.request.post(`${consoleUrl}/deadletters/replay`, { form: { _csrf: session.csrf, scope: 'all', confirm: 'yes' } });
    expect(refused.status()).toBe(403);
    await shot(reader.page, 'deadletters-read-only');
    await reader.context.close();

    endpoint.failing = false;
    const { context, page } = await signIn('operator');
    await page.goto(`${consoleUrl}/deadletters?subscriptionId=claims-api`);
    await page.check('tr[data-subscription="claims-api"] input[type=checkbox]');
    await shot(page, 'deadletters');
    await Promise.all([page.waitForURL(`${consoleUrl}/deadletters/confirm`), page.click('button[value=selected]')]);
    expect(await page.locator('p.confirm').textContent()).toContain('Replay 1 dead letter');
    await shot(page, 'replay-confirm');
    await Promise.all([page.waitForURL(`${consoleUrl}/deadletters/replay`), page.click('button[name=confirm]')]);
    expect(await page.locator('strong.replayed').textContent()).toBe('1');
    await waitFor('the replayed callback delivered', () => endpoint.delivered.length > deliveredBefore, { timeoutMs: 30_000, intervalMs: 200 });
    await page.goto(`${consoleUrl}/deadletters?subscriptionId=claims-api`);
    expect(await page.locator('tr[data-subscription="claims-api"]').count()).toBe(0);
    await page.goto(`${consoleUrl}/audit`);
    const audit = await page.locator('tr.audit').first().textContent();
    expect(audit).toContain('operator-token');
    expect(audit).toContain('replay-selected');
    await shot(page, 'audit');
    await context.close();
  });
});
