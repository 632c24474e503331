/**
 * Bus over AMQP 1.0 (rhea) for brokers the bridge reaches that way: RabbitMQ's AMQP 1.0
 * plugin, ActiveMQ and Artemis, Azure Service Bus, Solace, Qpid, IBM MQ AMQP channels.
 * The same guarantees as the STOMP bus:
 * - publish: a durable message, resolved only when the broker settles it as accepted; a
 *   rejected outcome is a refusal (BUS_BROKER_ERROR), released/modified or a lost link is
 *   retryable; a target the broker refuses (not found, not allowed: RabbitMQ ends the link's
 *   session, so each destination has a session of its own) is BUS_DESTINATION_REFUSED,
 *   retryable, and keeps the bus not ready until a send there succeeds again.
 * - subscribe: a receiver with manual credit, `prefetch` at first and one more per settled
 *   message, on a session of its own whose incoming window is `prefetch` too: RabbitMQ 3.x's
 *   AMQP 1.0 plugin does not honour link credit (it sent 239 transfers on 10 credits here)
 *   but does honour the session window. A message is accepted only after the handler
 *   resolved; a released message (stopping) goes back to the broker; anything unsettled
 *   when the link or connection ends is redelivered by the broker.
 * - reconnects with exponential backoff and full jitter over the endpoint's URLs.
 */
import { connect as rheaConnect, filter as rheaFilter, message as rheaMessage, type Connection, type Delivery, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { ConfigError, InvalidInputError, UnavailableError } from '@ediflow/errors';
import { silentLogger, type Logger } from '@ediflow/logger';
import {
  BUS_BROKER_ERROR,
  BUS_DESTINATION_REFUSED,
  HEADER,
  Reconnector,
  attemptOf,
  deliver,
  resolvePolicy,
  settleWithin,
  stompDialect,
  type BrokerKind,
  type Bus,
  type Headers,
  type MessageHandler,
  type PublishOptions,
  type ReceivedMessage,
  type RetryPolicy,
  type StompBusOptions,
  type SubscribeOptions,
  type Subscription,
} from '@ediflow/bus';

/**
 * The STOMP bus's options, with the same meaning; `heartbeatMs` becomes the idle time-out
 * asked of the broker (twice it), `virtualHost` the open frame's hostname `vhost:<name>`
 * (RabbitMQ, default "/").
 */
export type AmqpBusOptions = StompBusOptions;

interface AmqpEndpoint {
  host: string;
  port: number;
  tls: boolean;
}

interface Session {
  connection: Connection;
  endpoint: AmqpEndpoint;
  dead: boolean;
  senders: Map<string, SenderState>;
  /** Rejects every publish waiting on this session. */
  failures: Set<(err: Error) => void>;
}

interface SenderState {
  sender: Sender;
  open: boolean;
  failed: Error | undefined;
  waiters: Set<() => void>;
  /** Outcome callbacks of this link's sends still waiting (failed with the link). */
  pending: Set<(err?: Error) => void>;
}

interface ConsumerState {
  destination: string;
  handler: MessageHandler;
  policy: RetryPolicy;
  selector?: string;
  inFlight: Set<Promise<void>>;
  open: boolean;
  current: { session: Session; receiver: Receiver; attached: boolean } | null;
  /** Attaches in a row the broker refused or closed (backoff). */
  refusals: number;
}

/** AMQP 1.0 URL list: amqp://host[:5672], amqps://host[:5671]; credentials in URLs are refused. */
export function parseAmqpUrls(urls: string[]): AmqpEndpoint[] {
  return urls.map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new ConfigError(['BRIDGE_ROUTES_FILE'], 'an AMQP address is not a URL (expected amqp://host:port or amqps://host:port)');
    }
    const tls = url.protocol.toLowerCase() === 'amqps:';
    if (!tls && url.protocol.toLowerCase() !== 'amqp:') throw new ConfigError(['BRIDGE_ROUTES_FILE'], `scheme ${url.protocol} is not AMQP`);
    if (url.username || url.password) throw new ConfigError(['BRIDGE_ROUTES_FILE'], 'AMQP URLs must not carry credentials');
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? (tls ? 5671 : 5672) : Number(url.port), tls };
  });
}

/**
 * The AMQP address of a configured destination. ActiveMQ names queues and topics
 * `queue://x` and `topic://x`; RabbitMQ's plugin takes `/queue/x`, `/amq/queue/x`,
 * `/exchange/x/key` and `/topic/key` (a bare name is a queue); Artemis takes the address
 * name; other brokers get the destination as written.
 */
export function amqpAddress(kind: BrokerKind, destination: string): string {
  const queue = /^\/queue\/(.+)$/.exec(destination);
  const topic = /^\/topic\/(.+)$/.exec(destination);
  switch (kind) {
    case 'activemq':
      if (queue) return `queue://${queue[1]}`;
      if (topic) return `topic://${topic[1]}`;
      return destination;
    case 'rabbitmq':
      return stompDialect('rabbitmq').destination(destination);
    case 'artemis':
      return queue ? queue[1] : topic ? topic[1] : destination;
    default:
      return destination;
  }
}

/** AMQP message properties that carry what STOMP/JMS headers carry; everything else travels as application properties. */
const PROPERTY_HEADERS: Array<[keyof Message & string, string]> = [
  ['correlation_id', 'correlation-id'],
  ['reply_to', 'reply-to'],
  ['group_id', 'JMSXGroupID'],
  ['subject', 'type'],
];

/** The outgoing AMQP message for a publish: text as an amqp-value string, bytes as a data section. */
export function toAmqpMessage(body: Buffer, options: PublishOptions): Message {
  const headers = options.headers ?? {};
  const applicationProperties: Record<string, string> = {};
  const message: Message = { durable: true, content_type: options.contentType ?? 'application/json', body: undefined };
  const taken = new Set(PROPERTY_HEADERS.map(([, header]) => header.toLowerCase()));
  for (const [property, header] of PROPERTY_HEADERS) {
    const value = headers[header];
    if (value !== undefined) (message as unknown as Record<string, unknown>)[property] = value;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!taken.has(name.toLowerCase()) && name.toLowerCase() !== 'content-type') applicationProperties[name] = value;
  }
  // The idempotency key doubles as the AMQP message-id (brokers such as Azure Service Bus deduplicate on it).
  const key = headers[HEADER.idempotencyKey];
  if (key !== undefined) message.message_id = key;
  message.application_properties = applicationProperties;
  message.body = options.binary === true ? rheaMessage.data_section(body) : body.toString('utf8');
  if ((options.delayMs ?? 0) > 0) message.message_annotations = { 'x-opt-delivery-delay': Math.floor(options.delayMs ?? 0) };
  return message;
}

/** A received AMQP message as the bus hands it on: headers from its properties and application properties, text or bytes from its body section. */
export function fromAmqpMessage(destination: string, message: Message): ReceivedMessage {
  const headers: Headers = {};
  for (const [property, header] of PROPERTY_HEADERS) {
    const value = (message as unknown as Record<string, unknown>)[property];
    if (value !== undefined && value !== null) headers[header] = String(value);
  }
  if (message.message_id !== undefined && message.message_id !== null) headers['message-id'] = String(message.message_id);
  if (message.content_type !== undefined) headers[HEADER.contentType] = String(message.content_type);
  if (message.creation_time instanceof Date) headers.timestamp = String(message.creation_time.getTime());
  for (const [name, value] of Object.entries(message.application_properties ?? {})) {
    if (value !== undefined && value !== null) headers[name] = value instanceof Date ? String(value.getTime()) : String(value);
  }
  let body: Buffer;
  let binary: boolean;
  const raw: unknown = message.body;
  if (typeof raw === 'string') {
    body = Buffer.from(raw, 'utf8');
    binary = false;
  } else if (Buffer.isBuffer(raw)) {
    body = raw;
    binary = true;
  } else if (isDataSection(raw)) {
    body = raw.content;
    binary = true;
  } else if (raw === undefined || raw === null) {
    body = Buffer.alloc(0);
    binary = true;
  } else {
    // An amqp-value that is not a string (a map, a list, a number): passed on as its JSON text.
    body = Buffer.from(JSON.stringify(raw), 'utf8');
    binary = false;
    headers[HEADER.contentType] ??= 'application/json';
  }
  const deliveryCount = Number(message.delivery_count ?? 0);
  return { destination, body, headers, attempt: attemptOf(headers), redelivered: deliveryCount > 0, binary };
}

function isDataSection(value: unknown): value is { typecode: number; content: Buffer } {
  return typeof value === 'object' && value !== null && (value as { typecode?: unknown }).typecode === 0x75 && Buffer.isBuffer((value as { content?: unknown }).content);
}

/** Conditions a broker gives when it will not attach a link to a destination (a route problem, not a message's). */
function isDestinationCondition(condition: string | undefined): boolean {
  return condition === 'amqp:not-found' || condition === 'amqp:unauthorized-access' || condition === 'amqp:not-allowed';
}

function describeAmqpError(err: unknown): { condition: string | undefined; text: string } {
  const e = err as { condition?: unknown; description?: unknown; message?: unknown } | undefined;
  const condition = typeof e?.condition === 'string' ? e.condition : undefined;
  const description = typeof e?.description === 'string' ? e.description : typeof e?.message === 'string' ? e.message : undefined;
  return { condition, text: [condition, description].filter((x) => x !== undefined).join(': ') || 'unknown AMQP error' };
}

export class AmqpBus implements Bus {
  private readonly endpoints: AmqpEndpoint[];
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly kind: BrokerKind;
  private readonly connection: Reconnector<AmqpEndpoint, Session>;
  private started = false;
  private closing = false;
  private readonly consumers = new Set<ConsumerState>();
  /** Destinations whose sender the broker refused; the bus is not ready while any is. */
  private readonly refusedTargets = new Set<string>();
  /** Outcome callbacks of sent deliveries (a delivery belongs to one publish). */
  private readonly outcomes = new WeakMap<Delivery, (err?: Error) => void>();

  constructor(
    urls: string[],
    private readonly options: AmqpBusOptions = {},
  ) {
    this.endpoints = parseAmqpUrls(urls);
    if (options.tls !== undefined && this.endpoints.some((e) => !e.tls)) {
      throw new ConfigError(['BRIDGE_ROUTES_FILE'], 'TLS settings are given but an AMQP URL is plaintext (amqp://): use amqps://');
    }
    this.kind = options.kind ?? 'activemq';
    this.logger = options.logger ?? silentLogger();
    this.random = options.random ?? Math.random;
    this.connection = new Reconnector<AmqpEndpoint, Session>({
      endpoints: this.endpoints,
      open: async (endpoint) => this.newSession(await this.open(endpoint), endpoint),
      discard: (session) => session.connection.close(),
      onSession: (session) => this.onSession(session),
      logger: this.logger,
      label: (endpoint) => `${endpoint.host}:${endpoint.port}`,
      describe: (err) => describeAmqpError(err).text,
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

  isConnected(): boolean {
    const session = this.connection.session;
    if (session === null || session.dead || this.closing || this.refusedTargets.size > 0) return false;
    for (const consumer of this.consumers) {
      if (consumer.open && consumer.current?.attached !== true) return false;
    }
    return true;
  }

  async publish(destination: string, body: string | Buffer, options: PublishOptions = {}): Promise<void> {
    const binary = options.binary ?? false;
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    if (!binary && buffer.includes(0)) throw new InvalidInputError('BUS_TEXT_HAS_NUL', 'a text message body cannot contain a NUL byte; publish it with binary: true');
    if (this.connection.closed || !this.started) throw new UnavailableError('BUS_DISCONNECTED', 'bus is not connected');
    const deadline = Date.now() + (this.options.publishTimeoutMs ?? 10_000);
    const session = await this.connection.waitForSession(deadline);
    if (!session) throw new UnavailableError('BUS_DISCONNECTED', 'no broker connection within the publish timeout');
    const address = amqpAddress(this.kind, destination);
    const state = this.senderFor(session, address);
    await this.waitSendable(session, state, deadline);
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        session.failures.delete(settle);
        state.pending.delete(settle);
        this.outcomes.delete(delivery);
        if (err) reject(err);
        else {
          this.refusedTargets.delete(address);
          resolve();
        }
      };
      const timer = setTimeout(
        () => settle(new UnavailableError('BUS_PUBLISH_TIMEOUT', 'no outcome from the broker within the publish timeout')),
        Math.max(1, deadline - Date.now()),
      );
      session.failures.add(settle);
      state.pending.add(settle);
      const delivery = state.sender.send(toAmqpMessage(buffer, { ...options, binary }));
      this.outcomes.set(delivery, settle);
    });
  }

  async subscribe(destination: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Subscription> {
    if (this.closing || !this.started) throw new UnavailableError('BUS_DISCONNECTED', 'bus is not connected');
    if (options?.selector !== undefined && !stompDialect(this.kind).selectors) {
      throw new InvalidInputError('BUS_SELECTOR_UNSUPPORTED', `message selectors are not evaluated by ${this.kind} brokers`);
    }
    const consumer: ConsumerState = {
      destination,
      handler,
      policy: resolvePolicy(destination, options),
      selector: options?.selector,
      inFlight: new Set(),
      open: true,
      current: null,
      refusals: 0,
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
    if (session && !session.dead) {
      session.dead = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        session.connection.once('connection_close', () => {
          clearTimeout(timer);
          resolve();
        });
        session.connection.once('disconnected', () => {
          clearTimeout(timer);
          resolve();
        });
        session.connection.close();
      });
    }
  }

  // ---- connection management -------------------------------------------------------

  private open(endpoint: AmqpEndpoint): Promise<Connection> {
    const tls = this.options.tls ?? {};
    if (endpoint.tls && tls.rejectUnauthorized === false) {
      this.logger.warn({ broker: `${endpoint.host}:${endpoint.port}` }, 'TLS certificate checks are OFF for this broker (insecure): anyone on the path can read and change the traffic');
    }
    const hostname = this.kind === 'rabbitmq' ? `vhost:${this.options.virtualHost ?? '/'}` : endpoint.host;
    const heartbeat = this.options.heartbeatMs ?? 10_000;
    const common = {
      host: endpoint.host,
      port: endpoint.port,
      hostname,
      username: this.options.login,
      password: this.options.passcode,
      reconnect: false,
      idle_time_out: heartbeat > 0 ? heartbeat * 2 : undefined,
      container_id: `ediflow-bridge-${process.pid}`,
    };
    const connectOptions = endpoint.tls
      ? {
          ...common,
          transport: 'tls' as const,
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          servername: tls.servername ?? (/^[\d.]+$/.test(endpoint.host) || endpoint.host.includes(':') ? undefined : endpoint.host),
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
        }
      : { ...common, transport: 'tcp' as const };
    return new Promise<Connection>((resolve, reject) => {
      let done = false;
      const connection = rheaConnect(connectOptions as Parameters<typeof rheaConnect>[0]);
      const fail = (err: unknown): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        connection.removeAllListeners();
        connection.on('error', () => undefined);
        connection.on('disconnected', () => undefined);
        try {
          connection.close();
        } catch {
          // already down
        }
        reject(err instanceof Error ? err : new Error(describeAmqpError(err).text));
      };
      const timer = setTimeout(() => fail(new Error('AMQP open timed out')), this.options.connectAttemptTimeoutMs ?? 10_000);
      connection.once('connection_open', () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(connection);
      });
      connection.on('connection_error', (ctx: EventContext) => fail(ctx.connection.error ?? new Error('connection refused')));
      connection.on('disconnected', (ctx: EventContext) => fail(ctx.error ?? ctx.connection.error ?? new Error('disconnected')));
      connection.on('error', (err: unknown) => fail(err));
    });
  }

  private newSession(connection: Connection, endpoint: AmqpEndpoint): Session {
    const session: Session = { connection, endpoint, dead: false, senders: new Map(), failures: new Set() };
    connection.removeAllListeners();
    const drop = (err: unknown): void => this.onDrop(session, err);
    connection.on('disconnected', (ctx: EventContext) => drop(ctx.error ?? ctx.connection.error));
    connection.on('connection_close', (ctx: EventContext) => drop(ctx.connection.error));
    connection.on('connection_error', (ctx: EventContext) => this.logger.warn({ err: describeAmqpError(ctx.connection.error).text }, 'broker closed the connection with an error'));
    connection.on('session_error', (ctx: EventContext) => this.logger.warn({ err: describeAmqpError(ctx.session?.error).text }, 'broker ended an AMQP session'));
    connection.on('error', (err: unknown) => drop(err));
    return session;
  }

  private onSession(session: Session): void {
    this.logger.info({ broker: `${session.endpoint.host}:${session.endpoint.port}` }, 'broker connected');
    for (const consumer of this.consumers) if (consumer.open) this.attach(consumer, session);
  }

  private onDrop(session: Session, err: unknown): void {
    if (session.dead) return;
    session.dead = true;
    this.connection.lost(session);
    const failure = new UnavailableError('BUS_DISCONNECTED', 'broker connection lost before the outcome');
    for (const fail of [...session.failures]) fail(failure);
    for (const state of session.senders.values()) for (const wake of state.waiters) wake();
    for (const consumer of this.consumers) if (consumer.current?.session === session) consumer.current = null;
    try {
      session.connection.close();
    } catch {
      // already down
    }
    if (this.connection.closed) return;
    this.logger.warn({ broker: `${session.endpoint.host}:${session.endpoint.port}`, err: err === undefined ? 'ended' : describeAmqpError(err).text }, 'broker connection lost');
    this.connection.start();
  }

  // ---- sending ------------------------------------------------------------------------

  private senderFor(session: Session, address: string): SenderState {
    const known = session.senders.get(address);
    if (known && known.failed === undefined) return known;
    // A session per destination: RabbitMQ ends the whole session on a target it cannot find.
    const linkSession = session.connection.create_session();
    linkSession.begin();
    const sender = linkSession.open_sender({ target: { address, durable: 2 }, autosettle: true });
    const state: SenderState = { sender, open: false, failed: undefined, waiters: new Set(), pending: new Set() };
    session.senders.set(address, state);
    const wake = (): void => {
      for (const w of [...state.waiters]) w();
    };
    const fail = (error: unknown, fallback: string): void => {
      if (state.failed === undefined) {
        const { condition, text } = describeAmqpError(error);
        const refused = error !== undefined && isDestinationCondition(condition);
        state.failed = refused
          ? new UnavailableError(BUS_DESTINATION_REFUSED, `the broker refused the destination: ${text}`)
          : error !== undefined
            ? new UnavailableError(BUS_BROKER_ERROR, `the broker closed the sending link: ${text}`)
            : new UnavailableError('BUS_DISCONNECTED', fallback);
        if (refused) this.refusedTargets.add(address);
        if (error !== undefined) this.logger.warn({ destination: address, err: text }, 'broker refused the sending link');
      }
      if (session.senders.get(address) === state) session.senders.delete(address);
      for (const settle of [...state.pending]) settle(state.failed);
      wake();
    };
    sender.on('sender_open', () => {
      state.open = true;
      wake();
    });
    sender.on('sendable', wake);
    sender.on('sender_error', (ctx: EventContext) => fail(ctx.sender?.error, 'the sending link was closed'));
    sender.on('sender_close', () => fail(undefined, 'the sending link was closed'));
    linkSession.on('session_error', (ctx: EventContext) => fail(ctx.session?.error, 'the sending session was ended'));
    linkSession.on('session_close', () => fail(undefined, 'the sending session was ended'));
    const outcome = (ctx: EventContext, err?: Error): void => {
      const settle = ctx.delivery === undefined ? undefined : this.outcomes.get(ctx.delivery);
      settle?.(err);
    };
    sender.on('accepted', (ctx: EventContext) => outcome(ctx));
    sender.on('rejected', (ctx: EventContext) => {
      const state = ctx.delivery?.remote_state as { error?: unknown } | undefined;
      outcome(ctx, new UnavailableError(BUS_BROKER_ERROR, `the broker rejected the message: ${describeAmqpError(state?.error).text}`));
    });
    sender.on('released', (ctx: EventContext) => outcome(ctx, new UnavailableError('BUS_RELEASED', 'the broker released the message without taking it')));
    sender.on('modified', (ctx: EventContext) => outcome(ctx, new UnavailableError('BUS_RELEASED', 'the broker returned the message modified without taking it')));
    return state;
  }

  /** Waits until the link is attached and has credit, or fails with why it cannot be. */
  private async waitSendable(session: Session, state: SenderState, deadline: number): Promise<void> {
    for (;;) {
      if (state.failed) {
        // The next publish opens a fresh link.
        for (const [address, s] of session.senders) if (s === state) session.senders.delete(address);
        throw state.failed;
      }
      if (session.dead) throw new UnavailableError('BUS_DISCONNECTED', 'broker connection lost');
      if (state.open && state.sender.sendable()) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new UnavailableError('BUS_PUBLISH_TIMEOUT', 'no credit from the broker within the publish timeout');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done(): void {
          clearTimeout(timer);
          state.waiters.delete(done);
          resolve();
        }
        state.waiters.add(done);
      });
    }
  }

  // ---- consuming ----------------------------------------------------------------------

  private attach(consumer: ConsumerState, session: Session): void {
    const address = amqpAddress(this.kind, consumer.destination);
    const linkSession = session.connection.create_session({ incoming: consumer.policy.prefetch, outgoing: 64 });
    linkSession.begin();
    const receiver = linkSession.open_receiver({
      source: { address, durable: 2, ...(consumer.selector === undefined ? {} : { filter: rheaFilter.selector(consumer.selector) }) },
      autoaccept: false,
      credit_window: 0,
    });
    const current = { session, receiver, attached: false };
    consumer.current = current;
    receiver.on('receiver_open', () => {
      current.attached = true;
      consumer.refusals = 0;
      receiver.add_credit(consumer.policy.prefetch);
    });
    const refused = (err: unknown): void => {
      this.logger.warn({ destination: consumer.destination, err: describeAmqpError(err).text }, 'broker refused the receiving link; trying again');
    };
    receiver.on('receiver_error', (ctx: EventContext) => refused(ctx.receiver?.error));
    // RabbitMQ ends the whole session on a source it cannot find.
    linkSession.on('session_error', (ctx: EventContext) => refused(ctx.session?.error));
    const detached = (): void => {
      if (consumer.current !== current) return;
      consumer.current = null;
      current.attached = false;
      consumer.refusals += 1;
      // A refused or closed link: attach again after a growing backoff while the connection lives.
      if (consumer.open && !session.dead && !this.closing) {
        const delay = this.connection.backoffMs(consumer.refusals);
        setTimeout(() => {
          if (consumer.open && consumer.current === null && !session.dead && !this.closing) this.attach(consumer, session);
        }, delay);
      }
    };
    receiver.on('receiver_close', detached);
    linkSession.on('session_close', detached);
    receiver.on('message', (ctx: EventContext) => this.onMessage(consumer, current, ctx));
  }

  private onMessage(consumer: ConsumerState, current: { session: Session; receiver: Receiver }, ctx: EventContext): void {
    const delivery = ctx.delivery as Delivery;
    if (!consumer.open || current.session.dead) {
      delivery.release();
      return;
    }
    const message = fromAmqpMessage(consumer.destination, ctx.message as Message);
    const task = deliver(message, consumer.handler, consumer.policy, {
      publish: (dest, body, opts) => this.publish(dest, body, opts),
      logger: this.logger,
      random: this.random,
    }).then(
      () => {
        if (current.session.dead) {
          this.logger.warn({ destination: consumer.destination }, 'connection lost before the outcome; the broker will redeliver');
          return;
        }
        delivery.accept();
        if (consumer.open) current.receiver.add_credit(1);
      },
      (err: unknown) => {
        // Released (stopping), or the retry copy could not be published: back to the broker.
        if (!current.session.dead) delivery.release();
        if (consumer.open && !current.session.dead) current.receiver.add_credit(1);
        this.logger.warn({ destination: consumer.destination, err: describeAmqpError(err).text }, 'message released to the broker');
      },
    );
    consumer.inFlight.add(task);
    void task.finally(() => consumer.inFlight.delete(task));
  }

  private async closeConsumer(consumer: ConsumerState): Promise<void> {
    if (!this.consumers.has(consumer)) return;
    consumer.open = false;
    await settleWithin(consumer.inFlight, this.options.closeTimeoutMs ?? 20_000);
    this.consumers.delete(consumer);
    const current = consumer.current;
    consumer.current = null;
    if (current && !current.session.dead) {
      current.receiver.close();
      current.receiver.session.close();
    }
  }

}
