/**
 * Queue figures from a real ActiveMQ 5.17 (the integration project's broker A, started by
 * tools/activemq with the statistics plugin): size, consumers, counts and the oldest message's
 * age of a queue of this test's own, read without consuming anything.
 */
import { randomUUID } from 'node:crypto';
import { freePort } from '@ediflow/activemq';
import { createBus, type Bus } from '@ediflow/bus';
import { silentLogger } from '@ediflow/logger';
import { waitFor } from '@ediflow/testkit';
import { activeMqStats } from '../../src/adapters/activemq-stats';

jest.setTimeout(60_000);

describe('ActiveMQ statistics over STOMP', () => {
  const url = process.env.ACTIVEMQ_A_URL ?? '';
  const queue = `/queue/edi.console-test.${randomUUID()}`;
  let bus: Bus;

  beforeAll(async () => {
    bus = createBus(url, { logger: silentLogger() });
    await bus.connect();
  });
  afterAll(() => bus.close());

  it('when messages wait and then a consumer takes them, then the figures follow, and reading consumes nothing', async () => {
    const read = activeMqStats({ url });
    const figuresOf = async () => (await read()).find((f) => f.destination === `queue://${queue.slice('/queue/'.length)}`);
    await bus.publish(queue, '{"n":1}');
    await bus.publish(queue, '{"n":2}');
    const waiting = await waitFor('two messages waiting', async () => {
      const f = await figuresOf();
      return f?.size === 2 && f;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    expect(waiting).toMatchObject({ size: 2, consumers: 0, enqueued: 2, dequeued: 0 });
    expect(waiting.oldestAgeMs).toEqual(expect.any(Number));
    expect(await figuresOf()).toMatchObject({ size: 2, dequeued: 0 });

    const seen: string[] = [];
    const sub = await bus.subscribe(queue, async (m) => {
      seen.push(m.body.toString());
    });
    const drained = await waitFor('both consumed', async () => {
      const f = await figuresOf();
      return f?.dequeued === 2 && f;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    expect(drained).toMatchObject({ size: 0, consumers: 1, enqueued: 2, dequeued: 2 });
    expect(drained.oldestAgeMs).toBeUndefined();
    expect(seen).toHaveLength(2);
    await sub.close();
  });

  it('when nothing listens at the address, then the reading fails rather than reporting empty queues', async () => {
    await expect(activeMqStats({ url: `stomp://127.0.0.1:${await freePort()}`, timeoutMs: 2000 })()).rejects.toThrow();
  });
});
