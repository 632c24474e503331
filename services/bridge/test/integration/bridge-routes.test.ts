/**
 * The bridge in-process between the two shared ActiveMQ brokers: selectors, both
 * directions at once, and back-pressure when the target cannot be reached.
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { freePort } from '@ediflow/activemq';
import { StompBus, type ReceivedMessage } from '@ediflow/bus';
import { createBridgeService, parseRoutes, type BridgeService } from '@ediflow/bridge';
import { silentLogger } from '@ediflow/logger';

jest.setTimeout(90_000);

const A = (): string => process.env.ACTIVEMQ_A_URL as string;
const B = (): string => process.env.ACTIVEMQ_B_URL as string;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('bridge routes on real brokers', () => {
  const closers: Array<() => Promise<void>> = [];
  const bus = async (url: string): Promise<StompBus> => {
    const b = new StompBus(url, { reconnectMaxDelayMs: 1000 });
    await b.connect();
    closers.push(() => b.close());
    return b;
  };
  const bridge = async (doc: unknown): Promise<BridgeService> => {
    const service = createBridgeService({
      routes: parseRoutes(doc),
      logger: silentLogger(),
      registry: new Registry(),
      busOptions: { reconnectMaxDelayMs: 1000, closeTimeoutMs: 1000, connectTimeoutMs: 3000 },
    });
    closers.push(() => service.stop());
    await service.start();
    return service;
  };
  const collect = async (b: StompBus, destination: string): Promise<ReceivedMessage[]> => {
    const got: ReceivedMessage[] = [];
    const sub = await b.subscribe(destination, async (m) => void got.push(m));
    closers.push(() => sub.close());
    return got;
  };

  afterEach(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  });

  it('when routes run both ways and one has a selector, then each side gets only its messages', async () => {
    const run = randomBytes(4).toString('hex');
    const [a, b] = await Promise.all([bus(A()), bus(B())]);
    const service = await bridge({
      endpoints: { a: { urls: [A()] }, b: { urls: [B()] } },
      routes: [
        { name: 'a-to-b', from: { endpoint: 'a', destination: `sel.${run}`, selector: "kind = 'claim'" }, to: { endpoint: 'b', destination: `sel.out.${run}` } },
        { name: 'b-to-a', from: { endpoint: 'b', destination: `back.${run}` }, to: { endpoint: 'a', destination: `back.out.${run}` } },
      ],
    });
    await until('readiness', () => service.isReady());
    const onB = await collect(b, `sel.out.${run}`);
    const onA = await collect(a, `back.out.${run}`);
    for (let i = 0; i < 5; i += 1) {
      await a.publish(`sel.${run}`, `claim ${i}`, { headers: { kind: 'claim', 'x-i': String(i) }, contentType: 'text/plain' });
      await a.publish(`sel.${run}`, `other ${i}`, { headers: { kind: 'other', 'x-i': String(i) }, contentType: 'text/plain' });
      await b.publish(`back.${run}`, Buffer.from([i, 0, 255]), { binary: true, headers: { 'x-i': String(i) } });
    }
    await until('both directions', () => onB.length === 5 && onA.length === 5);
    await sleep(500);
    expect(onB.map((m) => m.body.toString())).toEqual([0, 1, 2, 3, 4].map((i) => `claim ${i}`));
    expect(onA.map((m) => [...m.body])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 0, 255]));
    expect(onA.every((m) => m.binary === true)).toBe(true);
    await service.stop();
    // The non-matching messages are still on the source queue.
    const left = await collect(a, `sel.${run}`);
    await until('the unselected messages', () => left.length === 5);
    expect(left.every((m) => m.headers.kind === 'other')).toBe(true);
  });

  it('when the target cannot be reached, then the bridge is not ready, takes no more than its prefetch, and loses nothing', async () => {
    const run = randomBytes(4).toString('hex');
    const deadPort = await freePort();
    const a = await bus(A());
    for (let i = 0; i < 20; i += 1) await a.publish(`held.${run}`, `m${i}`, { headers: { 'x-i': String(i) }, contentType: 'text/plain' });
    const service = await bridge({
      endpoints: { a: { urls: [A()] }, gone: { urls: [`stomp://127.0.0.1:${deadPort}`] } },
      routes: [{ name: 'held', prefetch: 3, from: { endpoint: 'a', destination: `held.${run}` }, to: { endpoint: 'gone', destination: `never.${run}` } }],
    });
    await sleep(1500);
    expect(service.isReady()).toBe(false);
    // A competing consumer gets what the bridge has not taken: all but the bridge's prefetch window.
    const rest = await collect(a, `held.${run}`);
    await until('the messages the bridge did not take', () => rest.length >= 17);
    await sleep(300);
    expect(rest.length).toBe(17);
    await service.stop();
    // After the bridge stops, its unacknowledged window is redelivered: nothing was lost.
    await until('the released window', () => rest.length === 20);
    expect(new Set(rest.map((m) => m.headers['x-i'])).size).toBe(20);
  });
});

describe('bridge with an independent failover list as source', () => {
  it('when two independent brokers hold messages and a third is down, then all are drained and the endpoint is ready', async () => {
    const run = randomBytes(4).toString('hex');
    const deadPort = await freePort();
    const [a, b] = [new StompBus(A()), new StompBus(B())];
    await Promise.all([a.connect(), b.connect()]);
    for (let i = 0; i < 5; i += 1) {
      await a.publish(`ind.${run}`, `from a ${i}`, { contentType: 'text/plain', headers: { 'x-i': `a${i}` } });
      await b.publish(`ind.${run}`, `from b ${i}`, { contentType: 'text/plain', headers: { 'x-i': `b${i}` } });
    }
    const got: ReceivedMessage[] = [];
    const sub = await a.subscribe(`ind.out.${run}`, async (m) => void got.push(m));
    const service = createBridgeService({
      routes: parseRoutes({
        endpoints: {
          onprem: { urls: [A(), B(), `stomp://127.0.0.1:${deadPort}`], failover: 'independent', brokerId: 'onprem' },
          cloud: { urls: [A()] },
        },
        routes: [{ name: 'ind', from: { endpoint: 'onprem', destination: `ind.${run}` }, to: { endpoint: 'cloud', destination: `ind.out.${run}` } }],
      }),
      logger: silentLogger(),
      registry: new Registry(),
      busOptions: { reconnectMaxDelayMs: 1000, closeTimeoutMs: 1000, connectTimeoutMs: 2000 },
    });
    try {
      await service.start();
      await until('both brokers drained', () => got.length === 10);
      expect(got.map((m) => m.headers['x-i']).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
      // Keys of messages from different brokers carry the broker: none repeats.
      expect(new Set(got.map((m) => m.headers['idempotency-key'])).size).toBe(10);
      expect(service.isReady()).toBe(true);
    } finally {
      await service.stop();
      await sub.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
