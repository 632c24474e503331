import type { AddressInfo } from 'node:net';
import { createHttpApp } from '@ediflow/http';
import { envSecretReader, parseSubscriptions, type Notifier } from '@ediflow/notifier';
import { waitFor } from '@ediflow/testkit';
import { Receiver, countKeys, hmacSub, publishTransactions, world, TEST_ENV, type World, notifierIn } from './helpers';

jest.setTimeout(30_000);

const TOKEN = 'replay-token-for-tests-0123456789abcdef';

describe('dead-letter replay', () => {
  let w: World;
  let notifier: Notifier | undefined;
  let receiver: Receiver | undefined;
  let http: ReturnType<typeof createHttpApp> | undefined;

  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => {
    await http?.close();
    await notifier?.stop();
    await receiver?.stop();
    await w.close();
  });

  it('when an endpoint was down until dead letters were written, then a replay through the authenticated HTTP endpoint delivers them once with the original keys', async () => {
    let healed = false;
    receiver = await new Receiver(() => (healed ? { status: 200 } : { status: 503 })).start();
    const subscriptions = parseSubscriptions({ version: 1, subscriptions: [hmacSub('erp', receiver.url)] }, envSecretReader(TEST_ENV));
    notifier = notifierIn(w, {
      subscriptions,
      settings: { maxAttempts: 3, retryBaseDelayMs: 5, retryMaxDelayMs: 20, timeoutMs: 1000, circuitFailureThreshold: 1000, replayToken: TOKEN },
    });
    await notifier.start();
    http = createHttpApp({ logger: w.logger, registry: w.registry, defaultMetrics: false, readiness: {} });
    if (!notifier.router) throw new Error('router expected when a replay token is set');
    http.app.use('/admin', notifier.router);
    http.finish();
    const server = await http.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;

    const ids = await publishTransactions(w, 6);
    await waitFor('dead letters', async () => (await countKeys(w.store, 'deadletters/notifier/')).length === ids.length, 10_000);
    expect(receiver.processed.size).toBe(0);
    for (const id of ids) expect(receiver.attempts.get(id)).toBe(3);

    const listed = await fetch(`${base}/deadletters?subscriptionId=erp`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(listed.status).toBe(200);
    const { deadLetters } = (await listed.json()) as { deadLetters: { messageId: string; code: string; attempts: number; lastStatus: number; envelope?: string }[] };
    expect(deadLetters.map((d) => d.messageId).sort()).toEqual([...ids].sort());
    expect(deadLetters[0]).toMatchObject({ code: 'HTTP_503', attempts: 3, lastStatus: 503 });
    expect(deadLetters[0].envelope).toBeUndefined();

    const denied = await fetch(`${base}/deadletters/replay`, { method: 'POST', headers: { authorization: 'Bearer wrong-token', 'content-type': 'application/json' }, body: '{}' });
    expect(denied.status).toBe(401);
    const anonymous = await fetch(`${base}/deadletters`);
    expect(anonymous.status).toBe(401);

    healed = true;
    // One message by id, then the rest by filter.
    const one = await fetch(`${base}/deadletters/${ids[0]}/replay`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await one.json()) as { replayed: unknown[] }).replayed).toHaveLength(1);
    const rest = await fetch(`${base}/deadletters/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subscriptionId: 'erp', code: 'HTTP_503' }),
    });
    expect(rest.status).toBe(200);
    expect(((await rest.json()) as { replayed: unknown[] }).replayed).toHaveLength(ids.length - 1);

    await waitFor('replayed deliveries', () => receiver?.processed.size === ids.length, 5000);
    expect([...receiver.processed].sort()).toEqual([...ids].sort());
    expect(receiver.requests.every((q) => q.verified && q.webhookId === q.key)).toBe(true);
    expect(await countKeys(w.store, 'deadletters/notifier/')).toEqual([]);
    expect((await countKeys(w.store, 'deadletters-replayed/notifier/')).length).toBe(ids.length);
    // A second replay finds nothing to send.
    expect((await notifier.deadLetters.replay({ subscriptionId: 'erp' })).replayed).toEqual([]);
  });

  it('when a replayed delivery fails again, then it is dead-lettered under a new key and nothing is lost', async () => {
    receiver = await new Receiver(() => ({ status: 500 })).start();
    const subscriptions = parseSubscriptions({ version: 1, subscriptions: [hmacSub('erp', receiver.url)] }, envSecretReader(TEST_ENV));
    notifier = notifierIn(w, {
      subscriptions,
      settings: { maxAttempts: 2, retryBaseDelayMs: 5, retryMaxDelayMs: 10, circuitFailureThreshold: 1000 },
    });
    await notifier.start();
    const [id] = await publishTransactions(w, 1);
    await waitFor('first dead letter', async () => (await countKeys(w.store, 'deadletters/notifier/')).length === 1, 5000);
    const report = await notifier.deadLetters.replay({ messageIds: [id] });
    expect(report.replayed).toHaveLength(1);
    await waitFor('second dead letter', async () => (await countKeys(w.store, `deadletters/notifier/${id}/`)).includes(`deadletters/notifier/${id}/erp~1.json`), 5000);
    expect(await countKeys(w.store, 'deadletters/notifier/')).toEqual([`deadletters/notifier/${id}/erp~1.json`]);
    const [again] = await notifier.deadLetters.list({ messageIds: [id] });
    expect(again).toMatchObject({ replays: 1, attempts: 2, code: 'HTTP_500' });
    expect(receiver.attempts.get(id)).toBe(4);
  });
});
