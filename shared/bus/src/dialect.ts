/**
 * What differs between the brokers that speak STOMP (pure data and functions, no I/O).
 * Facts checked on the brokers where noted; the routes reference in services/bridge
 * documents them for users.
 */
import type { Headers } from './port';

export const BROKER_KINDS = ['activemq', 'rabbitmq', 'artemis', 'generic'] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];

export interface StompDialect {
  readonly kind: BrokerKind;
  /**
   * CONNECT `host` header when the endpoint sets none. RabbitMQ reads it as the virtual
   * host (default "/"); the others take the broker's host name.
   */
  connectHost(endpointHost: string): string;
  /** SUBSCRIBE headers that bound the unacknowledged messages the broker hands out. */
  prefetchHeaders(prefetch: number): Headers;
  /**
   * The STOMP destination for a configured one: a destination that starts with "/" is sent
   * as written (`/queue/`, `/topic/`, `/exchange/`, `/amq/queue/`, `/temp-queue/`...); a bare
   * name is a queue (`/queue/<name>`) on ActiveMQ and RabbitMQ and an address as written on
   * Artemis and other brokers.
   */
  destination(name: string): string;
  /**
   * Whether a received frame is bytes rather than text. ActiveMQ and Artemis add a
   * content-length only to BytesMessages; RabbitMQ adds one to every frame, so there (and on
   * unknown brokers) the content type decides.
   */
  isBinary(headers: Headers): boolean;
  /** Whether the broker evaluates a JMS `selector` on SUBSCRIBE (otherwise it ignores it). */
  readonly selectors: boolean;
  /**
   * A header that names the message and stays the same when the broker delivers it again,
   * if the broker has one. RabbitMQ's `message-id` is made per delivery: it has none.
   */
  readonly stableIdHeader: string | undefined;
}

/** Text content types: text/*, JSON and XML (with or without parameters). */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/xml' ||
    type.endsWith('+json') ||
    type.endsWith('+xml') ||
    type === 'application/x-ndjson' ||
    type === 'application/edi-x12'
  );
}

const asQueue = (name: string): string => (name.startsWith('/') ? name : `/queue/${name}`);
const asWritten = (name: string): string => name;
const byContentLength = (headers: Headers): boolean => headers['content-length'] !== undefined;
const byContentType = (headers: Headers): boolean => !isTextContentType(headers['content-type']);

const DIALECTS: Record<BrokerKind, StompDialect> = {
  activemq: {
    kind: 'activemq',
    connectHost: (host) => host,
    prefetchHeaders: (n) => ({ 'activemq.prefetchSize': String(n) }),
    destination: asQueue,
    isBinary: byContentLength,
    selectors: true,
    stableIdHeader: 'message-id',
  },
  rabbitmq: {
    kind: 'rabbitmq',
    connectHost: () => '/',
    prefetchHeaders: (n) => ({ 'prefetch-count': String(n) }),
    destination: asQueue,
    isBinary: byContentType,
    selectors: false,
    // Set only when the producer gave the AMQP message-id property; per-delivery ids are in message-id.
    stableIdHeader: 'amqp-message-id',
  },
  artemis: {
    kind: 'artemis',
    connectHost: (host) => host,
    // Artemis (2.16+) counts its STOMP window in bytes: prefetch 1 KiB messages.
    prefetchHeaders: (n) => ({ 'consumer-window-size': String(n * 1024) }),
    destination: asWritten,
    isBinary: byContentLength,
    selectors: true,
    stableIdHeader: 'message-id',
  },
  generic: {
    kind: 'generic',
    connectHost: (host) => host,
    prefetchHeaders: () => ({}),
    destination: asWritten,
    isBinary: byContentType,
    selectors: false,
    stableIdHeader: undefined,
  },
};

export function stompDialect(kind: BrokerKind = 'activemq'): StompDialect {
  return DIALECTS[kind];
}
