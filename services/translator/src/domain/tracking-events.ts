/**
 * The tracking events of one translated file: its outcome, its transaction sets with what the
 * 999 said of each, the claims its 837s submitted (and the 999's word on them), and the claim
 * statuses its 277CAs and 835s report. Pure: the translator gathers the facts, this shapes them.
 */
import type { TrackingEvent } from '@ediflow/tracking';
import type { ClaimFacts } from './claim-facts';

export interface TrackedSet {
  isa13: string;
  gs06: string;
  st02: string;
  setId: string;
  guide?: string;
  /** 1-based position in its interchange. */
  position: number;
  status: 'accepted' | 'accepted_with_errors' | 'rejected';
  codes: string[];
  /** The set's transaction id (without a claim id): the key its documents and claims hang on. */
  transactionId: string;
  claims?: ClaimFacts;
  /** CLM01s a lenient partner's set held back (rejected in the 277CA, not published). */
  heldBack?: ReadonlySet<string>;
}

export interface TrackedFile {
  fileId: string;
  partnerId: string;
  state: 'translated' | 'rejected';
  /** TA1 per interchange: A, or R/E with the note code. */
  ta1: string[];
  /** AK9 per group. */
  groups999: string[];
  accepted: number;
  rejected: number;
  reasonCode?: string;
  at: string;
}

export function trackingEventsFor(file: TrackedFile, sets: readonly TrackedSet[]): TrackingEvent[] {
  const { fileId, partnerId, at } = file;
  const events: TrackingEvent[] = [
    {
      kind: 'file',
      fileId,
      partnerId,
      state: file.state,
      ta1: file.ta1,
      groups999: file.groups999,
      transactions: { accepted: file.accepted, rejected: file.rejected },
      ...(file.reasonCode !== undefined ? { reasonCode: file.reasonCode } : {}),
      at,
    },
  ];
  if (sets.length > 0) {
    events.push({
      kind: 'transactions',
      fileId,
      partnerId,
      at,
      sets: sets.map((s) => ({
        transactionId: s.status === 'rejected' ? undefined : s.transactionId,
        isa13: s.isa13,
        gs06: s.gs06,
        st02: s.st02,
        setId: s.setId,
        guide: s.guide,
        position: s.position,
        status: s.status,
        codes: s.codes,
      })),
    });
  }
  for (const s of sets) {
    if (s.claims === undefined || s.claims.claims.length === 0) continue;
    if (s.claims.source === '837') {
      events.push({ kind: 'claims', fileId, partnerId, source: '837', setKey: s.transactionId, claims: s.claims.claims, at });
      events.push({
        kind: 'claims',
        fileId,
        partnerId,
        source: '999',
        setKey: s.transactionId,
        at,
        claims: s.claims.claims.map((c) => {
          const rejected = s.status === 'rejected' || (s.heldBack?.has(c.claimNumber) ?? false);
          return { claimNumber: c.claimNumber, providerId: c.providerId, status: rejected ? 'rejected' : 'accepted', codes: rejected ? s.codes : [] };
        }),
      });
    } else if (s.status !== 'rejected') {
      // A payer's statuses count only from a set the 999 accepted.
      events.push({ kind: 'claims', fileId, partnerId, source: s.claims.source, setKey: s.transactionId, claims: s.claims.claims, at });
    }
  }
  return events;
}
