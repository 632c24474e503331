/**
 * The shapes the console reads from tracking's API and the notifier's dead-letter admin, as
 * far as the pages use them. Identifiers, codes, states, counts and amounts only: no bodies.
 */
export interface FileRow {
  fileId: string;
  partnerId: string;
  state: string;
  channel: string | null;
  reasonCode: string | null;
  transactions: { accepted: number | null; rejected: number | null };
  receivedAt: string | null;
  quarantinedAt: string | null;
  finishedAt: string | null;
}

export interface FilePage {
  items: FileRow[];
  nextCursor?: string;
}

export interface SetRow {
  transactionId: string | null;
  fileId: string;
  partnerId: string;
  isa13: string;
  gs06: string;
  st02: string;
  setId: string;
  guide: string | null;
  position: number;
  status: string;
  codes: string[];
  recordedAt: string | null;
}

export interface CallbackRow {
  messageId: string;
  subscriptionId: string;
  attempts: number;
  outcome: string;
  latencyMs: number | null;
  code: string | null;
  lastAttemptAt: string | null;
}

export interface FileDetail extends FileRow {
  acknowledgments: { ta1: string[]; groups999: string[] };
  transactionSets: SetRow[];
  claims: number;
  callbacks: CallbackRow[];
}

export interface ClaimRow {
  claimId: string;
  partnerId: string;
  claimNumber: string;
  billedAmount: string | null;
  status: string;
  paidAmount: string | null;
  fileId: string;
  submittedAt: string | null;
  updatedAt: string | null;
}

export interface ClaimPage {
  items: ClaimRow[];
  nextCursor?: string;
}

export interface ClaimEvent {
  source: string;
  status: string;
  codes: string[];
  billedAmount: string | null;
  paidAmount: string | null;
  traceNumber: string | null;
  fileId: string;
  occurredAt: string | null;
}

export interface ClaimDetail extends ClaimRow {
  payerClaimControlNumber: string | null;
  traceNumber: string | null;
  timeline: ClaimEvent[];
}

export interface DeadLetterQuery {
  subscriptionId?: string;
  partnerId?: string;
  code?: string;
  since?: string;
  until?: string;
  limit?: number;
}

export interface DeadLetterRow {
  messageId: string;
  subscriptionId: string;
  partnerId: string;
  fileId: string;
  code: string;
  reason: string;
  attempts: number;
  lastStatus?: number;
  firstAttemptAt: string;
  deadLetteredAt: string;
  replays: number;
}

export interface ReplayResult {
  replayed: { messageId: string; subscriptionId: string }[];
  failed: { messageId: string; subscriptionId: string; code: string }[];
}

/** A search box's input: which identifier the value is. */
export type SearchKind = 'isa13' | 'gs06' | 'st02' | 'file' | 'claim';

export const SEARCH_KINDS: readonly SearchKind[] = ['isa13', 'gs06', 'st02', 'file', 'claim'];

/** Files grouped by partner and UTC day of receipt, with a count per state, newest day first. */
export function filesByPartnerDay(files: readonly FileRow[]): { partnerId: string; day: string; counts: Record<string, number>; files: FileRow[] }[] {
  const groups = new Map<string, { partnerId: string; day: string; counts: Record<string, number>; files: FileRow[] }>();
  for (const f of files) {
    const day = (f.receivedAt ?? f.quarantinedAt ?? f.finishedAt ?? '').slice(0, 10) || 'unknown';
    const key = `${day}|${f.partnerId}`;
    let g = groups.get(key);
    if (!g) {
      g = { partnerId: f.partnerId, day, counts: {}, files: [] };
      groups.set(key, g);
    }
    g.counts[f.state] = (g.counts[f.state] ?? 0) + 1;
    g.files.push(f);
  }
  return [...groups.values()].sort((a, b) => b.day.localeCompare(a.day) || a.partnerId.localeCompare(b.partnerId));
}
