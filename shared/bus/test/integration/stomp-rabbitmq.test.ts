/**
 * StompBus with the rabbitmq dialect on a private RabbitMQ 3.10 (rabbitmq_stomp): the Bus
 * contract, then what differs from ActiveMQ: the virtual host, ERROR frames, prefetch-count,
 * destination forms and text/binary by content type.
 */
import { createLogger, memoryDestination } from '@ediflow/logger';
import { StompBus, type Bus, type ReceivedMessage } from '@ediflow/bus';
import { startRabbitMQ, removeRabbitDir, type RabbitHandle } from '@ediflow/rabbitmq';
import { waitFor } from '@ediflow/testkit';
import { busContract, gate, uniqueDestination } from '../contract';

jest.setTimeout(120_000);

let rabbit: RabbitHandle | undefined;
const url = (): string => {
  if (!rabbit) throw new Error('RabbitMQ did not start');
  return rabbit.stompUrl;
};
const fast = { kind: 'rabbitmq' as const, login: 'guest', passcode: 'guest', random: () => 0.5, reconnectInitialDelayMs: 200, reconnectMaxDelayMs: 1000, publishTimeoutMs: 3000, heartbeatMs: 2000 };

beforeAll(async () => {
  rabbit = await startRabbitMQ({ name: 'bus-test', vhosts: ['/', 'ediflow'], users: [{ name: 'guest', password: 'guest' }] });
}, 120_000);

afterAll(async () => {
  if (rabbit) {
    await rabbit.stop();
    await removeRabbitDir(rabbit.dir);
  }
}, 60_000);

busContract('StompBus on RabbitMQ', () => new StompBus(url(), fast), { deliveryMs: 5000 });

describe('StompBus on RabbitMQ', () => {
  const buses: Bus[] = [];
  const track = <T extends Bus>(bus: T): T => {
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('when the endpoint names a virtual host, then the bus connects to it and messages stay in it', async () => {
    const inVhost = track(new StompBus(url(), { ...fast, virtualHost: 'ediflow' }));
    const inRoot = track(new StompBus(url(), fast));
    await Promise.all([inVhost.connect(), inRoot.connect()]);
    const dest = uniqueDestination('vhost');
    await inVhost.publish(dest, 'in ediflow', { contentType: 'text/plain' });
    const rootGot: ReceivedMessage[] = [];
    const vhostGot: ReceivedMessage[] = [];
    await inRoot.subscribe(dest, async (m) => void rootGot.push(m));
    await inVhost.subscribe(dest, async (m) => void vhostGot.push(m));
    await waitFor('delivery in the vhost', () => vhostGot.length === 1, 5000);
    expect(rootGot).toHaveLength(0);
    expect(vhostGot[0].body.toString()).toBe('in ediflow');
  });

  it('when the password is wrong, then the bus stays down without crashing, logs the broker reason, and connects once the user exists', async () => {
    const sink = memoryDestination();
    const logger = createLogger({ service: 'test', level: 'warn', destination: sink });
    const user = `late${Date.now().toString(36)}`;
    const bus = track(new StompBus(url(), { ...fast, login: user, passcode: 'pw-late', logger, connectTimeoutMs: 1000 }));
    await expect(bus.connect()).rejects.toMatchObject({ code: 'BUS_CONNECT_TIMEOUT' });
    await waitFor('the broker reason in the log', () => sink.text().includes('Access refused'), 10_000);
    expect(bus.isConnected()).toBe(false);
    await rabbit?.ctl(['add_user', user, 'pw-late']);
    await rabbit?.ctl(['set_permissions', '-p', '/', user, '.*', '.*', '.*']);
    await waitFor('the connection after the user was added', () => bus.isConnected(), 30_000);
  });

  it('when a subscription names a queue that does not exist, then the bus is not ready, says why, and recovers once the queue exists', async () => {
    const sink = memoryDestination();
    const logger = createLogger({ service: 'test', level: 'warn', destination: sink });
    const name = uniqueDestination('missing');
    const bus = track(new StompBus(url(), { ...fast, logger }));
    await bus.connect();
    const got: ReceivedMessage[] = [];
    await bus.subscribe(`/amq/queue/${name}`, async (m) => void got.push(m));
    await waitFor('the broker reason in the log', () => sink.text().includes('NOT_FOUND'), 10_000);
    expect(bus.isConnected()).toBe(false);
    // Declaring the queue (a /queue/ destination does) fixes it.
    const other = track(new StompBus(url(), fast));
    await other.connect();
    await other.publish(name, 'now it exists', { contentType: 'text/plain' });
    await waitFor('delivery after the queue was declared', () => got.length === 1, 30_000);
    await waitFor('readiness', () => bus.isConnected(), 10_000);
  });

  it('when prefetch is 3 and handlers hang, then RabbitMQ hands out at most 3 (prefetch-count)', async () => {
    const bus = track(new StompBus(url(), fast));
    await bus.connect();
    const dest = uniqueDestination('prefetch');
    for (let i = 0; i < 10; i += 1) await bus.publish(dest, `m${i}`, { contentType: 'text/plain' });
    const hold = gate();
    let started = 0;
    await bus.subscribe(dest, async () => {
      started += 1;
      await hold.promise;
    }, { prefetch: 3 });
    await waitFor('three deliveries', () => started === 3, 5000);
    await new Promise((r) => setTimeout(r, 700));
    expect(started).toBe(3);
    hold.open();
    await waitFor('the rest', () => started === 10, 5000);
  });

  it('when text and bytes are published, then each arrives in its kind although RabbitMQ sets content-length on both', async () => {
    const bus = track(new StompBus(url(), fast));
    await bus.connect();
    const dest = uniqueDestination('kinds');
    await bus.publish(dest, 'text é', { contentType: 'text/plain; charset=utf-8' });
    await bus.publish(dest, Buffer.from([0, 1, 255]), { binary: true, contentType: 'application/octet-stream' });
    const got: ReceivedMessage[] = [];
    await bus.subscribe(dest, async (m) => void got.push(m));
    await waitFor('both', () => got.length === 2, 5000);
    expect(got.map((m) => [m.binary, m.headers['content-length'] !== undefined])).toEqual([
      [false, true],
      [true, true],
    ]);
    expect(got[0].body.toString('utf8')).toBe('text é');
  });

  it('when a destination is an /exchange/ or /amq/queue/ form, then it is used as written', async () => {
    const bus = track(new StompBus(url(), fast));
    await bus.connect();
    const name = uniqueDestination('forms');
    const got: ReceivedMessage[] = [];
    await bus.subscribe(name, async (m) => void got.push(m)); // declares /queue/<name>
    await waitFor('subscription', () => bus.isConnected(), 5000);
    await bus.publish(`/amq/queue/${name}`, 'via amq', { contentType: 'text/plain' });
    await bus.publish(`/exchange/amq.direct/${name}`, 'via exchange', { contentType: 'text/plain' }).catch(() => undefined);
    await waitFor('delivery', () => got.length >= 1, 5000);
    expect(got[0].body.toString()).toBe('via amq');
    expect(got[0].destination).toBe(name);
  });

  it('when a message is sent to an exchange that does not exist, then the publish fails as a refused destination, not as the message', async () => {
    const bus = track(new StompBus(url(), fast));
    await bus.connect();
    await expect(bus.publish(`/exchange/${uniqueDestination('no-such-exchange')}/rk`, 'x', { contentType: 'text/plain' })).rejects.toMatchObject({ code: 'BUS_DESTINATION_REFUSED' });
  });

  it('when a selector is asked for, then the subscription is refused rather than the selector ignored', async () => {
    const bus = track(new StompBus(url(), fast));
    await bus.connect();
    await expect(bus.subscribe(uniqueDestination('sel'), async () => undefined, { selector: "kind = 'x'" })).rejects.toMatchObject({ code: 'BUS_SELECTOR_UNSUPPORTED' });
  });
});
