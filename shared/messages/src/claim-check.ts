import type { Bus } from '@ediflow/bus';
import type { ObjectStore } from '@ediflow/store';
import { InvalidInputError } from '@ediflow/errors';
import { type Envelope } from './envelope';
import { KEYS } from './catalogue';

/** Default body size above which the body goes to the object store (DESIGN.md: 256 KB). */
export const DEFAULT_INLINE_LIMIT_BYTES = 256 * 1024;

export interface PublishEnvelopeDeps {
  bus: Bus;
  store: ObjectStore;
  inlineLimitBytes?: number;
}

/**
 * A body already serialised as JSON (e.g. by @ediflow/hipaa's byte writer), as text or as its
 * UTF-8 bytes: published as it is, where a plain body would go through JSON.stringify. Bytes
 * go to the object store (claim-check) without being decoded; only a body small enough to ride
 * in the frame is.
 */
const CLOSE = Buffer.from('}');

export class JsonText {
  constructor(readonly json: string | Buffer) {}
}

/**
 * Publishes an envelope with `persistent` delivery and its id as idempotency key.
 * A body over the limit is written to the object store first (claim-check) and the
 * message carries `bodyRef`; the broker frame stays small. Resolves after the broker's receipt.
 */
export async function publishEnvelope(
  deps: PublishEnvelopeDeps,
  destination: string,
  envelope: Envelope,
  headers: Record<string, string> = {},
): Promise<void> {
  const limit = deps.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT_BYTES;
  // The body is serialised once: measured, then either stored (claim-check) or spliced into the frame.
  const { body, ...rest } = envelope;
  const head = JSON.stringify(rest);
  let frame: string | Buffer = head;
  if (body !== undefined) {
    const bodyJson = body instanceof JsonText ? body.json : JSON.stringify(body);
    const size = typeof bodyJson === 'string' ? Buffer.byteLength(bodyJson) : bodyJson.length;
    if (Buffer.byteLength(head) + size > limit) {
      const bodyRef = KEYS.messageBody(envelope.id);
      await deps.store.put(bodyRef, bodyJson, { contentType: 'application/json' });
      frame = JSON.stringify({ ...rest, bodyRef });
    } else {
      // bytes stay bytes: decoding a large body to a string and the bus encoding it again cost more than the rest of publishing
      frame = typeof bodyJson === 'string'
        ? `${head.slice(0, -1)},"body":${bodyJson}}`
        : Buffer.concat([Buffer.from(`${head.slice(0, -1)},"body":`, 'utf8'), bodyJson, CLOSE]);
    }
  }
  await deps.bus.publish(destination, frame, { headers: { 'idempotency-key': envelope.id, ...headers } });
}

/** Returns the envelope's body, reading it from the object store when it was claim-checked. */
export async function resolveBody<B>(store: ObjectStore, envelope: Envelope<B>): Promise<B> {
  if (envelope.body !== undefined) return envelope.body;
  if (envelope.bodyRef === undefined) throw new InvalidInputError('MESSAGE_NO_BODY', 'message has neither body nor bodyRef');
  const { body } = await store.get(envelope.bodyRef);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as B;
}
