import { z } from 'zod';
import { InvalidInputError } from '@ediflow/errors';

/**
 * Every message body on the bus is one JSON envelope (DESIGN.md "Messages").
 * `id` is the idempotency key, derived from the data, never random.
 * Exactly one of `body` (inline) and `bodyRef` (claim-check key in the object store) is set.
 */
export const envelopeSchema = z
  .object({
    type: z.string().min(1),
    version: z.number().int().positive(),
    id: z.string().min(1),
    fileId: z.string().min(1),
    partnerId: z.string().min(1),
    occurredAt: z.string().datetime(),
    body: z.unknown().optional(),
    bodyRef: z.string().min(1).optional(),
  })
  .refine((m) => (m.body === undefined) !== (m.bodyRef === undefined), {
    message: 'exactly one of body and bodyRef must be set',
  });

export interface Envelope<B = unknown> {
  type: string;
  version: number;
  id: string;
  fileId: string;
  partnerId: string;
  occurredAt: string;
  body?: B;
  bodyRef?: string;
}

/** Parses and validates an envelope from raw message bytes. Errors name the field, never its value. */
export function decodeEnvelope(raw: Buffer | string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (cause) {
    throw new InvalidInputError('MESSAGE_NOT_JSON', 'message body is not JSON', { cause });
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new InvalidInputError('MESSAGE_INVALID', `message envelope invalid at: ${fields}`);
  }
  return parsed.data as Envelope;
}

/**
 * inflight/<fileId>.json: a received file still waiting for its translation's outcome, with
 * the FileReceived message to publish again if none comes (see the ingest reconciler).
 */
export interface InflightMarker {
  envelope: Envelope;
  /** How many times the reconciler published it again. */
  republished: number;
  /** When it last did (ISO time). */
  republishedAt?: string;
}
