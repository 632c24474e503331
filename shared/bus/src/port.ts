/**
 * The message bus port. Implementations: STOMP (ActiveMQ on-prem, Amazon MQ, and by its
 * dialects RabbitMQ, Artemis and others), in-memory (single-process `npm start`), and the
 * bridge's AMQP 1.0 bus. One contract suite runs against each.
 *
 * Semantics every implementation keeps:
 * - publish() resolves only when the message is durable (STOMP: the broker's RECEIPT
 *   for a persistent SEND); it rejects with a retryable AppError otherwise.
 * - subscribe() delivers each message to the handler; the message is acknowledged
 *   only when the handler resolves. A handler that throws never causes a NACK:
 *   the consumer re-publishes the message with an incremented attempt count (and a
 *   delay), then acknowledges the original; after maxAttempts it goes to the
 *   dead-letter destination with its reason. Delivery is at-least-once.
 *   An error that is not retryable (isRetryable() false) is dead-lettered at once.
 * - A message not acknowledged when the connection drops is redelivered.
 */
export type Headers = Record<string, string>;

export interface PublishOptions {
  /** Extra headers (idempotency-key, JMSXGroupID, correlation-id, ...). */
  headers?: Headers;
  /** Defaults to application/json. */
  contentType?: string;
  /**
   * STOMP only: send a content-length header so JMS consumers see a BytesMessage.
   * Without it ActiveMQ creates a TextMessage. Defaults to false (text).
   */
  binary?: boolean;
  /**
   * Deliver no earlier than this many ms from now (STOMP: AMQ_SCHEDULED_DELAY, needs
   * schedulerSupport on the broker). publish() still resolves on the broker's receipt.
   */
  delayMs?: number;
}

export interface ReceivedMessage {
  destination: string;
  body: Buffer;
  headers: Headers;
  /** Attempt number starting at 1 (from the x-attempt header the retry path sets). */
  attempt: number;
  /** The broker says it delivered this message before (STOMP `redelivered`). */
  redelivered: boolean;
  /**
   * The message arrived as bytes, not text (STOMP on ActiveMQ/Artemis: a content-length header,
   * a JMS BytesMessage; on RabbitMQ and other brokers: a content type that is not text; AMQP 1.0:
   * a data section); retries keep the form.
   */
  binary?: boolean;
}

export interface SubscribeOptions {
  /** Messages in flight (unacknowledged) at once; default 10. */
  prefetch?: number;
  /** Attempts before dead-lettering; default 5. */
  maxAttempts?: number;
  /** Delay before attempt n+1 is base * 2^(n-1) with full jitter; default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Upper bound of the retry delay before jitter; default 300000 ms. */
  retryMaxDelayMs?: number;
  /** Where messages go after maxAttempts; default `DLQ.<destination>`. */
  deadLetterDestination?: string;
  /**
   * JMS message selector (SQL-92 over headers), STOMP `selector` header. STOMP only:
   * MemoryBus refuses it rather than ignore it.
   */
  selector?: string;
}

/**
 * Code of the retryable error publish() rejects with when the broker answered with an
 * ERROR frame (it refused a frame; STOMP then closes the connection) rather than the
 * connection simply dropping (BUS_DISCONNECTED). Callers can count these as rejections.
 */
export const BUS_BROKER_ERROR = 'BUS_BROKER_ERROR';

/**
 * Code of the retryable error publish() rejects with when the broker refuses the
 * destination itself (not found, not allowed): a problem of the route or its permissions,
 * not of the message, so callers wait instead of counting it against the message.
 */
export const BUS_DESTINATION_REFUSED = 'BUS_DESTINATION_REFUSED';

export type MessageHandler = (message: ReceivedMessage) => Promise<void>;

export interface Subscription {
  /** Stop receiving; waits for in-flight handlers to settle (ack or release). */
  close(): Promise<void>;
}

export interface Bus {
  /** Connects (with retries, per implementation). */
  connect(): Promise<void>;
  publish(destination: string, body: string | Buffer, options?: PublishOptions): Promise<void>;
  subscribe(destination: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** True while the bus can publish and deliver. Feeds /readyz. */
  isConnected(): boolean;
  /** Closes subscriptions (waiting for in-flight handlers) and the connection. */
  close(): Promise<void>;
}

/** Header names the platform uses on every message. */
export const HEADER = {
  idempotencyKey: 'idempotency-key',
  attempt: 'x-attempt',
  deadLetterReason: 'x-dead-letter-reason',
  deadLetterCode: 'x-dead-letter-code',
  originalDestination: 'x-original-destination',
  contentType: 'content-type',
} as const;
