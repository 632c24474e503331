/**
 * The claim lifecycle 837 -> 999 -> 277CA -> 835 as ranks: a claim's status is its event with
 * the highest rank (the latest of those), so events applied out of order (an 835 before its
 * 277CA) still end in the right state. Pure.
 */
import { createHash } from 'node:crypto';
import type { ClaimStatus } from '@ediflow/tracking';

export const STATUS_RANK: Record<ClaimStatus, number> = {
  submitted: 0,
  accepted: 1,
  rejected: 1,
  acknowledged: 2,
  rejected_by_payer: 2,
  paid: 3,
  partially_paid: 3,
  denied: 3,
  adjusted: 3,
  reversed: 4,
};

/** A file's states: received first, then one terminal state that a later 'received' does not undo. */
export const FILE_STATE_RANK: Record<string, number> = { received: 0, translated: 1, rejected: 1, quarantined: 1 };

/** A callback's outcomes: delivered wins over everything, a replay over its dead letter. */
export const CALLBACK_OUTCOME_RANK: Record<string, number> = { failed: 0, dead_lettered: 1, replayed: 2, delivered: 3 };

/** The claim's id in tracking: the submitting partner, CLM01 and the billing provider, hashed. */
export function claimKeyOf(partnerId: string, claimNumber: string, providerId: string | undefined): string {
  return createHash('sha256').update([partnerId, claimNumber, providerId ?? ''].join('\u001f')).digest('hex');
}

/**
 * The id of one claim's event: what reported it (837, 999, 277CA, 835), the transaction set it
 * is in (its transaction id, from the set's own bytes), its position there and the status. Not
 * the file: the same set sent again in another file (a replay) adds nothing to the timeline.
 */
export function claimEventKeyOf(source: string, setKey: string, index: number, status: string): string {
  return createHash('sha256').update([source, setKey, String(index), status].join('\u001f')).digest('hex');
}

export interface ClaimCandidate {
  claimKey: string;
  providerId: string | null;
  submittedAt: Date;
}

/**
 * The claim a payer's 277CA or 835 entry speaks of, among the claims with its claim number:
 * the provider must agree when both sides name one; of several, the latest submitted.
 * Undefined: unmatched (recorded, shown, matched when the 837 arrives).
 */
export function matchClaim(candidates: readonly ClaimCandidate[], providerId: string | undefined): string | undefined {
  const fitting = candidates.filter((c) => providerId === undefined || c.providerId === null || c.providerId === providerId);
  if (fitting.length === 0) return undefined;
  return fitting.reduce((a, b) => (b.submittedAt.getTime() > a.submittedAt.getTime() ? b : a)).claimKey;
}
