/**
 * Tracking events: what ingest, translator and notifier already know about a file, its
 * transaction sets, its claims and its callbacks, sent to the tracking service on the bus
 * (DESTINATIONS.tracking). Each event has a data-derived id, so a replayed file or a
 * redelivered message yields the same events and the tracking store applies each once.
 *
 * Only what matching and search need is carried: control numbers, ids, codes, amounts and
 * dates; never names, birth dates, addresses or member ids.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

const iso = z.iso.datetime();
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount');
const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** A file's step: received by ingest, quarantined by ingest, or its translation's outcome. */
export const fileEventSchema = z.object({
  kind: z.literal('file'),
  fileId: z.string().min(1),
  partnerId: z.string().min(1),
  state: z.enum(['received', 'quarantined', 'translated', 'rejected']),
  channel: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  /** The upload's etag: a digest of its bytes. */
  digest: z.string().optional(),
  reasonCode: z.string().optional(),
  /** TA1 answers per interchange, e.g. ["A"] or ["R:025"]. */
  ta1: z.array(z.string()).optional(),
  /** AK9 answers per group (A, E, P, R). */
  groups999: z.array(z.string()).optional(),
  transactions: z.object({ accepted: z.number().int(), rejected: z.number().int() }).optional(),
  at: iso,
});

/** The transaction sets of a file and what the 999 said of each. */
export const transactionsEventSchema = z.object({
  kind: z.literal('transactions'),
  fileId: z.string().min(1),
  partnerId: z.string().min(1),
  sets: z.array(
    z.object({
      /** The id the set's TransactionTranslated carried (absent for a rejected set). */
      transactionId: z.string().optional(),
      isa13: z.string(),
      gs06: z.string(),
      st02: z.string(),
      setId: z.string(),
      guide: z.string().optional(),
      position: z.number().int().positive(),
      status: z.enum(['accepted', 'accepted_with_errors', 'rejected']),
      /** IK5/AK5 and issue codes. */
      codes: z.array(z.string()),
    }),
  ),
  at: iso,
});

/** Where a claim's status came from, and the statuses each source gives. */
export const CLAIM_STATUSES = {
  '837': ['submitted'],
  '999': ['accepted', 'rejected'],
  '277CA': ['acknowledged', 'rejected_by_payer'],
  '835': ['paid', 'partially_paid', 'denied', 'reversed', 'adjusted'],
} as const;

export const claimStatusSchema = z.enum(['submitted', 'accepted', 'rejected', 'acknowledged', 'rejected_by_payer', 'paid', 'partially_paid', 'denied', 'reversed', 'adjusted']);
export type ClaimStatus = z.infer<typeof claimStatusSchema>;

export const claimEntrySchema = z.object({
  /** CLM01 (837), TRN02 of the claim (277CA), CLP01 (835): the patient control number. */
  claimNumber: z.string().min(1),
  /** Billing provider id (837 NM1*85, 277CA NM1*85 / 1P, 835 payee N1*PE): narrows the match. */
  providerId: z.string().optional(),
  status: claimStatusSchema,
  codes: z.array(z.string()).default([]),
  billedAmount: amount.optional(),
  paidAmount: amount.optional(),
  serviceDateFrom: ymd.optional(),
  serviceDateTo: ymd.optional(),
  payerId: z.string().optional(),
  payerClaimControlNumber: z.string().optional(),
  /** Check or EFT trace number (835 TRN02). */
  traceNumber: z.string().optional(),
});
export type ClaimEntry = z.infer<typeof claimEntrySchema>;

/** Claims seen in one transaction set: submitted (837), or a status from a 999, 277CA or 835. */
export const claimsEventSchema = z.object({
  kind: z.literal('claims'),
  fileId: z.string().min(1),
  partnerId: z.string().min(1),
  source: z.enum(['837', '999', '277CA', '835']),
  /** The set the claims came from (its transaction id, or file + position when it was rejected). */
  setKey: z.string().min(1),
  claims: z.array(claimEntrySchema),
  at: iso,
});

/** A callback's delivery to one subscription. */
export const callbackEventSchema = z.object({
  kind: z.literal('callback'),
  messageId: z.string().min(1),
  subscriptionId: z.string().min(1),
  partnerId: z.string().min(1),
  fileId: z.string().min(1),
  outcome: z.enum(['delivered', 'failed', 'dead_lettered', 'replayed']),
  attempt: z.number().int().positive(),
  latencyMs: z.number().int().nonnegative().optional(),
  code: z.string().optional(),
  at: iso,
});

export const trackingEventSchema = z.discriminatedUnion('kind', [fileEventSchema, transactionsEventSchema, claimsEventSchema, callbackEventSchema]);
export type TrackingEvent = z.infer<typeof trackingEventSchema>;
export type FileEvent = z.infer<typeof fileEventSchema>;
export type TransactionsEvent = z.infer<typeof transactionsEventSchema>;
export type ClaimsEvent = z.infer<typeof claimsEventSchema>;
export type CallbackEvent = z.infer<typeof callbackEventSchema>;

/**
 * The event's id: its content without the time, hashed. The same step seen again (a replayed
 * file, a redelivered message) gives the same id; the time it was seen does not count.
 */
export function trackingEventId(event: TrackingEvent): string {
  const { at: _at, ...rest } = event;
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

/** JSON with object keys sorted, so equal content gives equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
