/**
 * The shapes the console reads from tracking's API and the notifier's dead-letter admin: their
 * own published types (type-only imports; the console talks to them over HTTP). Identifiers,
 * codes, states, counts and amounts only: no bodies.
 */
import type { ClaimDetail as TrackedClaim, ClaimView, FileDetail as TrackedFile, FileView, SetView } from '@ediflow/tracking-service';
import type { DeadLetterFilter, DeadLetterSummary, ReplayReport } from '@ediflow/notifier';

export type FileRow = FileView;
export type SetRow = SetView;
export type FileDetail = TrackedFile;
export type ClaimRow = ClaimView;
export type ClaimDetail = TrackedClaim;

export interface FilePage {
  items: FileRow[];
  nextCursor?: string;
}

export interface ClaimPage {
  items: ClaimRow[];
  nextCursor?: string;
}

/** A dead-letter filter as the console's forms give it (ids are added for a selection). */
export type DeadLetterQuery = Omit<DeadLetterFilter, 'messageIds'>;
export type DeadLetterRow = DeadLetterSummary;
export type ReplayResult = ReplayReport;

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
