/**
 * Dead letters: one JSON object per (message, subscription) under
 * `deadletters/notifier/<messageId>/<subscriptionId>.json`. Keys hold ids only
 * (message ids are hashes, subscription ids are slugs). The record keeps the
 * original envelope frame so a replay sends the same document with the same
 * idempotency key; the reason is a code and a sentence without PHI.
 */
import { KEYS } from '@ediflow/messages';

export const DEAD_LETTER_PREFIX = KEYS.deadLetters('notifier');
export const REPLAYED_PREFIX = KEYS.replayedDeadLetters('notifier');

export interface DeadLetter {
  version: 1;
  messageId: string;
  subscriptionId: string;
  partnerId: string;
  fileId: string;
  /** Stable failure code: HTTP_400, HTTP_503, TIMEOUT, CONNECTION_RESET, CIRCUIT_OPEN, ... */
  code: string;
  /** PHI-free sentence. */
  reason: string;
  attempts: number;
  /** Last HTTP status, when the endpoint answered. */
  lastStatus?: number;
  firstAttemptAt: string;
  deadLetteredAt: string;
  /** How often this delivery was replayed before (0 for the first dead letter). */
  replays: number;
  /** Group id for ordered delivery, when set. */
  groupId?: string;
  /** The envelope as received (inline body or bodyRef). Stored encrypted at rest (SSE-KMS). */
  envelope: string;
}

/**
 * A replayed delivery that fails again gets a new key (`~<replays>`), so removing the
 * replayed record can never remove the newer dead letter.
 */
export function deadLetterKey(messageId: string, subscriptionId: string, replays = 0): string {
  return `${DEAD_LETTER_PREFIX}${messageId}/${subscriptionId}${replays > 0 ? `~${replays}` : ''}.json`;
}

export function replayedKey(messageId: string, subscriptionId: string, replays: number): string {
  return `${REPLAYED_PREFIX}${messageId}/${subscriptionId}~${replays}.json`;
}

/** Which dead letters to list or replay. All given fields must match. */
export interface DeadLetterFilter {
  messageIds?: string[];
  subscriptionId?: string;
  partnerId?: string;
  code?: string;
  /** Dead-lettered at or after / before (ISO). */
  since?: string;
  until?: string;
  /** At most this many (default 1000). */
  limit?: number;
}

export function matchesFilter(d: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.messageIds && !f.messageIds.includes(d.messageId)) return false;
  if (f.subscriptionId !== undefined && d.subscriptionId !== f.subscriptionId) return false;
  if (f.partnerId !== undefined && d.partnerId !== f.partnerId) return false;
  if (f.code !== undefined && d.code !== f.code) return false;
  if (f.since !== undefined && d.deadLetteredAt < new Date(f.since).toISOString()) return false;
  if (f.until !== undefined && d.deadLetteredAt >= new Date(f.until).toISOString()) return false;
  return true;
}

/** A dead letter without the envelope, for listings. */
export type DeadLetterSummary = Omit<DeadLetter, 'envelope'>;

export function summarize(d: DeadLetter): DeadLetterSummary {
  const { envelope: _envelope, ...rest } = d;
  return rest;
}
