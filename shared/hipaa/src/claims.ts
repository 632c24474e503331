/**
 * The claims of a transaction set, read as the walker places them (the loops the guide's
 * definition names in `claims`: billing provider > subscriber > patient > claim > service line),
 * and the decision on each: an issue inside a claim (the claim loop and below) rejects that claim;
 * one in the own segments of a level above (billing provider, subscriber, patient) rejects every
 * claim below that level instance and no other; one in the header or at transaction level (the SE
 * count) rejects every claim. Good claims go on (lenient partners); the 277CA answers for each.
 */
import type { ByteSegment, X12Issue } from '@ediflow/x12';
import type { ClaimLevels, RtLoop, RtSegment } from './definition';
import type { GroupContext, InterchangeContext } from './context';
import type { LoopSource } from './walker';

export interface ClaimInfo {
  /** 1-based number of the claim in the transaction set. */
  index: number;
  /** CLM01 (patient control number). */
  claimId: string;
  /** CLM02 as sent. */
  chargeAmount: string;
  /** Segment numbers of the claim loop. */
  source: LoopSource;
  /** Segment numbers of the enclosing levels (billing provider, subscriber, patient), outermost first. */
  ancestors: LoopSource[];
  billingProvider: { name: string; idQualifier: string; id: string; taxId: string; source: LoopSource };
  patient: { lastName: string; firstName: string; middleName: string; idQualifier: string; id: string };
  /** Earliest and latest service date (CCYYMMDD) found on the claim or its lines. */
  serviceDates: { from: string; to: string } | undefined;
}

/** What a 277CA repeats of a transaction set: its envelope, header parties, and its claims. */
export interface ClaimSet {
  interchange: InterchangeContext;
  group: GroupContext;
  /** ST02. */
  controlNumber: string;
  /** NM1 elements (index 0 = id) of the submitter and receiver names, [] when absent; BHT03. */
  submitter: string[];
  receiver: string[];
  bht03: string;
  claims: ClaimInfo[];
  /** STC01-3 entity of an issue by the loop it is in. */
  entities: Record<string, string>;
}

/** A level instance being read: its source pointer and, for a name loop, the NM1 and REF*EI found. */
interface Party {
  src: LoopSource;
  nm1: string[] | undefined;
  taxId: string | undefined;
}

interface Claim {
  src: LoopSource;
  clm: string[] | undefined;
  dates: string[];
}

interface Patient extends Party {
  claims: Claim[];
}

interface Subscriber extends Party {
  claims: Claim[];
  patients: Patient[];
}

interface Provider extends Party {
  subscribers: Subscriber[];
}

/** What an open loop instance is to the reader. */
type Level =
  | { kind: 'root' }
  | { kind: 'provider'; at: Provider }
  | { kind: 'subscriber'; at: Subscriber }
  | { kind: 'patient'; at: Patient }
  | { kind: 'claim'; at: Claim }
  | { kind: 'line'; claim: Claim }
  | { kind: 'name'; party: Party }
  | { kind: 'header'; which: 'submitter' | 'receiver' }
  | { kind: 'other' };

const first = (els: string[] | undefined, n: number): string => (els !== undefined && n < els.length ? els[n] : '');
const trimmed = (els: string[]): string[] => {
  let end = els.length;
  while (end > 1 && els[end - 1] === '') end--;
  return end === els.length ? els : els.slice(0, end);
};

/**
 * Reads the claims of one transaction set as the walker places its segments (open, segment and
 * close in walk order). Only the first name loop of a level, and its first NM1 and REF*EI, count.
 * A level keeps a copy of its source pointer once it closes (claims() is read after the walk).
 */
export class ClaimReader {
  private readonly levels: Level[] = [];
  private readonly providers: Provider[] = [];
  private submitter: string[] | undefined;
  private receiver: string[] | undefined;
  private bht03: string | undefined;
  private submitterSeen = false;
  private receiverSeen = false;

  constructor(private readonly ids: ClaimLevels) {}

  open(loop: RtLoop, src: LoopSource): void {
    const ids = this.ids;
    const parent = this.levels[this.levels.length - 1];
    let level: Level = { kind: 'other' };
    if (parent === undefined) level = { kind: 'root' };
    else if (parent.kind === 'root') {
      if (loop.id === ids.billingProvider) {
        const at: Provider = { src, nm1: undefined, taxId: undefined, subscribers: [] };
        this.providers.push(at);
        level = { kind: 'provider', at };
      } else if (loop.id === ids.submitter && !this.submitterSeen) {
        this.submitterSeen = true;
        level = { kind: 'header', which: 'submitter' };
      } else if (loop.id === ids.receiver && !this.receiverSeen) {
        this.receiverSeen = true;
        level = { kind: 'header', which: 'receiver' };
      }
    } else if (parent.kind === 'provider') {
      if (loop.id === ids.subscriber) {
        const at: Subscriber = { src, nm1: undefined, taxId: undefined, claims: [], patients: [] };
        parent.at.subscribers.push(at);
        level = { kind: 'subscriber', at };
      } else level = this.nameLevel(loop, ids.billingProviderName, parent.at);
    } else if (parent.kind === 'subscriber') {
      if (loop.id === ids.claim) level = this.claimLevel(src, parent.at.claims);
      else if (loop.id === ids.patient) {
        const at: Patient = { src, nm1: undefined, taxId: undefined, claims: [] };
        parent.at.patients.push(at);
        level = { kind: 'patient', at };
      } else level = this.nameLevel(loop, ids.subscriberName, parent.at);
    } else if (parent.kind === 'patient') {
      if (loop.id === ids.claim) level = this.claimLevel(src, parent.at.claims);
      else level = this.nameLevel(loop, ids.patientName, parent.at);
    } else if (parent.kind === 'claim' && loop.id === ids.serviceLine) level = { kind: 'line', claim: parent.at };
    this.levels.push(level);
  }

  private claimLevel(src: LoopSource, list: Claim[]): Level {
    const at: Claim = { src, clm: undefined, dates: [] };
    list.push(at);
    return { kind: 'claim', at };
  }

  /** The first instance of a level's name loop reads the level's NM1 and REF*EI. */
  private nameLevel(loop: RtLoop, id: string, party: Party): Level {
    if (loop.id !== id || this.named.has(party)) return { kind: 'other' };
    this.named.add(party);
    return { kind: 'name', party };
  }

  private readonly named = new Set<Party>();

  segment(rt: RtSegment, seg: ByteSegment): void {
    const level = this.levels[this.levels.length - 1];
    const id = rt.id;
    switch (level.kind) {
      case 'root':
        if (id === 'BHT' && this.bht03 === undefined) this.bht03 = seg.element(3);
        break;
      case 'header':
        if (id === 'NM1') {
          if (level.which === 'submitter') this.submitter ??= trimmed(seg.elements);
          else this.receiver ??= trimmed(seg.elements);
        }
        break;
      case 'name':
        if (id === 'NM1') level.party.nm1 ??= trimmed(seg.elements);
        else if (id === 'REF' && level.party.taxId === undefined && seg.element(1) === 'EI') level.party.taxId = seg.element(2);
        break;
      case 'claim':
        if (id === 'CLM') level.at.clm ??= trimmed(seg.elements);
        else if (id === 'DTP') this.date(level.at, seg);
        break;
      case 'line':
        if (id === 'DTP') this.date(level.claim, seg);
        break;
      default:
    }
  }

  /** Service dates (DTP*472) and admission dates (DTP*434): each CCYYMMDD of DTP03. */
  private date(claim: Claim, seg: ByteSegment): void {
    const q = seg.element(1);
    if (q !== '472' && q !== '434') return;
    for (const part of seg.element(3).split('-')) if (/^\d{8}$/.test(part)) claim.dates.push(part);
  }

  /** The instance opened last closes: its source pointer is final now, and kept as it is (the walker moves on with its object). */
  close(src: LoopSource): void {
    const level = this.levels.pop();
    if (level !== undefined && (level.kind === 'provider' || level.kind === 'subscriber' || level.kind === 'patient' || level.kind === 'claim')) {
      level.at.src = { loop: src.loop, first: src.first, last: src.last };
    }
  }

  /** The claims in order: per billing provider, per subscriber, its own claims, then its patients'. */
  claims(): ClaimInfo[] {
    const out: ClaimInfo[] = [];
    for (const bp of this.providers) {
      const nm1 = bp.nm1;
      const billingProvider = { name: first(nm1, 3), idQualifier: first(nm1, 8), id: first(nm1, 9), taxId: bp.taxId ?? '', source: bp.src };
      for (const sub of bp.subscribers) {
        const snm = sub.nm1;
        const subscriber = { lastName: first(snm, 3), firstName: first(snm, 4), middleName: first(snm, 5), idQualifier: first(snm, 8), id: first(snm, 9) };
        const add = (claims: Claim[], patient: ClaimInfo['patient'], ancestors: LoopSource[]): void => {
          for (const c of claims) {
            const dates = c.dates.slice().sort();
            out.push({
              index: out.length + 1, claimId: first(c.clm, 1), chargeAmount: first(c.clm, 2), source: c.src, ancestors,
              billingProvider, patient, serviceDates: dates.length > 0 ? { from: dates[0], to: dates[dates.length - 1] } : undefined,
            });
          }
        };
        add(sub.claims, subscriber, [bp.src, sub.src]);
        for (const pat of sub.patients) {
          const pnm = pat.nm1;
          const patient = { lastName: first(pnm, 3), firstName: first(pnm, 4), middleName: first(pnm, 5), idQualifier: subscriber.idQualifier, id: subscriber.id };
          add(pat.claims, patient, [bp.src, sub.src, pat.src]);
        }
      }
    }
    return out;
  }

  /** The set's parties and claims, as a 277CA needs them. */
  claimSet(interchange: InterchangeContext, group: GroupContext, controlNumber: string): ClaimSet {
    return {
      interchange, group, controlNumber, submitter: this.submitter ?? [], receiver: this.receiver ?? [], bht03: this.bht03 ?? '',
      claims: this.claims(), entities: this.ids.entities,
    };
  }
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

/** Claim status for one issue: out-of-balance 400, otherwise 21 (missing or invalid information), category A7; the entity by its loop. */
export function statusFor(issue: X12Issue, entities: Record<string, string>): ClaimStatus {
  const s: ClaimStatus = { category: 'A7', status: issue.code === 'GUIDE_BALANCE' ? '400' : '21' };
  const loop = issue.segment?.loopId;
  const entity = loop !== undefined && Object.hasOwn(entities, loop) ? entities[loop] : undefined;
  if (entity !== undefined) s.entity = entity;
  return s;
}

/** A level above the claims (billing provider, subscriber, patient instance) and the errors that sit in it and in no claim or deeper level. */
interface LevelErrors {
  src: LoopSource;
  errors: number[];
}

/**
 * Accept or reject each claim given the issues of its transaction set (envelope + guide; errors
 * only count). Linear in claims and issues (sorted once): a large file with many errors stays fast.
 */
export function claimDecisions(claims: readonly ClaimInfo[], issues: readonly X12Issue[], entities: Record<string, string>): ClaimDecision[] {
  const errors = issues.filter((i) => i.severity === 'error');
  // what most sets are: every claim accepted
  if (errors.length === 0) return claims.map((c) => ({ ...c, accepted: true, statuses: [], issues: [] }));
  const at = (e: number): number => errors[e].segment?.position ?? 0;
  const levels = new Map<number, LevelErrors>();
  for (const c of claims) for (const a of c.ancestors) if (!levels.has(a.first)) levels.set(a.first, { src: a, errors: [] });
  // loop instances nest or are disjoint: in order of their first segment, a stack holds those around a position
  const ordered = [...levels.values()].sort((x, y) => x.src.first - y.src.first);
  const byFirst = claims.map((_, k) => k).sort((a, b) => claims[a].source.first - claims[b].source.first);
  /** The claim whose loop holds segment p, or -1 (claims do not overlap). */
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
  const open: LevelErrors[] = [];
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
      const s = statusFor(i, entities);
      if (!statuses.some((x) => x.category === s.category && x.status === s.status && x.entity === s.entity)) statuses.push(s);
    }
    return { ...c, accepted: mine.length === 0, statuses, issues: mine };
  });
}

/** Issue codes the guide checks produce (a lenient partner's 999 notes them as warnings). */
export const GUIDE_ISSUE_CODES = ['GUIDE_SEGMENT', 'GUIDE_ELEMENT', 'GUIDE_BALANCE', 'GUIDE_HL_PARENT', 'GUIDE_HL_CHILD'] as const;
