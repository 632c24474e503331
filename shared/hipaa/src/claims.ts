/**
 * Claims of an 837 document and the decision on each (lenient mode): an issue inside a claim
 * (2300 and below) rejects that claim; an issue above it (header, billing provider, subscriber,
 * patient levels) rejects every claim below that level. Good claims go on.
 */
import type { TransactionSet, X12Issue } from '@ediflow/x12';
import type { RtLoop } from './definition';
import { compiledGuide } from './guides';
import { segmentElements, type JsonObject, type JsonValue } from './segment-json';
import { semanticClaimsJsonBytes, type ClaimJson } from './json-writer';
import { translateTransaction, type SemanticDocument, type TranslateContext } from './translate';
import type { LoopSource } from './walk';

const isObject = (v: JsonValue | undefined): v is JsonObject => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** Element arrays (index 0 = id) of the segments with this id (and qualifier in element 1, when given) in one loop instance. */
export function segmentsIn(loop: RtLoop, obj: JsonObject, id: string, qualifier?: string): string[][] {
  const out: string[][] = [];
  const d = { element: '*', component: ':', repetition: '^', segment: '~' };
  for (const c of loop.children) {
    if (c.kind !== 'segment' || c.id !== id) continue;
    const v = obj[c.def.key];
    for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
      if (!isObject(item)) continue;
      const els = segmentElements(item, c.def, d);
      if (qualifier === undefined || els[1] === qualifier) out.push(els);
    }
  }
  return out;
}

function childLoops(loop: RtLoop, obj: JsonObject, id: string): { rt: RtLoop; obj: JsonObject }[] {
  const out: { rt: RtLoop; obj: JsonObject }[] = [];
  for (const c of loop.children) {
    if (c.kind !== 'loop' || c.id !== id) continue;
    const v = obj[c.def.key];
    for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) if (isObject(item)) out.push({ rt: c, obj: item });
  }
  return out;
}

const first = (segs: string[][], n: number): string => (segs.length > 0 && n < segs[0].length ? segs[0][n] : '');
const sourceOf = (o: JsonObject): LoopSource => o.source as unknown as LoopSource;

export interface ClaimInfo {
  /** 1-based number of the claim in the transaction set. */
  index: number;
  /** CLM01 (patient control number). */
  claimId: string;
  /** CLM02 as sent. */
  chargeAmount: string;
  /** Segment numbers of the 2300 loop. */
  source: LoopSource;
  /** Segment numbers of the enclosing loops (2000A, 2000B, 2000C), outermost first. */
  ancestors: LoopSource[];
  billingProvider: { name: string; idQualifier: string; id: string; taxId: string; source: LoopSource };
  patient: { lastName: string; firstName: string; middleName: string; idQualifier: string; id: string };
  /** Earliest and latest service date (CCYYMMDD) found on the claim or its lines. */
  serviceDates: { from: string; to: string } | undefined;
}

/** The claims (2300 loops) of an 837 document, in order. */
export function listClaims(doc: SemanticDocument): ClaimInfo[] {
  if (doc.transactionSet !== '837') return [];
  const g = compiledGuide(doc.guide);
  const root = g.root;
  const out: ClaimInfo[] = [];
  for (const bp of childLoops(root, doc.transaction, '2000A')) {
    const nm = childLoops(bp.rt, bp.obj, '2010AA')[0];
    const nm1 = nm === undefined ? [] : segmentsIn(nm.rt, nm.obj, 'NM1');
    const ref = nm === undefined ? [] : segmentsIn(nm.rt, nm.obj, 'REF', 'EI');
    const billingProvider = { name: first(nm1, 3), idQualifier: first(nm1, 8), id: first(nm1, 9), taxId: first(ref, 2), source: sourceOf(bp.obj) };
    for (const sub of childLoops(bp.rt, bp.obj, '2000B')) {
      const sn = childLoops(sub.rt, sub.obj, '2010BA')[0];
      const snm = sn === undefined ? [] : segmentsIn(sn.rt, sn.obj, 'NM1');
      const subscriber = { lastName: first(snm, 3), firstName: first(snm, 4), middleName: first(snm, 5), idQualifier: first(snm, 8), id: first(snm, 9) };
      const add = (claims: { rt: RtLoop; obj: JsonObject }[], patient: ClaimInfo['patient'], ancestors: LoopSource[]): void => {
        for (const c of claims) {
          const clm = segmentsIn(c.rt, c.obj, 'CLM');
          const dates: string[] = [];
          const collect = (rt: RtLoop, o: JsonObject): void => {
            for (const d of segmentsIn(rt, o, 'DTP')) {
              if (d[1] !== '472' && d[1] !== '434') continue;
              for (const part of (d[3] ?? '').split('-')) if (/^\d{8}$/.test(part)) dates.push(part);
            }
          };
          collect(c.rt, c.obj);
          for (const line of childLoops(c.rt, c.obj, '2400')) collect(line.rt, line.obj);
          dates.sort();
          out.push({
            index: out.length + 1, claimId: first(clm, 1), chargeAmount: first(clm, 2), source: sourceOf(c.obj), ancestors,
            billingProvider, patient, serviceDates: dates.length > 0 ? { from: dates[0], to: dates[dates.length - 1] } : undefined,
          });
        }
      };
      add(childLoops(sub.rt, sub.obj, '2300'), subscriber, [sourceOf(bp.obj), sourceOf(sub.obj)]);
      for (const pat of childLoops(sub.rt, sub.obj, '2000C')) {
        const pn = childLoops(pat.rt, pat.obj, '2010CA')[0];
        const pnm = pn === undefined ? [] : segmentsIn(pn.rt, pn.obj, 'NM1');
        const patient = { lastName: first(pnm, 3), firstName: first(pnm, 4), middleName: first(pnm, 5), idQualifier: subscriber.idQualifier, id: subscriber.id };
        add(childLoops(pat.rt, pat.obj, '2300'), patient, [sourceOf(bp.obj), sourceOf(sub.obj), sourceOf(pat.obj)]);
      }
    }
  }
  return out;
}

/** A 277CA status: STC01-1 category, STC01-2 status, STC01-3 entity (claim status codes, external code source 507/508). */
export interface ClaimStatus {
  category: string;
  status: string;
  entity?: string;
}

export interface ClaimDecision extends ClaimInfo {
  accepted: boolean;
  /** Why it was rejected (empty when accepted). */
  statuses: ClaimStatus[];
  /** Issues that decided the rejection (for the 999 / logs; messages hold no element values). */
  issues: X12Issue[];
}

/** STC01-3 entity by the loop an issue is in. */
const ENTITY_BY_LOOP: Record<string, string> = {
  '2010AA': '85', '2010AB': '87', '2010BA': 'IL', '2010BB': 'PR', '2010CA': 'QC', '2310A': 'DN', '2310B': '82', '2310C': '77', '2310D': 'DQ', '2420A': '82',
};

/** Claim status for one issue: out-of-balance 400, otherwise 21 (missing or invalid information), category A7. */
export function statusFor(issue: X12Issue): ClaimStatus {
  const s: ClaimStatus = { category: 'A7', status: issue.code === 'GUIDE_BALANCE' ? '400' : '21' };
  const entity = issue.segment?.loopId !== undefined ? ENTITY_BY_LOOP[issue.segment.loopId] : undefined;
  if (entity !== undefined) s.entity = entity;
  return s;
}

/** A level above the claims (2000A, 2000B, 2000C instance) and the errors that sit in it and in no claim or deeper level. */
interface Level {
  src: LoopSource;
  errors: number[];
}

/**
 * Accept or reject each claim of an 837 document given the issues of its transaction set
 * (envelope + guide, errors only count). An issue inside a claim rejects that claim; one in a
 * level above the claims (billing provider, subscriber, patient: its own segments) rejects every
 * claim below that level and no other; one at transaction level or in the header rejects all.
 * Linear in claims and issues (sorted once): a large file with many errors stays fast.
 */
export function claimDecisions(doc: SemanticDocument, issues: readonly X12Issue[]): ClaimDecision[] {
  const claims = listClaims(doc);
  const errors = issues.filter((i) => i.severity === 'error');
  const at = (e: number): number => errors[e].segment?.position ?? 0;
  const levels = new Map<number, Level>();
  for (const c of claims) for (const a of c.ancestors) if (!levels.has(a.first)) levels.set(a.first, { src: a, errors: [] });
  // loop instances nest or are disjoint: in order of their first segment, a stack holds those around a position
  const ordered = [...levels.values()].sort((x, y) => x.src.first - y.src.first);
  const byFirst = claims.map((_, k) => k).sort((a, b) => claims[a].source.first - claims[b].source.first);
  /** The claim whose 2300 holds segment p, or -1 (claims do not overlap). */
  const claimAt = (p: number): number => {
    let lo = 0;
    let hi = byFirst.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (claims[byFirst[mid]].source.first <= p) {
        found = byFirst[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && p <= claims[found].source.last ? found : -1;
  };
  const own: number[][] = claims.map(() => []);
  const everywhere: number[] = [];
  const open: Level[] = [];
  let next = 0;
  for (const e of errors.map((_, k) => k).sort((a, b) => at(a) - at(b) || a - b)) {
    const p = at(e);
    if (p === 0) {
      everywhere.push(e); // transaction-level (counts, trailer)
      continue;
    }
    const k = claimAt(p);
    if (k >= 0) {
      own[k].push(e);
      continue;
    }
    while (next < ordered.length && ordered[next].src.first <= p) {
      const l = ordered[next++];
      while (open.length > 0 && open[open.length - 1].src.last < l.src.first) open.pop();
      open.push(l);
    }
    while (open.length > 0 && open[open.length - 1].src.last < p) open.pop();
    // the innermost level around it, or none (the header, or past every level): every claim
    if (open.length > 0) open[open.length - 1].errors.push(e);
    else everywhere.push(e);
  }
  return claims.map((c, k) => {
    const mine = [...everywhere, ...c.ancestors.flatMap((a) => levels.get(a.first)?.errors ?? []), ...own[k]].sort((a, b) => a - b).map((e) => errors[e]);
    const statuses: ClaimStatus[] = [];
    for (const i of mine) {
      const s = statusFor(i);
      if (!statuses.some((x) => x.category === s.category && x.status === s.status && x.entity === s.entity)) statuses.push(s);
    }
    return { ...c, accepted: mine.length === 0, statuses, issues: mine };
  });
}

/** Issue codes the guide validator produces (for a partner's warnOnly policy in lenient mode). */
export const GUIDE_ISSUE_CODES = ['GUIDE_SEGMENT', 'GUIDE_ELEMENT', 'GUIDE_BALANCE', 'GUIDE_HL_PARENT', 'GUIDE_HL_CHILD'] as const;

/**
 * Lenient mode for one 837 transaction set: the decision on every claim, and one document per
 * accepted claim (split per claim, keyed by CLM01), and the whole set as one document (for the
 * 277CA). Rejected claims are held back; they go into the 277CA (generate277CA with the same decisions).
 */
export function lenientClaims(
  tx: TransactionSet, ctx: TranslateContext, issues: readonly X12Issue[],
): { decisions: ClaimDecision[]; accepted: SemanticDocument[]; whole: SemanticDocument | undefined } {
  // one translation gives both: the split documents and the whole set (what the decisions are made on)
  const translated = translateTransaction(tx, ctx, { split: 'claim' });
  return judged(translated.whole, issues, () => translated.documents, (d) => d.split?.claimId);
}

/**
 * lenientClaims with the accepted claims' documents as their JSON text in UTF-8, written from the
 * set's bytes (semanticClaimsJsonBytes): what a publisher sends. The tree is built for the whole
 * set only (the decisions and the 277CA are made on it).
 */
export function lenientClaimsJson(
  tx: TransactionSet, ctx: TranslateContext, issues: readonly X12Issue[],
): { decisions: ClaimDecision[]; accepted: ClaimJson[]; whole: SemanticDocument | undefined } {
  return judged(translateTransaction(tx, ctx).whole, issues, () => semanticClaimsJsonBytes(tx, ctx) ?? [], (d) => d.claimId);
}

/** The decisions on the whole set's claims, and of its per-claim documents (in claim order) those accepted. */
function judged<D>(
  whole: SemanticDocument | undefined, issues: readonly X12Issue[], documents: () => D[], claimId: (d: D) => string | undefined,
): { decisions: ClaimDecision[]; accepted: D[]; whole: SemanticDocument | undefined } {
  if (whole === undefined || whole.transactionSet !== '837') return { decisions: [], accepted: [], whole };
  const decisions = claimDecisions(whole, issues);
  const accepted = documents().filter((d, i) => decisions[i] !== undefined && decisions[i].claimId === claimId(d) && decisions[i].accepted);
  return { decisions, accepted, whole };
}
