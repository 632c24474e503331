import { Registry } from 'prom-client';
import { BUS_BROKER_ERROR, BUS_DESTINATION_REFUSED, MemoryBus, type Bus, type MessageHandler, type PublishOptions, type ReceivedMessage, type SubscribeOptions } from '@ediflow/bus';
import { createBridgeService, parseRoutes, resolveEndpoint, type BridgeEndpoint, type RoutesDocumentInput } from '@ediflow/bridge';
import { ConfigError, UnavailableError } from '@ediflow/errors';
import { silentLogger } from '@ediflow/logger';
import type { AlertDetails } from '@ediflow/alerts';

/** A target whose availability and refusals the test controls; delegates to a MemoryBus. */
class ControlledBus implements Bus {
  down = false;
  refuse: (body: Buffer) => boolean = () => false;
  /** The destination itself is refused (not found, not allowed): every send fails so. */
  refuseDestination = false;
  readonly sends: string[] = [];
  constructor(readonly inner: MemoryBus) {}
  connect(): Promise<void> {
    return this.inner.connect();
  }
  async publish(destination: string, body: string | Buffer, options: PublishOptions = {}): Promise<void> {
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body);
    this.sends.push(options.headers?.['x-id'] ?? '?');
    if (this.down) throw new UnavailableError('BUS_DISCONNECTED', 'down');
    if (this.refuseDestination) throw new UnavailableError(BUS_DESTINATION_REFUSED, 'NOT_FOUND - no exchange');
    if (this.refuse(buffer)) throw new UnavailableError(BUS_BROKER_ERROR, 'refused');
    return this.inner.publish(destination, body, options);
  }
  subscribe(destination: string, handler: MessageHandler, options?: SubscribeOptions) {
    return this.inner.subscribe(destination, handler, options);
  }
  isConnected(): boolean {
    return this.inner.isConnected() && !this.down;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function doc(extra: Record<string, unknown> = {}): RoutesDocumentInput {
  return {
    endpoints: { onprem: { urls: ['memory'], brokerId: 'op' }, cloud: { urls: ['memory'] } },
    routes: [{ name: 'r', from: { endpoint: 'onprem', destination: 'IN' }, to: { endpoint: 'cloud', destination: 'OUT' }, ...extra }],
  } as RoutesDocumentInput;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function setup(extra: Record<string, unknown> = {}) {
  const source = new MemoryBus({ closeTimeoutMs: 200 });
  const target = new ControlledBus(new MemoryBus({ closeTimeoutMs: 200 }));
  const registry = new Registry();
  const alerts: Array<{ subject: string; details: AlertDetails }> = [];
  const buses: Record<string, Bus> = { onprem: source, cloud: target };
  const service = createBridgeService({
    routes: parseRoutes(doc(extra)),
    logger: silentLogger(),
    registry,
    alerts: { alert: async (subject, details) => void alerts.push({ subject, details }) },
    connect: (endpoint: BridgeEndpoint) => buses[endpoint.name],
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
  });
  const received: ReceivedMessage[] = [];
  const collect = async (): Promise<void> => {
    await target.inner.subscribe('OUT', async (m) => void received.push(m));
  };
  const dead: ReceivedMessage[] = [];
  const collectDead = async (): Promise<void> => {
    await source.subscribe('DLQ.bridge.r', async (m) => void dead.push(m));
  };
  return { source, target, registry, alerts, service, received, collect, dead, collectDead };
}

describe('createBridgeService with in-memory buses', () => {
  it('when messages flow, then text and bytes arrive unchanged with an idempotency key, in order, and metrics count them', async () => {
    const t = setup();
    await t.service.start();
    await t.collect();
    expect(t.service.isReady()).toBe(true);
    await t.source.publish('IN', 'é text', { contentType: 'text/plain', headers: { 'x-id': '1', 'idempotency-key': 'k1' } });
    await t.source.publish('IN', Buffer.from([0, 255, 1]), { binary: true, headers: { 'x-id': '2' } });
    await until(() => t.received.length === 2);
    expect(t.received.map((m) => m.headers['x-id'])).toEqual(['1', '2']);
    expect(t.received[0].body.toString('utf8')).toBe('é text');
    expect(t.received[0].binary).toBe(false);
    expect(t.received[0].headers['idempotency-key']).toBe('k1');
    expect(t.received[1].body).toEqual(Buffer.from([0, 255, 1]));
    expect(t.received[1].binary).toBe(true);
    expect(t.received[1].headers['idempotency-key']).toMatch(/^[0-9a-f]{64}$/);
    // The target can hold a message a moment before its publish resolves and is counted.
    let metrics = '';
    for (let i = 0; i < 40 && !metrics.includes('ediflow_bridge_messages_total{route="r"} 2'); i += 1) {
      metrics = await t.registry.metrics();
      await sleep(25);
    }
    expect(metrics).toContain('ediflow_bridge_messages_total{route="r"} 2');
    expect(metrics).toContain('ediflow_bridge_endpoint_connected{endpoint="cloud"} 1');
    await t.service.stop();
    expect(t.service.isReady()).toBe(false);
  });

  it('when the target is down, then nothing is acknowledged, at most prefetch messages are taken, and all arrive once it is back', async () => {
    const t = setup({ prefetch: 2, order: 'group' });
    t.target.down = true;
    await t.service.start();
    await t.collect();
    expect(t.service.isReady()).toBe(false);
    for (let i = 0; i < 6; i += 1) await t.source.publish('IN', `m${i}`, { headers: { 'x-id': String(i) } });
    await until(() => t.target.sends.length >= 10);
    expect(new Set(t.target.sends).size).toBeLessThanOrEqual(2);
    expect(t.source.depth('IN')).toBe(4);
    t.target.down = false;
    await until(() => t.received.length === 6);
    expect(t.received.map((m) => m.headers['x-id']).sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(t.source.depth('IN')).toBe(0);
    await t.service.stop();
  });

  it('when the target keeps refusing one message, then it is dead-lettered after maxAttempts with reason and attempts, an alert goes out, and the rest flows in order', async () => {
    const t = setup({ maxAttempts: 3 });
    t.target.refuse = (body) => body.toString() === 'bad';
    await t.service.start();
    await t.collect();
    await t.collectDead();
    await t.source.publish('IN', 'a', { headers: { 'x-id': 'a' } });
    await t.source.publish('IN', 'bad', { headers: { 'x-id': 'bad', 'correlation-id': 'c9' } });
    await t.source.publish('IN', 'b', { headers: { 'x-id': 'b' } });
    await until(() => t.received.length === 2 && t.dead.length === 1);
    expect(t.received.map((m) => m.headers['x-id'])).toEqual(['a', 'b']);
    expect(t.target.sends.filter((s) => s === 'bad')).toHaveLength(3);
    const dl = t.dead[0];
    expect(dl.body.toString()).toBe('bad');
    expect(dl.headers).toMatchObject({
      'x-dead-letter-code': BUS_BROKER_ERROR,
      'x-attempt': '3',
      'x-original-destination': 'IN',
      'x-bridge-route': 'r',
      'correlation-id': 'c9',
    });
    expect(dl.headers['x-dead-letter-reason']).toContain('3 time(s)');
    expect(t.alerts).toEqual([{ subject: 'bridge message dead-lettered', details: expect.objectContaining({ route: 'r', code: BUS_BROKER_ERROR, attempts: 3 }) }]);
    expect(await t.registry.metrics()).toContain(`ediflow_bridge_dead_letters_total{route="r",code="${BUS_BROKER_ERROR}"} 1`);
    await t.service.stop();
  });

  it('when the target refuses the destination itself, then messages wait without counting attempts, the service is not ready, and all flow once it is fixed', async () => {
    const t = setup({ maxAttempts: 2 });
    await t.service.start();
    await t.collect();
    await t.collectDead();
    t.target.refuseDestination = true;
    for (let i = 0; i < 3; i += 1) await t.source.publish('IN', `m${i}`, { contentType: 'text/plain', headers: { 'x-id': String(i) } });
    await until(() => t.target.sends.length >= 12);
    expect(t.service.isReady()).toBe(false);
    expect(t.dead).toHaveLength(0);
    t.target.refuseDestination = false;
    await until(() => t.received.length === 3);
    await until(() => t.service.isReady());
    expect(t.dead).toHaveLength(0);
    await t.service.stop();
  });

  it('when a message is poison by mapping, then it goes to the dead-letter destination at once', async () => {
    const t = setup({ maxBodyBytes: 3 });
    await t.service.start();
    await t.collect();
    await t.collectDead();
    await t.source.publish('IN', Buffer.from([1, 2, 3, 4]), { binary: true, headers: { 'x-id': 'big' } });
    await t.source.publish('IN', 'ok', { headers: { 'x-id': 'ok' } });
    await until(() => t.received.length === 1 && t.dead.length === 1);
    expect(t.dead[0].headers).toMatchObject({ 'x-dead-letter-code': 'BRIDGE_TOO_LARGE', 'x-attempt': '1' });
    expect(t.dead[0].binary).toBe(true);
    expect(t.target.sends).toEqual(['ok']);
    await t.service.stop();
  });

  it('when the service stops while the target is down, then the message is released to the source, not dead-lettered', async () => {
    const t = setup();
    t.target.down = true;
    await t.service.start();
    await t.source.publish('IN', 'x', { headers: { 'x-id': 'x' } });
    await until(() => t.target.sends.length >= 2);
    expect(t.source.depth('IN')).toBe(0);
    await t.service.stop();
    expect(t.source.depth('IN')).toBe(1);
    expect(t.source.depth('DLQ.bridge.r')).toBe(0);
    // Buses from deps.connect are the caller's: still open after stop().
    expect(t.source.isConnected()).toBe(true);
    await t.source.close();
  });

  it('when a credential variable is unset, then resolving the endpoint names the variable', () => {
    const routes = parseRoutes({ ...doc(), endpoints: { onprem: { urls: ['memory'], loginEnv: 'OP_LOGIN' }, cloud: { urls: ['memory'] } } });
    expect(() => resolveEndpoint('onprem', routes, {})).toThrow(ConfigError);
    expect(() => resolveEndpoint('onprem', routes, {})).toThrow(/OP_LOGIN/);
    expect(resolveEndpoint('onprem', routes, { OP_LOGIN: 'u' })).toMatchObject({ name: 'onprem', login: 'u' });
  });

  it('when TLS material is named by variable, then it is read from the environment, and an unset one is named', () => {
    // A tls block needs TLS URLs (the block is never dropped silently); resolving reads no socket.
    const routes = parseRoutes({ ...doc(), endpoints: { onprem: { urls: ['stomp+ssl://mq.example:61614'], tls: { caEnv: 'OP_CA', certEnv: 'OP_CERT', keyEnv: 'OP_KEY' } }, cloud: { urls: ['memory'] } } });
    const env = { OP_CA: '-----BEGIN CERTIFICATE-----ca', OP_CERT: '-----BEGIN CERTIFICATE-----cert', OP_KEY: '-----BEGIN PRIVATE KEY-----key' };
    expect(resolveEndpoint('onprem', routes, env).pem).toEqual({ ca: env.OP_CA, cert: env.OP_CERT, key: env.OP_KEY });
    expect(() => resolveEndpoint('onprem', routes, { ...env, OP_KEY: undefined })).toThrow(/OP_KEY/);
    expect(resolveEndpoint('cloud', routes, env).pem).toBeUndefined();
  });
});
