/**
 * What the bridge sends for one source message (pure): target headers, the idempotency
 * key, the ordering lane, or the reason the message is poison.
 */
import { createHash } from 'node:crypto';
import { HEADER, type Headers, type ReceivedMessage } from '@ediflow/bus';
import { groupHeadersOf, normalizeDestination, type RouteConfig } from './routes';

export const GROUP_HEADER = 'JMSXGroupID';
export const REPLY_TO_HEADER = 'reply-to';
export const ROUTE_HEADER = 'x-bridge-route';

/**
 * Headers that belong to one STOMP delivery or that the broker sets itself (lower case):
 * never copied to the target. JMS headers that STOMP can carry (correlation-id, reply-to,
 * type, priority, expires, JMSXGroupID, JMSXGroupSeq) and application properties pass.
 */
const TRANSPORT_HEADERS = new Set([
  'destination', 'message-id', 'subscription', 'ack', 'receipt', 'redelivered', 'content-length', 'content-type',
  'persistent', 'timestamp', 'transformation', 'transformation-error', 'jmsxgroupfirstforconsumer',
  'amq_scheduled_delay', 'amq_scheduled_period', 'amq_scheduled_repeat', 'amq_scheduled_cron', 'scheduledjobid',
  'jmsxdeliverycount', 'x-delivery-count',
  HEADER.attempt, HEADER.idempotencyKey,
]);

/** Where a source's keys come from: its broker id and the header (if any) that names a message across redeliveries. */
export interface KeySource {
  brokerId: string;
  /** e.g. ActiveMQ's message-id; RabbitMQ's STOMP message-id is per delivery, so there it is amqp-message-id. */
  stableIdHeader: string | undefined;
}

export type ForwardPlan =
  | {
      kind: 'send';
      destination: string;
      body: Buffer;
      binary: boolean;
      contentType: string;
      headers: Headers;
      idempotencyKey: string;
      /** Messages with the same lane are sent one at a time in arrival order; undefined: no ordering. */
      lane: string | undefined;
    }
  | { kind: 'poison'; code: string; reason: string; idempotencyKey: string };

/**
 * The message's idempotency key, the same every time the broker delivers the message:
 * 1. the producer's `idempotency-key` header when it has one (1 to 1024 characters);
 * 2. else, where the source broker names a message the same on every delivery (its
 *    stableIdHeader), sha256(broker id, destination, that id) in hex;
 * 3. else sha256(broker id, destination, the application headers sorted by name, the body):
 *    never a per-delivery id. Two messages with the same headers and body then share a key.
 */
export function idempotencyKeyOf(source: KeySource, message: Pick<ReceivedMessage, 'destination' | 'headers' | 'body'>): string {
  const given = message.headers[HEADER.idempotencyKey];
  if (given !== undefined && given.length > 0 && given.length <= 1024) return given;
  const hash = createHash('sha256');
  hash.update(`${source.brokerId}\n${normalizeDestination(message.destination)}\n`);
  const messageId = source.stableIdHeader === undefined ? undefined : message.headers[source.stableIdHeader];
  if (messageId !== undefined && messageId.length > 0) {
    hash.update(messageId);
  } else {
    for (const name of Object.keys(message.headers).sort()) {
      if (!TRANSPORT_HEADERS.has(name.toLowerCase())) hash.update(`${name}:${message.headers[name]}\n`);
    }
    hash.update('\n');
    hash.update(message.body);
  }
  return hash.digest('hex');
}

/** Application headers of a source message, as received (for the dead-letter copy). */
export function applicationHeaders(headers: Headers): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

function findHeader(headers: Headers, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Maps one source message onto the route's target (pure). */
export function planForward(route: RouteConfig, source: KeySource, message: ReceivedMessage): ForwardPlan {
  const idempotencyKey = idempotencyKeyOf(source, message);
  const poison = (code: string, reason: string): ForwardPlan => ({ kind: 'poison', code, reason, idempotencyKey });
  const binary = message.binary ?? false;

  if (message.body.length > route.maxBodyBytes) {
    return poison('BRIDGE_TOO_LARGE', `body of ${message.body.length} bytes is over the route limit of ${route.maxBodyBytes}`);
  }
  if (!binary && message.body.includes(0)) {
    return poison('BRIDGE_TEXT_HAS_NUL', 'a text message body contains a NUL byte');
  }
  const mapping = route.headers;
  for (const required of mapping.required) {
    if (findHeader(message.headers, required) === undefined) return poison('BRIDGE_MISSING_HEADER', `required header "${required}" is missing`);
  }

  const sourceHeaders = applicationHeaders(message.headers);
  const copy = mapping.copy === 'all' ? null : new Set(mapping.copy.map((h) => h.toLowerCase()));
  const drop = new Set(mapping.drop.map((h) => h.toLowerCase()));
  const renames = new Map(Object.entries(mapping.rename).map(([from, to]) => [from.toLowerCase(), to]));
  const headers: Headers = {};
  for (const [name, value] of Object.entries(sourceHeaders)) {
    const lower = name.toLowerCase();
    if (drop.has(lower)) continue;
    const renamed = renames.get(lower);
    if (copy !== null && !copy.has(lower) && renamed === undefined) continue;
    headers[renamed ?? name] = value;
  }

  const replyTo = findHeader(headers, REPLY_TO_HEADER);
  if (replyTo !== undefined) {
    const mapped = mapping.replyTo[replyTo] ?? mapping.replyTo[normalizeDestination(replyTo)];
    for (const k of Object.keys(headers)) if (k.toLowerCase() === REPLY_TO_HEADER) delete headers[k];
    if (mapped !== undefined) headers[REPLY_TO_HEADER] = mapped;
    else if (mapping.unmappedReplyTo === 'keep') headers[REPLY_TO_HEADER] = replyTo;
    else if (mapping.unmappedReplyTo === 'reject') return poison('BRIDGE_UNMAPPED_REPLY_TO', 'the reply-to destination has no mapping on this route');
  }

  Object.assign(headers, mapping.set);
  headers[HEADER.idempotencyKey] = idempotencyKey;
  headers[ROUTE_HEADER] = route.name;

  let group: string | undefined;
  for (const name of groupHeadersOf(route)) {
    group ??= findHeader(headers, name) ?? findHeader(sourceHeaders, name);
  }
  const lane = route.order === 'all' ? '*' : group === undefined ? undefined : `g:${group}`;
  return {
    kind: 'send',
    destination: route.to.destination,
    body: message.body,
    binary,
    contentType: message.headers[HEADER.contentType] ?? (binary ? 'application/octet-stream' : 'text/plain'),
    headers,
    idempotencyKey,
    lane,
  };
}
