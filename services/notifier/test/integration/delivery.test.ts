import { envSecretReader, parseSubscriptions, type DeadLetter, type Notifier } from '@ediflow/notifier';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { waitFor } from '@ediflow/testkit';
import { Receiver, countKeys, hmacSub, publishTransactions, readJson, world, TEST_ENV, type World, notifierIn } from './helpers';

jest.setTimeout(30_000);

const FAST = {
  maxAttempts: 6,
  maxAgeMs: 20_000,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 50,
  // Generous: the receivers share the test's event loop, and a busy machine must not turn answers into timeouts.
  timeoutMs: 5000,
  concurrency: 4,
  circuitFailureThreshold: 50,
  circuitOpenMs: 50,
  alertIntervalMs: 60_000,
};

describe('notifier delivery against real HTTP endpoints', () => {
  let w: World;
  let notifier: Notifier | undefined;
  const receivers: Receiver[] = [];

  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await notifier?.stop();
    notifier = undefined;
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
    await w.close();
  });

  async function receiver(react: ConstructorParameters<typeof Receiver>[0]): Promise<Receiver> {
    const r = await new Receiver(react).start();
    receivers.push(r);
    return r;
  }

  it('when endpoints fail, time out, rate-limit, reject, drop connections or answer slowly, then every message is processed once per key or dead-lettered with its reason', async () => {
    const healthy = await receiver(() => ({ status: 200 }));
    const flaky = await receiver((_k, n) => (n <= 2 ? { status: 500 } : { status: 204 }));
    const timeout = await receiver((_k, n) => (n === 1 ? { hang: true } : { status: 200 }));
    const limited = await receiver((_k, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const unavailable = await receiver((_k, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 202 }));
    const rejecting = await receiver(() => ({ status: 400 }));
    const dropper = await receiver((_k, n) => (n === 1 ? { drop: true } : { status: 200 }));
    const resetter = await receiver((_k, n) => (n === 1 ? { reset: true } : { status: 200 }));
    const slow = await receiver(() => ({ status: 200, delayMs: 120 }));
    const endpoints = { healthy, flaky, timeout, limited, unavailable, rejecting, dropper, resetter, slow };
    const subscriptions = parseSubscriptions(
      {
        version: 1,
        // Only the hanging endpoint gets a short timeout.
        subscriptions: Object.entries(endpoints).map(([id, r]) => hmacSub(id, r.url, id === 'timeout' ? { timeoutMs: 300 } : {})),
      },
      envSecretReader(TEST_ENV),
    );
    const logs = memoryDestination();
    const logger = createLogger({ service: 'notifier', level: 'debug', destination: logs });
    notifier = notifierIn(w, { logger, subscriptions, settings: FAST });
    await notifier.start();

    const ids = await publishTransactions(w, 12);
    const good = Object.entries(endpoints).filter(([id]) => id !== 'rejecting');
    await waitFor(
      'all deliveries to finish',
      async () => good.every(([, r]) => r.processed.size === ids.length) && (await countKeys(w.store, 'deadletters/notifier/')).length === ids.length,
      20_000,
    );
    // Every delivery that ended well: each key processed once, every request signed correctly.
    for (const [id, r] of good) {
      expect({ id, keys: [...r.processed].sort() }).toEqual({ id, keys: [...ids].sort() });
      expect(r.requests.every((q) => q.verified && q.webhookId === q.key)).toBe(true);
    }
    const first = healthy.requests.find((q) => q.key === ids[0]);
    expect(first?.json).toMatchObject({ id: ids[0], type: 'TransactionTranslated', partnerId: 'acme-health', body: { transactionSet: '837', claim: { totalCharge: 100 } } });
    expect(first?.headers['content-type']).toBe('application/json');
    // Retries really happened where the endpoints asked for them.
    // (At least: on a loaded machine a slow answer can pass the client timeout and be tried again.)
    for (const key of ids) {
      expect(flaky.attempts.get(key)).toBeGreaterThanOrEqual(3);
      expect(timeout.attempts.get(key)).toBeGreaterThanOrEqual(2);
      expect(dropper.attempts.get(key)).toBeGreaterThanOrEqual(2);
      expect(resetter.attempts.get(key)).toBeGreaterThanOrEqual(2);
      expect(limited.attempts.get(key)).toBeGreaterThanOrEqual(2);
    }
    // 429 with Retry-After: 1: the second try of a key comes no sooner than a second later.
    for (const key of ids) {
      const times = limited.requests.filter((q) => q.key === key).map((q) => q.at);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(990);
    }
    // 400: dead-lettered after one attempt, with a reason and no PHI.
    expect(rejecting.requests.length).toBe(ids.length);
    const keys = await countKeys(w.store, 'deadletters/notifier/');
    expect(keys.sort()).toEqual(ids.map((id) => `deadletters/notifier/${id}/rejecting.json`).sort());
    const d = await readJson<DeadLetter>(w.store, keys[0]);
    expect(d).toMatchObject({ subscriptionId: 'rejecting', partnerId: 'acme-health', code: 'HTTP_400', attempts: 1, lastStatus: 400, replays: 0 });
    expect(d.reason).not.toContain('PCN-SECRET');
    expect(JSON.parse(d.envelope)).toMatchObject({ id: d.messageId });

    // The log tells what happened with ids and codes, and holds nothing from the documents.
    const lines = logs.lines();
    expect(lines.filter((l) => l.msg === 'callback delivered')).toHaveLength(good.length * ids.length);
    // Each delivery line carries the request's duration, the figure the AWS dashboard's callback latency reads.
    for (const l of lines.filter((x) => x.msg === 'callback delivered')) expect(l.ms).toEqual(expect.any(Number));
    expect(lines.filter((l) => l.msg === 'callback dead-lettered' && l.code === 'HTTP_400')).toHaveLength(ids.length);
    expect(logs.text()).not.toContain('PCN-SECRET');
    expect(logs.text()).not.toContain('totalCharge');
    expect(logs.text()).not.toContain('127.0.0.1');

    const metrics = await w.registry.getSingleMetricAsString('notifier_deliveries_total');
    expect(metrics).toContain(`notifier_deliveries_total{endpoint="flaky",partner="acme-health",outcome="delivered"} ${ids.length}`);
    expect(metrics).toContain(`notifier_deliveries_total{endpoint="rejecting",partner="acme-health",outcome="dead_lettered"} ${ids.length}`);
    expect(await w.registry.getSingleMetricAsString('notifier_dead_letters_total')).toContain(`notifier_dead_letters_total{endpoint="rejecting",partner="acme-health"} ${ids.length}`);
  });

  it('when one endpoint hangs on every request, then a healthy endpoint still gets all its messages at once (no head-of-line blocking)', async () => {
    const broken = await receiver(() => ({ hang: true }));
    const healthy = await receiver(() => ({ status: 200 }));
    const subscriptions = parseSubscriptions(
      { version: 1, subscriptions: [hmacSub('broken', broken.url, { timeoutMs: 2000, maxConcurrency: 4 }), hmacSub('healthy', healthy.url)] },
      envSecretReader(TEST_ENV),
    );
    notifier = notifierIn(w, { subscriptions, settings: { ...FAST, maxAttempts: 1 } });
    await notifier.start();
    const started = Date.now();
    const ids = await publishTransactions(w, 16);
    await waitFor('the healthy endpoint to receive everything', () => healthy.processed.size === ids.length, 1900);
    const elapsed = Date.now() - started;
    // The broken endpoint holds only its own four slots, and none of its requests has even timed out yet.
    expect(elapsed).toBeLessThan(2000);
    expect(broken.requests.length).toBeLessThanOrEqual(4);
    // Keep-alive: 16 requests over at most the endpoint's 4 pooled connections.
    expect(healthy.connections).toBeLessThanOrEqual(4);
    // Then the broken deliveries end as dead letters (maxAttempts 1): none lost.
    await waitFor('dead letters for the broken endpoint', async () => (await countKeys(w.store, 'deadletters/notifier/')).length === ids.length, 15_000);
    const d = await readJson<DeadLetter>(w.store, (await countKeys(w.store, 'deadletters/notifier/'))[0]);
    expect(d).toMatchObject({ subscriptionId: 'broken', code: 'TIMEOUT', attempts: 1 });
    expect(d.lastStatus).toBeUndefined();
  });

  it('when an endpoint keeps failing, then its circuit opens, an alert is raised once, and the endpoint is spared until the circuit half-opens', async () => {
    let healed = false;
    const failing = await receiver(() => (healed ? { status: 200 } : { status: 502 }));
    const alerts: string[] = [];
    const subscriptions = parseSubscriptions({ version: 1, subscriptions: [hmacSub('failing', failing.url)] }, envSecretReader(TEST_ENV));
    notifier = notifierIn(w, {
      subscriptions,
      alerts: { alert: async (_subject, d) => void alerts.push(`${d.kind}:${d.subscriptionId}:${d.code}`) },
      settings: { ...FAST, maxAttempts: 100, circuitFailureThreshold: 3, circuitOpenMs: 400, concurrency: 1 },
    });
    await notifier.start();
    const ids = await publishTransactions(w, 5);
    await waitFor('the circuit to open', () => alerts.length > 0, 3000);
    expect(alerts).toEqual(['circuit-open:failing:HTTP_502']);
    expect(await w.registry.getSingleMetricAsString('notifier_open_circuits')).toContain('notifier_open_circuits 1');
    const seen = failing.requests.length;
    await new Promise((r) => setTimeout(r, 250));
    // While open, deliveries are re-scheduled without touching the endpoint.
    expect(failing.requests.length).toBe(seen);
    healed = true;
    await waitFor('delivery after the circuit closed', () => failing.processed.size === ids.length, 5000);
    expect(await w.registry.getSingleMetricAsString('notifier_open_circuits')).toContain('notifier_open_circuits 0');
    expect(alerts).toHaveLength(1);
  });

  it('when a message carries a claim-check bodyRef, then the endpoint receives the body read from the object store', async () => {
    const r = await receiver(() => ({ status: 200 }));
    const subscriptions = parseSubscriptions({ version: 1, subscriptions: [hmacSub('big', r.url, { transactionSets: ['837'] })] }, envSecretReader(TEST_ENV));
    notifier = notifierIn(w, { subscriptions, settings: FAST });
    await notifier.start();
    const [id] = await publishTransactions(w, 1, { inlineLimitBytes: 10 });
    expect(await countKeys(w.store, 'messages/')).toEqual([`messages/${id}.json`]);
    await waitFor('the claim-checked delivery', () => r.processed.size === 1, 5000);
    expect(r.requests[0].json).toMatchObject({ id, body: { transactionSet: '837', claim: { totalCharge: 100 } } });
    expect(r.requests[0].json).not.toHaveProperty('bodyRef');
    expect(r.requests[0].verified).toBe(true);
  });

  it('when a subscription wants other transaction sets or partners, then it receives nothing', async () => {
    const r835 = await receiver(() => ({ status: 200 }));
    const r837 = await receiver(() => ({ status: 200 }));
    const subscriptions = parseSubscriptions(
      { version: 1, subscriptions: [hmacSub('remits', r835.url, { transactionSets: ['835'] }), hmacSub('claims', r837.url, { transactionSets: ['837'] })] },
      envSecretReader(TEST_ENV),
    );
    notifier = notifierIn(w, { subscriptions, settings: FAST });
    await notifier.start();
    await publishTransactions(w, 3, { set: '837' });
    await publishTransactions(w, 2, { set: '837', partnerId: 'other-partner', tag: 'O' });
    await waitFor('837 deliveries', () => r837.processed.size === 3, 5000);
    await new Promise((r) => setTimeout(r, 100));
    expect(r835.requests).toHaveLength(0);
    expect(r837.requests).toHaveLength(3);
  });

  it('when a subscription asks for ordering, then a failing message is retried in place and later messages do not overtake it', async () => {
    const order: string[] = [];
    let failuresLeft = 3;
    const ordered = await receiver((key, n) => {
      if (n === 1 && failuresLeft > 0 && order.length % 2 === 0) {
        failuresLeft -= 1;
        return { status: 500 };
      }
      order.push(key);
      return { status: 200 };
    });
    const subscriptions = parseSubscriptions({ version: 1, subscriptions: [hmacSub('ordered', ordered.url, { ordering: 'claim' })] }, envSecretReader(TEST_ENV));
    notifier = notifierIn(w, { subscriptions, settings: FAST });
    await notifier.start();
    const ids = await publishTransactions(w, 8);
    await waitFor('ordered deliveries', () => ordered.processed.size === ids.length, 10_000);
    expect(failuresLeft).toBe(0);
    expect(order).toEqual(ids);
  });

  it('when the notifier stops while an ordered delivery waits to retry, then stop returns promptly and the job goes back to its queue', async () => {
    const down = await receiver(() => ({ status: 503 }));
    const subscriptions = parseSubscriptions({ version: 1, subscriptions: [hmacSub('ordered', down.url, { ordering: 'claim' })] }, envSecretReader(TEST_ENV));
    notifier = notifierIn(w, { subscriptions, random: () => 0.99, settings: { ...FAST, retryBaseDelayMs: 3000, retryMaxDelayMs: 3000 } });
    await notifier.start();
    await publishTransactions(w, 1);
    await waitFor('the first attempt', () => down.requests.length === 1, 5000);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await notifier.stop();
    notifier = undefined;
    // The in-place wait (about 3 s) was cut short.
    expect(Date.now() - started).toBeLessThan(1500);
    // The job is back on the endpoint queue (with the rest of its delay), not lost and not dead-lettered.
    expect(await countKeys(w.store, 'deadletters/notifier/')).toEqual([]);
    await waitFor('the job back on its queue', () => w.bus.depth('/queue/edi.notifier.endpoint.ordered') === 1, 5000);
    expect(down.requests).toHaveLength(1);
  });
});
