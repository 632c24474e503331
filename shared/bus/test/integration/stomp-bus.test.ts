import net from 'node:net';
import { UnavailableError } from '@ediflow/errors';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { StompBus, createBus, type Bus, type ReceivedMessage } from '@ediflow/bus';
import { startBroker, removeBrokerDir, freePort, type BrokerHandle } from '@ediflow/activemq';
import { waitFor } from '@ediflow/testkit';
import { busContract, gate, sleep, uniqueDestination } from '../contract';

jest.setTimeout(60_000);

function brokerUrl(): string {
  const url = process.env.ACTIVEMQ_A_URL;
  if (!url) throw new Error('ACTIVEMQ_A_URL is not set: run with the integration project (its globalSetup starts the brokers)');
  return url;
}

const fast = { random: () => 0.5, reconnectInitialDelayMs: 200, reconnectMaxDelayMs: 1000, publishTimeoutMs: 3000, heartbeatMs: 2000 };

busContract('StompBus on ActiveMQ', () => new StompBus(brokerUrl(), fast), { deliveryMs: 5000 });

/** A loopback TCP proxy whose connections the test can cut, to drop one client's connection. */
async function startProxy(targetPort: number): Promise<{ port: number; cut: () => void; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('StompBus on ActiveMQ', () => {
  const buses: Bus[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const track = <T extends Bus>(bus: T): T => {
    buses.push(bus);
    return bus;
  };
  /** A new client subscribed to `dest`; the array fills with what it receives. */
  const freshConsumer = async (dest: string): Promise<ReceivedMessage[]> => {
    const consumer = track(new StompBus(brokerUrl(), fast));
    await consumer.connect();
    const got: ReceivedMessage[] = [];
    await consumer.subscribe(dest, async (m) => {
      got.push(m);
    });
    return got;
  };

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('when the first consumer\'s connection drops before it acknowledges, then the message is redelivered to another consumer', async () => {
    const proxy = await startProxy(Number(new URL(brokerUrl()).port));
    cleanups.push(proxy.close);
    const dest = uniqueDestination('redeliver');
    const first = track(new StompBus(`stomp://127.0.0.1:${proxy.port}`, fast));
    await first.connect();
    const hold = gate();
    cleanups.push(async () => hold.open());
    let firstGot = 0;
    await first.subscribe(dest, async () => {
      firstGot += 1;
      await hold.promise;
    });
    const producer = track(new StompBus(brokerUrl(), fast));
    await producer.connect();
    await producer.publish(dest, 'unacked');
    await waitFor('first delivery', () => firstGot === 1, 5000);

    const second: ReceivedMessage[] = [];
    await producer.subscribe(dest, async (m) => {
      second.push(m);
    });
    await sleep(200);
    expect(second).toHaveLength(0);

    proxy.cut();
    await waitFor('redelivery', () => second.length === 1, 10_000);
    expect(second[0].body.toString()).toBe('unacked');
    expect(second[0].redelivered).toBe(true);
    // The first consumer reconnects through the proxy; its late handler result is not ACKed on the new session.
    await waitFor('the first consumer to reconnect', () => first.isConnected(), 10_000);
    hold.open();
    await sleep(200);
    expect(firstGot).toBe(1);
  });

  it('when publish has resolved and the publisher disconnects at once, then a fresh client receives the message', async () => {
    const dest = uniqueDestination('durable');
    const publisher = new StompBus(brokerUrl(), fast);
    await publisher.connect();
    await publisher.publish(dest, 'durable', { headers: { 'idempotency-key': 'k-durable' } });
    await publisher.close();
    const got = await freshConsumer(dest);
    await waitFor('delivery', () => got.length === 1, 5000);
    expect(got[0].body.toString()).toBe('durable');
    expect(got[0].headers['idempotency-key']).toBe('k-durable');
    expect(got[0].headers.persistent).toBe('true');
  });

  it('when a handler keeps failing, then nothing reaches ActiveMQ.DLQ (no NACK): only the configured dead-letter destination', async () => {
    const bus = track(new StompBus(brokerUrl(), fast));
    await bus.connect();
    const dest = uniqueDestination('nonack');
    const dlq = `${dest}.dead`;
    await bus.subscribe(dest, async () => {
      throw new Error('always');
    }, { maxAttempts: 2, retryBaseDelayMs: 20, deadLetterDestination: dlq });
    const dead: ReceivedMessage[] = [];
    await bus.subscribe(dlq, async (m) => {
      dead.push(m);
    });
    // ActiveMQ's own DLQ receives every NACKed or expired message of the broker.
    const brokerDlq: ReceivedMessage[] = [];
    await bus.subscribe('ActiveMQ.DLQ', async (m) => {
      if (m.headers['x-original-destination'] === dest || m.body.toString() === dest) brokerDlq.push(m);
    });
    await bus.publish(dest, dest);
    await waitFor('the dead letter', () => dead.length === 1, 10_000);
    await sleep(500);
    expect(dead[0].headers['x-dead-letter-code']).toBe('INTERNAL');
    expect(dead[0].headers['x-dead-letter-reason']).toBe('Error');
    expect(brokerDlq).toHaveLength(0);
  });

  it('when publishing a failed message\'s retry copy fails while the session is up, then it is tried again and the message is not stranded', async () => {
    // The broker redelivers an unacknowledged message only when its session or subscription ends. Two lost
    // receipts for the retry copy (a slow broker) must not leave the message unacknowledged on a live session.
    const dest = uniqueDestination('held');
    let refusals = 2;
    class LossyBus extends StompBus {
      override async publish(destination: string, body: string | Buffer, options?: Parameters<StompBus['publish']>[2]): Promise<void> {
        if (destination === dest && options?.headers?.['x-attempt'] === '2' && refusals > 0) {
          refusals -= 1;
          throw new UnavailableError('BUS_PUBLISH_TIMEOUT', 'no receipt from the broker within the publish timeout');
        }
        return super.publish(destination, body, options);
      }
    }
    const bus = track(new LossyBus(brokerUrl(), { ...fast, random: () => 0, reconnectInitialDelayMs: 50 }));
    await bus.connect();
    const attempts: number[] = [];
    await bus.subscribe(dest, async (m) => {
      attempts.push(m.attempt);
      if (m.attempt === 1) throw new UnavailableError('DOWNSTREAM', 'downstream unavailable');
    }, { retryBaseDelayMs: 0, prefetch: 1 });
    await bus.publish(dest, 'held');
    await waitFor('the retry copy', () => attempts.length === 2, 10_000);
    expect(refusals).toBe(0);
    expect(attempts).toEqual([1, 2]);
    // The original was acknowledged once its retry copy was durable: a new consumer after this one gets nothing.
    await bus.close();
    const late = await freshConsumer(dest);
    await sleep(1000);
    expect(late).toHaveLength(0);
  });

  it('when the connection idles for many heart-beat periods, then it stays up on the same session', async () => {
    const sink = memoryDestination();
    const logger = createLogger({ service: 'bus-test', level: 'info', destination: sink });
    const bus = track(new StompBus(brokerUrl(), { ...fast, heartbeatMs: 500, logger }));
    await bus.connect();
    await sleep(3000);
    expect(bus.isConnected()).toBe(true);
    await bus.publish(uniqueDestination('idle'), 'still here');
    const messages = sink.lines().map((l) => l.msg);
    expect(messages.filter((m) => m === 'broker connected')).toHaveLength(1);
    expect(messages).not.toContain('broker connection lost');
  });

  it('when the failover list starts with a dead address, then the bus connects to the next one', async () => {
    const deadPort = await freePort();
    const port = new URL(brokerUrl()).port;
    const bus = track(createBus(`failover:(stomp://127.0.0.1:${deadPort},stomp://127.0.0.1:${port})?randomize=false`, fast));
    await bus.connect();
    expect(bus.isConnected()).toBe(true);
    const dest = uniqueDestination('failover');
    await bus.publish(dest, 'via failover');
    const got: string[] = [];
    await bus.subscribe(dest, async (m) => {
      got.push(m.body.toString());
    });
    await waitFor('delivery', () => got.length === 1, 5000);
    expect(got).toEqual(['via failover']);
  });

  describe('with its own broker', () => {
    let broker: BrokerHandle | undefined;

    beforeAll(async () => {
      broker = await startBroker({ name: 'bus-restart' });
    });

    afterAll(async () => {
      if (broker) {
        await broker.kill();
        await removeBrokerDir(broker.dir);
      }
    });

    it('when the broker is stopped, then publish rejects with a retryable UnavailableError instead of resolving', async () => {
      const b = broker as BrokerHandle;
      const bus = track(new StompBus(b.url, { ...fast, publishTimeoutMs: 1500 }));
      await bus.connect();
      await b.stop();
      await waitFor('the disconnect', () => !bus.isConnected(), 10_000);
      const started = Date.now();
      const err: unknown = await bus.publish(uniqueDestination('stopped'), 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect(Date.now() - started).toBeLessThan(5000);
      await b.start();
    });

    it('when the broker restarts, then the client reconnects, resubscribes and gets messages from before and after', async () => {
      const b = broker as BrokerHandle;
      const bus = track(new StompBus(b.url, fast));
      await bus.connect();
      const dest = uniqueDestination('restart');
      const got: string[] = [];
      const hold = gate();
      await bus.subscribe(dest, async (m) => {
        const body = m.body.toString();
        if (body === 'before' && got.length === 0) {
          got.push(body);
          await hold.promise; // still unacknowledged when the broker goes down
          return;
        }
        got.push(body);
      });
      await bus.publish(dest, 'before');
      await waitFor('first delivery', () => got.length === 1, 5000);
      await b.stop();
      hold.open();
      await waitFor('the disconnect', () => !bus.isConnected(), 10_000);
      await b.start();
      await waitFor('the reconnect', () => bus.isConnected(), 15_000);
      await bus.publish(dest, 'after');
      await waitFor('both messages', () => got.includes('after') && got.filter((x) => x === 'before').length === 2, 10_000);
      expect(got.slice(1).sort()).toEqual(['after', 'before']);
    });
  });
});
