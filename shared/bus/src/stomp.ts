/**
 * Bus over STOMP 1.2 with stompit, for ActiveMQ 5.x and Amazon MQ for ActiveMQ.
 * - publish: SEND with persistent:true and content-type, resolved by the broker's RECEIPT
 *   (stompit's receipt API; no hand-made receipt header). Rejects with UnavailableError
 *   while disconnected (after a bounded wait) or when the receipt does not come in time.
 * - subscribe: ack client-individual, activemq.prefetchSize = prefetch; ACK after the
 *   handler resolves; never NACK (ActiveMQ would dead-letter at once): retries and dead
 *   letters are re-published by the shared retry module, then the original is ACKed.
 * - the connection heart-beats, reconnects with exponential backoff and full jitter over
 *   the failover list, and resubscribes.
 */
import { fullJitterMs } from './backoff';
import type { Readable } from 'node:stream';
import stompit from 'stompit';
import type Client from 'stompit/lib/Client';
import type StompitSubscription from 'stompit/lib/client/Subscription';
import { UnavailableError } from '@ediflow/errors';
import { silentLogger, type Logger } from '@ediflow/logger';
import { bodyBuffer } from './body';
import { BUS_BROKER_ERROR, HEADER, type Bus, type Headers, type MessageHandler, type PublishOptions, type ReceivedMessage, type SubscribeOptions, type Subscription } from './port';
import { attemptOf, deliver, resolvePolicy, type RetryPolicy } from './retry';
import { parseBrokerUrl, type BrokerEndpoint } from './url';
import { settleWithin } from './settle';

export interface StompTlsOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** SNI and certificate host name; defaults to the endpoint host. */
  servername?: string;
  /** Default true. */
  rejectUnauthorized?: boolean;
}

export interface StompBusOptions {
  /** Override login/passcode from the URL. */
  login?: string;
  passcode?: string;
  /** TLS settings for stomp+ssl endpoints. */
  tls?: StompTlsOptions;
  /** Heart-beat period both ways; 0 disables. Default 10000 ms. A peer gets twice this before it is declared dead. */
  heartbeatMs?: number;
  /** One TCP/TLS + CONNECT attempt; default 10000 ms. */
  connectAttemptTimeoutMs?: number;
  /** How long connect() waits for the first session; default 30000 ms (retries continue afterwards until close()). */
  connectTimeoutMs?: number;
  /** Bound for publish(): waiting for a session plus waiting for the receipt; default 10000 ms. */
  publishTimeoutMs?: number;
  /** Reconnect backoff: first ceiling and cap (full jitter); defaults 500 ms and 30000 ms. */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** How long close() and Subscription.close() wait for in-flight handlers; default 20000 ms. */
  closeTimeoutMs?: number;
  logger?: Logger;
  /** Random source in [0, 1) for retry and reconnect jitter; Math.random by default. */
  random?: () => number;
}

/** A delivered STOMP MESSAGE frame: a readable body with parsed headers. */
type IncomingMessage = Readable & { headers: Record<string, string | number> } & Client.Message;

interface Session {
  client: Client;
  endpoint: BrokerEndpoint;
  dead: boolean;
  /** Rejects every publish waiting for a receipt on this session. */
  failures: Set<(err: Error) => void>;
}

interface ConsumerState {
  destination: string;
  handler: MessageHandler;
  policy: RetryPolicy;
  inFlight: Set<Promise<void>>;
  open: boolean;
  current: { session: Session; subscription: StompitSubscription } | null;
  selector?: string;
}

/** `name` -> `/queue/name`; `/queue/...` and `/topic/...` pass through. */
export function stompDestination(destination: string): string {
  return destination.startsWith('/queue/') || destination.startsWith('/topic/') ? destination : `/queue/${destination}`;
}

/** Cap of the wait between attempts to publish a held message's retry or dead-letter copy. */
const HELD_PUBLISH_MAX_DELAY_MS = 5_000;

/** Header names set by this module on SEND; user headers cannot override them. */
const RESERVED = new Set(['destination', 'persistent', 'receipt', 'content-length', 'content-type', 'amq_scheduled_delay', 'transaction']);

export class StompBus implements Bus {
  private readonly endpoints: BrokerEndpoint[];
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly heartbeatMs: number;
  private readonly publishTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private session: Session | null = null;
  private started = false;
  private connecting = false;
  private closing = false;
  private closed = false;
  private failures = 0;
  private endpointIndex = 0;
  private wakeLoop: (() => void) | null = null;
  private readonly sessionWaiters = new Set<(session: Session | null) => void>();
  private readonly consumers = new Set<ConsumerState>();

  constructor(
    url: string,
    private readonly options: StompBusOptions = {},
  ) {
    this.endpoints = parseBrokerUrl(url);
    this.logger = options.logger ?? silentLogger();
    this.random = options.random ?? Math.random;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 20_000;
  }

  async connect(): Promise<void> {
    if (this.closing) throw new UnavailableError('BUS_CLOSED', 'bus is closed');
    this.started = true;
    this.startConnecting();
    const session = await this.waitForSession(Date.now() + (this.options.connectTimeoutMs ?? 30_000));
    if (!session) throw new UnavailableError('BUS_CONNECT_TIMEOUT', 'could not connect to the broker in time');
  }

  isConnected(): boolean {
    return this.session !== null && !this.session.dead && !this.closing;
  }

  async publish(destination: string, body: string | Buffer, options: PublishOptions = {}): Promise<void> {
    const binary = options.binary ?? false;
    const buffer = bodyBuffer(body, binary);
    if (this.closed || !this.started) throw new UnavailableError('BUS_DISCONNECTED', 'bus is not connected');
    const deadline = Date.now() + this.publishTimeoutMs;
    const session = await this.waitForSession(deadline);
    if (!session) throw new UnavailableError('BUS_DISCONNECTED', 'no broker connection within the publish timeout');

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!RESERVED.has(name.toLowerCase())) headers[name] = value;
    }
    headers.destination = stompDestination(destination);
    headers.persistent = 'true';
    headers[HEADER.contentType] = options.contentType ?? 'application/json';
    const delay = Math.floor(options.delayMs ?? 0);
    if (delay > 0) headers.AMQ_SCHEDULED_DELAY = String(delay);
    if (binary) headers['content-length'] = String(buffer.length);

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        session.failures.delete(settle);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new UnavailableError('BUS_PUBLISH_TIMEOUT', 'no receipt from the broker within the publish timeout')),
        Math.max(1, deadline - Date.now()),
      );
      session.failures.add(settle);
      const frame = session.client.send(headers, { onReceipt: () => settle() } as Client.SendOptions);
      frame.write(buffer);
      frame.end();
    });
  }

  async subscribe(destination: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Subscription> {
    if (this.closing || !this.started) throw new UnavailableError('BUS_DISCONNECTED', 'bus is not connected');
    const consumer: ConsumerState = {
      destination,
      handler,
      policy: resolvePolicy(destination, options),
      inFlight: new Set(),
      open: true,
      current: null,
      selector: options?.selector,
    };
    this.consumers.add(consumer);
    if (this.session && !this.session.dead) this.attach(consumer, this.session);
    return { close: () => this.closeConsumer(consumer) };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all([...this.consumers].map((c) => this.closeConsumer(c)));
    this.closed = true;
    this.wakeLoop?.();
    for (const waiter of this.sessionWaiters) waiter(null);
    this.sessionWaiters.clear();
    const session = this.session;
    this.session = null;
    if (session && !session.dead) await this.disconnect(session);
  }

  // ---- connection management -------------------------------------------------------

  private startConnecting(): void {
    if (this.connecting || this.closed) return;
    this.connecting = true;
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    try {
      while (!this.closed) {
        const endpoint = this.endpoints[this.endpointIndex % this.endpoints.length];
        try {
          const client = await this.open(endpoint);
          if (this.closed) {
            client.destroy(new Error('bus closed'));
            return;
          }
          this.failures = 0;
          this.onSession(client, endpoint);
          return;
        } catch (err) {
          this.failures += 1;
          this.endpointIndex = (this.endpointIndex + 1) % this.endpoints.length;
          const delay = this.backoffMs(this.failures, this.options.reconnectMaxDelayMs ?? 30_000);
          this.logger.warn(
            { broker: `${endpoint.host}:${endpoint.port}`, failures: this.failures, delayMs: delay, err: errorText(err) },
            'broker connection failed; retrying',
          );
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, delay);
            this.wakeLoop = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wakeLoop = null;
        }
      }
    } finally {
      this.connecting = false;
    }
  }

  private open(endpoint: BrokerEndpoint): Promise<Client> {
    const hb = this.heartbeatMs;
    const tls = this.options.tls ?? {};
    const connectHeaders = {
      host: endpoint.host,
      login: this.options.login ?? endpoint.login,
      passcode: this.options.passcode ?? endpoint.passcode,
      'heart-beat': `${hb},${hb}`,
    };
    const common = {
      host: endpoint.host,
      port: endpoint.port,
      timeout: this.options.connectAttemptTimeoutMs ?? 10_000,
      connectHeaders,
      // Tolerant heart-beats: declare the broker dead only after twice the period of silence,
      // and send our own beats a little early.
      heartbeatDelayMargin: hb,
      heartbeatOutputMargin: Math.floor(hb / 5),
    };
    const connectOptions: stompit.connect.ConnectOptions = endpoint.tls
      ? {
          ...common,
          ssl: true,
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          servername: tls.servername ?? (isIp(endpoint.host) ? undefined : endpoint.host),
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
        }
      : { ...common, ssl: false };
    return new Promise<Client>((resolve, reject) => {
      let done = false;
      const client = stompit.connect(connectOptions, (err) => {
        if (done) return;
        done = true;
        if (err) {
          reject(err);
          return;
        }
        // Until onSession attaches its handlers, a late error must not go unhandled.
        client.on('error', () => undefined);
        resolve(client);
      });
    });
  }

  private onSession(client: Client, endpoint: BrokerEndpoint): void {
    const session: Session = { client, endpoint, dead: false, failures: new Set() };
    client.on('error', (err: Error) => this.onDrop(session, err));
    client.on('end', () => this.onDrop(session));
    this.session = session;
    this.logger.info({ broker: `${endpoint.host}:${endpoint.port}` }, 'broker connected');
    for (const consumer of this.consumers) {
      if (consumer.open) this.attach(consumer, session);
    }
    for (const waiter of this.sessionWaiters) waiter(session);
    this.sessionWaiters.clear();
  }

  private onDrop(session: Session, err?: Error): void {
    if (session.dead) return;
    session.dead = true;
    if (this.session === session) this.session = null;
    const brokerError = typeof (err as { isApplicationError?: unknown } | undefined)?.isApplicationError === 'function'
      && (err as unknown as { isApplicationError: () => boolean }).isApplicationError();
    const failure = brokerError
      ? new UnavailableError(BUS_BROKER_ERROR, 'the broker answered with an ERROR frame before the receipt')
      : new UnavailableError('BUS_DISCONNECTED', 'broker connection lost before the receipt');
    for (const fail of [...session.failures]) fail(failure);
    for (const consumer of this.consumers) {
      if (consumer.current?.session === session) consumer.current = null;
    }
    if (this.closed) return;
    this.logger.warn({ broker: `${session.endpoint.host}:${session.endpoint.port}`, err: err ? errorText(err) : 'ended' }, 'broker connection lost');
    this.startConnecting();
  }

  private waitForSession(deadline: number): Promise<Session | null> {
    if (this.session && !this.session.dead) return Promise.resolve(this.session);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (session: Session | null): void => {
        clearTimeout(timer);
        this.sessionWaiters.delete(waiter);
        resolve(session);
      };
      const timer = setTimeout(() => waiter(null), Math.max(0, deadline - Date.now()));
      this.sessionWaiters.add(waiter);
    });
  }

  private disconnect(session: Session): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        session.client.destroy(new Error('disconnect timed out'));
        resolve();
      }, 5000);
      session.dead = true;
      session.client.on('error', () => undefined);
      session.client.disconnect(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // ---- consuming ----------------------------------------------------------------------

  private attach(consumer: ConsumerState, session: Session): void {
    const subscription = session.client.subscribe(
      {
        destination: stompDestination(consumer.destination),
        ack: 'client-individual',
        'activemq.prefetchSize': String(consumer.policy.prefetch),
        ...(consumer.selector === undefined ? {} : { selector: consumer.selector }),
      },
      (err, message) => {
        // Errors here are the connection's; onDrop handles them.
        if (err) return;
        this.onMessage(consumer, session, message as IncomingMessage);
      },
    );
    consumer.current = { session, subscription };
  }

  private onMessage(consumer: ConsumerState, session: Session, frame: IncomingMessage): void {
    const chunks: Buffer[] = [];
    frame.on('data', (chunk: Buffer) => chunks.push(chunk));
    frame.on('error', () => undefined);
    frame.on('end', () => {
      // Not ACKed: the broker gives it to another consumer after UNSUBSCRIBE or disconnect.
      if (!consumer.open || session.dead) return;
      const headers: Headers = {};
      for (const [name, value] of Object.entries(frame.headers)) headers[name] = String(value);
      const message: ReceivedMessage = {
        destination: consumer.destination,
        body: Buffer.concat(chunks),
        headers,
        attempt: attemptOf(headers),
        redelivered: headers.redelivered === 'true',
        binary: headers['content-length'] !== undefined,
      };
      const task = deliver(message, consumer.handler, consumer.policy, {
        publish: (dest, body, opts) => this.publishWhileHeld(consumer, session, dest, body, opts),
        logger: this.logger,
        random: this.random,
      }).then(
        () => {
          if (session.dead) {
            this.logger.warn({ destination: consumer.destination }, 'connection lost before ACK; the broker will redeliver');
            return;
          }
          session.client.ack(frame, undefined, undefined, () => undefined);
        },
        (err: unknown) => {
          // Released, or the retry/dead letter could not be published before the session or the consumer ended:
          // the original stays unacknowledged and the broker redelivers it.
          this.logger.warn({ destination: consumer.destination, err: errorText(err) }, 'retry publish failed; message left for redelivery');
        },
      );
      consumer.inFlight.add(task);
      void task.finally(() => consumer.inFlight.delete(task));
    });
  }

  /**
   * Publishes the retry or dead-letter copy of a message held by `session`. ActiveMQ
   * redelivers an unacknowledged message only when its session or subscription ends, so
   * giving up while both are alive would strand the message (and a prefetch slot) for as
   * long as the connection lives. Instead the publish is tried again, with backoff,
   * until it succeeds or the session or consumer ends (then the broker redelivers).
   */
  private async publishWhileHeld(consumer: ConsumerState, session: Session, destination: string, body: Buffer, options: PublishOptions): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        await this.publish(destination, body, options);
        return;
      } catch (err) {
        if (session.dead || !consumer.open || this.closing) throw err;
        // Short waits: the session is up, so the failure was a lost receipt, not an outage.
        const delayMs = this.backoffMs(failures, Math.min(HELD_PUBLISH_MAX_DELAY_MS, this.options.reconnectMaxDelayMs ?? 30_000));
        this.logger.warn({ destination: consumer.destination, failures, delayMs, err: errorText(err) }, 'retry publish failed; trying again while the message is held');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (session.dead || !consumer.open || this.closing) throw err;
      }
    }
  }

  /** Full jitter over min(cap, initial * 2^(failures-1)). */
  private backoffMs(failures: number, capMs: number): number {
    return fullJitterMs(failures, this.options.reconnectInitialDelayMs ?? 500, capMs, this.random);
  }

  private async closeConsumer(consumer: ConsumerState): Promise<void> {
    if (!this.consumers.has(consumer)) return;
    consumer.open = false;
    await settleWithin(consumer.inFlight, this.closeTimeoutMs);
    this.consumers.delete(consumer);
    const current = consumer.current;
    consumer.current = null;
    if (current && !current.session.dead) current.subscription.unsubscribe();
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
