/**
 * Bus over STOMP 1.2 with stompit, for ActiveMQ 5.x and Amazon MQ for ActiveMQ, and, by
 * their dialects (dialect.ts), RabbitMQ, Artemis and other STOMP brokers.
 * - publish: SEND with persistent:true and content-type, resolved by the broker's RECEIPT
 *   (stompit's receipt API; no hand-made receipt header). Rejects with UnavailableError
 *   while disconnected (after a bounded wait) or when the receipt does not come in time.
 * - subscribe: ack client-individual, the dialect's prefetch header; ACK after the
 *   handler resolves; never NACK (ActiveMQ would dead-letter at once): retries and dead
 *   letters are re-published by the shared retry module, then the original is ACKed.
 *   The SUBSCRIBE asks for a receipt: the bus is not ready until every subscription is
 *   confirmed (RabbitMQ answers a missing queue with an ERROR frame instead).
 * - the connection heart-beats, reconnects with exponential backoff and full jitter over
 *   the failover list, and resubscribes. A connection the broker ended with an ERROR frame
 *   (wrong credentials, unknown destination) is logged with the broker's reason and retried
 *   with growing backoff until a session is confirmed again.
 */
import type { Readable } from 'node:stream';
import stompit from 'stompit';
import type Client from 'stompit/lib/Client';
import StompitSubscription from 'stompit/lib/client/Subscription';
import { ConfigError, InvalidInputError, UnavailableError } from '@ediflow/errors';
import { silentLogger, type Logger } from '@ediflow/logger';
import { bodyBuffer } from './body';
import { stompDialect, type BrokerKind, type StompDialect } from './dialect';
import { BUS_BROKER_ERROR, BUS_DESTINATION_REFUSED, HEADER, type Bus, type Headers, type MessageHandler, type PublishOptions, type ReceivedMessage, type SubscribeOptions, type Subscription } from './port';
import { attemptOf, deliver, resolvePolicy, type RetryPolicy } from './retry';
import { Reconnector } from './reconnect';
import { parseBrokerUrl, type BrokerEndpoint } from './url';
import { settleWithin } from './settle';

export interface StompTlsOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** SNI and certificate host name; defaults to the endpoint host. */
  servername?: string;
  /** Default true. False (an unverified broker) is logged as a warning at every connect. */
  rejectUnauthorized?: boolean;
}

export interface StompBusOptions {
  /** Override login/passcode from the URL. */
  login?: string;
  passcode?: string;
  /** TLS settings for stomp+ssl endpoints; given with a plaintext URL, the constructor throws. */
  tls?: StompTlsOptions;
  /** Which broker speaks at the other end (prefetch header, destinations, text/binary); default activemq. */
  kind?: BrokerKind;
  /** CONNECT `host` header (RabbitMQ: the virtual host); default from the kind (see StompDialect.connectHost). */
  virtualHost?: string;
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
  /** Every consumer attached to this session has its SUBSCRIBE receipt. */
  confirmed: boolean;
  /** Rejects every publish waiting for a receipt on this session. */
  failures: Set<(err: Error) => void>;
}

interface ConsumerState {
  destination: string;
  handler: MessageHandler;
  policy: RetryPolicy;
  inFlight: Set<Promise<void>>;
  open: boolean;
  current: { session: Session; subscription: StompitSubscription; confirmed: boolean } | null;
  selector?: string;
}

/**
 * ERROR frames that refuse a destination rather than a message: RabbitMQ's not_found and
 * access_refused, ActiveMQ's "not authorized".
 */
const DESTINATION_REFUSED = /not[_ ]found|access[_ ]refused|not authorized/i;

/** An ERROR frame's body is kept up to this many characters (the broker's reason, for the log). */
const ERROR_TEXT_LIMIT = 500;

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
  private readonly connection: Reconnector<BrokerEndpoint, Session>;
  private started = false;
  private closing = false;
  /** Connections in a row the broker ended with an ERROR frame before a session was confirmed. */
  private errorStreak = 0;
  private readonly dialect: StompDialect;
  private readonly consumers = new Set<ConsumerState>();

  constructor(
    url: string,
    private readonly options: StompBusOptions = {},
  ) {
    this.endpoints = parseBrokerUrl(url);
    this.dialect = stompDialect(options.kind);
    if (options.tls !== undefined && this.endpoints.some((e) => !e.tls)) {
      // TLS settings never fall back to plaintext silently.
      throw new ConfigError(['BROKER_URL'], 'TLS settings are given but a broker URL is plaintext (stomp://): use stomp+ssl://');
    }
    this.logger = options.logger ?? silentLogger();
    this.random = options.random ?? Math.random;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 20_000;
    this.connection = new Reconnector<BrokerEndpoint, Session>({
      endpoints: this.endpoints,
      open: async (endpoint) => this.newSession(await this.open(endpoint), endpoint),
      discard: (session) => session.client.destroy(new Error('bus closed')),
      onSession: (session) => this.onSession(session),
      logger: this.logger,
      label: (endpoint) => `${endpoint.host}:${endpoint.port}`,
      describe: errorText,
      initialDelayMs: options.reconnectInitialDelayMs,
      maxDelayMs: options.reconnectMaxDelayMs,
      random: this.random,
    });
  }

  async connect(): Promise<void> {
    if (this.closing) throw new UnavailableError('BUS_CLOSED', 'bus is closed');
    this.started = true;
    await this.connection.connect(this.options.connectTimeoutMs ?? 30_000);
  }

  /** A live session on which every subscription is confirmed. */
  isConnected(): boolean {
    const session = this.connection.session;
    if (session === null || session.dead || this.closing) return false;
    for (const consumer of this.consumers) {
      if (consumer.open && consumer.current?.confirmed !== true) return false;
    }
    return true;
  }

  async publish(destination: string, body: string | Buffer, options: PublishOptions = {}): Promise<void> {
    const binary = options.binary ?? false;
    const buffer = bodyBuffer(body, binary);
    if (this.connection.closed || !this.started) throw new UnavailableError('BUS_DISCONNECTED', 'bus is not connected');
    const deadline = Date.now() + this.publishTimeoutMs;
    const session = await this.connection.waitForSession(deadline);
    if (!session) throw new UnavailableError('BUS_DISCONNECTED', 'no broker connection within the publish timeout');

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!RESERVED.has(name.toLowerCase())) headers[name] = value;
    }
    headers.destination = this.dialect.destination(destination);
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
    if (options?.selector !== undefined && !this.dialect.selectors) {
      throw new InvalidInputError('BUS_SELECTOR_UNSUPPORTED', `message selectors are not evaluated by ${this.dialect.kind} brokers over STOMP`);
    }
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
    if (this.connection.session && !this.connection.session.dead) this.attach(consumer, this.connection.session);
    return { close: () => this.closeConsumer(consumer) };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all([...this.consumers].map((c) => this.closeConsumer(c)));
    const session = this.connection.close();
    if (session && !session.dead) await this.disconnect(session);
  }

  // ---- connection management -------------------------------------------------------

  private open(endpoint: BrokerEndpoint): Promise<Client> {
    const hb = this.heartbeatMs;
    const tls = this.options.tls ?? {};
    const connectHeaders = {
      host: this.options.virtualHost ?? this.dialect.connectHost(endpoint.host),
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
    if (endpoint.tls && tls.rejectUnauthorized === false) {
      this.logger.warn({ broker: `${endpoint.host}:${endpoint.port}` }, 'TLS certificate checks are OFF for this broker (insecure): anyone on the path can read and change the traffic');
    }
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
      readErrorFrames(client);
    });
  }

  private newSession(client: Client, endpoint: BrokerEndpoint): Session {
    const session: Session = { client, endpoint, dead: false, confirmed: false, failures: new Set() };
    client.on('error', (err: Error) => this.onDrop(session, err));
    client.on('end', () => this.onDrop(session));
    return session;
  }

  private onSession(session: Session): void {
    const { endpoint } = session;
    this.logger.info({ broker: `${endpoint.host}:${endpoint.port}` }, 'broker connected');
    for (const consumer of this.consumers) {
      if (consumer.open) this.attach(consumer, session);
    }
    this.checkConfirmed(session);
  }

  private onDrop(session: Session, err?: Error): void {
    if (session.dead) return;
    session.dead = true;
    this.connection.lost(session);
    const brokerError = typeof (err as { isApplicationError?: unknown } | undefined)?.isApplicationError === 'function'
      && (err as unknown as { isApplicationError: () => boolean }).isApplicationError();
    if (brokerError) this.errorStreak += 1;
    const failure = !brokerError
      ? new UnavailableError('BUS_DISCONNECTED', 'broker connection lost before the receipt')
      : DESTINATION_REFUSED.test(errorText(err))
        ? new UnavailableError(BUS_DESTINATION_REFUSED, `the broker refused the destination: ${errorText(err)}`)
        : new UnavailableError(BUS_BROKER_ERROR, `the broker answered with an ERROR frame before the receipt: ${errorText(err)}`);
    for (const fail of [...session.failures]) fail(failure);
    for (const consumer of this.consumers) {
      if (consumer.current?.session === session) consumer.current = null;
    }
    if (this.connection.closed) return;
    this.logger.warn(
      { broker: `${session.endpoint.host}:${session.endpoint.port}`, err: err ? errorText(err) : 'ended', errorFrames: this.errorStreak },
      brokerError ? 'broker refused the session with an ERROR frame; reconnecting with backoff' : 'broker connection lost',
    );
    // A broker that refused the last session with an ERROR frame is not hammered.
    this.connection.start(this.errorStreak > 0 ? this.connection.backoffMs(this.errorStreak) : 0);
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
    const current = { session, subscription: undefined as unknown as StompitSubscription, confirmed: false };
    current.subscription = subscribeWithReceipt(
      session.client,
      {
        destination: this.dialect.destination(consumer.destination),
        ack: 'client-individual',
        ...this.dialect.prefetchHeaders(consumer.policy.prefetch),
        ...(consumer.selector === undefined ? {} : { selector: consumer.selector }),
      },
      (err, message) => {
        // Errors here are the connection's; onDrop handles them.
        if (err) return;
        this.onMessage(consumer, session, message as IncomingMessage);
      },
      () => {
        current.confirmed = true;
        this.checkConfirmed(session);
      },
    );
    consumer.current = current;
  }

  /** A session whose subscriptions are all confirmed ends an ERROR streak. */
  private checkConfirmed(session: Session): void {
    if (session.dead || session.confirmed) return;
    for (const consumer of this.consumers) {
      if (consumer.open && consumer.current?.session === session && !consumer.current.confirmed) return;
    }
    session.confirmed = true;
    this.errorStreak = 0;
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
        binary: this.dialect.isBinary(headers),
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
        const delayMs = this.connection.backoffMs(failures, Math.min(HELD_PUBLISH_MAX_DELAY_MS, this.options.reconnectMaxDelayMs ?? 30_000));
        this.logger.warn({ destination: consumer.destination, failures, delayMs, err: errorText(err) }, 'retry publish failed; trying again while the message is held');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (session.dead || !consumer.open || this.closing) throw err;
      }
    }
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

/**
 * stompit reads an ERROR frame that has a text body with a handler that destroys the frame
 * instead of the client (`this` is the frame there), so the error goes to a stream nobody
 * listens to and the process dies with "uncaught exception". This replaces that handler,
 * in every handler set the client installs, by one that reads the body (bounded) and ends
 * the connection with an application error carrying the broker's message and body.
 */
function readErrorFrames(client: Client): void {
  type Handlers = Record<string, (this: Client, frame: IncomingMessage, done: () => void) => void>;
  const target = client as unknown as { setCommandHandlers(handlers: Handlers): void; createApplicationError(message: string): Error };
  const onError = function (this: Client, frame: IncomingMessage): void {
    const chunks: Buffer[] = [];
    let size = 0;
    frame.on('data', (chunk: Buffer) => {
      if (size < ERROR_TEXT_LIMIT) chunks.push(chunk);
      size += chunk.length;
    });
    frame.on('error', () => undefined);
    frame.on('end', () => {
      const summary = String(frame.headers.message ?? 'server sent ERROR frame');
      const body = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, ERROR_TEXT_LIMIT);
      const error = target.createApplicationError(body.length > 0 && body !== summary ? `${summary}: ${body}` : summary);
      this.destroy(error);
    });
  };
  const original = target.setCommandHandlers.bind(client);
  target.setCommandHandlers = (handlers: Handlers) => original({ ...handlers, ERROR: onError });
}

/**
 * SUBSCRIBE with a receipt. stompit's subscribe() sends no receipt; this registers the
 * subscription as it does (its Subscription class and table) and sends the frame through
 * its receipt API.
 */
function subscribeWithReceipt(
  client: Client,
  headers: Record<string, string>,
  listener: (err: Error | null, message: Client.Message) => void,
  onReceipt: () => void,
): StompitSubscription {
  const internals = client as unknown as { _nextSubcriptionId: number; _subscriptions: Record<string, StompitSubscription> };
  let id = internals._nextSubcriptionId++;
  while (internals._subscriptions[id] !== undefined) id = internals._nextSubcriptionId++;
  const subscription = new StompitSubscription(id, 'client-individual', listener as Client.MessageCallback, client);
  internals._subscriptions[id] = subscription;
  client.sendFrame('SUBSCRIBE', { ...headers, id: String(id) }, { onReceipt } as Client.SendOptions).end();
  return subscription;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
