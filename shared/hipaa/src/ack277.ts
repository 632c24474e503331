/**
 * 277CA (005010X214) generation for received 837s: one interchange, one 277 per 837 transaction
 * set; per billing provider a 2000C level, per claim a 2000D level with STC accepted
 * (A2:20, action WQ) or rejected (A7 with the status codes of the issues, action U), and the
 * accepted / rejected counts and amounts at receiver and provider level.
 *
 * The 277CA is valid under 005010X214 whatever the 837 holds: a claim the partner sent without
 * what the 277CA must repeat (CLM01, CLM02, a name or id) is a rejected claim, and is still
 * reported. Header names and ids fall back to the interchange's (ISA08 / ISA06), other missing
 * or unusable values to UNKNOWN (amounts to 0, dates to the 277CA's own date).
 */
import { isValidDate, type ControlNumberSource, type X12Issue } from '@ediflow/x12';
import { claimDecisions, type ClaimDecision, type ClaimSet } from './claims';
import { formatDecimal, isDecimal, parseDecimal } from './decimal';
import type { RtLoop } from './definition';
import { compiledGuide } from './guides';

export interface Ack277Options {
  controlNumbers: ControlNumberSource;
  clock: () => Date;
  /** Written after each segment terminator (default '\n'). */
  lineBreak?: string;
  /** Information source (2100A, the party that sends the 277CA): default the 837's receiver (1000B). */
  source?: { name: string; idQualifier: string; id: string };
}

export interface Ack277Input {
  /** The 837 transaction set's parties and claims (documentsFor gives them). */
  claims: ClaimSet;
  /** Decisions per claim; default: claimDecisions of the claims and `issues`. */
  decisions?: ClaimDecision[];
  /** Issues of the transaction set (envelope + guide) when decisions are not given. */
  issues?: readonly X12Issue[];
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const fixed = (v: string, n: number): string => v.padEnd(n, ' ').slice(0, n);
/** What stands in for a required value the 837 did not give (or gave unusable). */
const UNKNOWN = 'UNKNOWN';
/** STC04 / AMT02 (R, at most 18 digits): the amount as sent when it is one, else 0. */
const amount = (v: string): string => (isDecimal(v) && v.replace(/\D/g, '').length <= 18 ? v : '0');
const sum = (xs: string[]): string => formatDecimal(xs.reduce((a, x) => a + (parseDecimal(amount(x)) ?? 0n), 0n));
/** The 277CA's own delimiters: in values copied from the 837 they are blanked on output. */
const OWN_DELIMITERS = /[*~^]/g;
/** Whether a value holds one of them (most do not: a test costs less than a replace). */
const HAS_OWN_DELIMITER = /[*~^]/;
const blanked = (v: string, by: string): string => (HAS_OWN_DELIMITER.test(v) ? v.replace(OWN_DELIMITERS, by) : v);
/** A required AN/ID value of min..max characters: the 837's when it is one (not blank), else the fallback. */
function fit(v: string | undefined, min: number, max: number, fallback: string): string {
  // what is left once the delimiters are blanked must still be a value
  return v !== undefined && blanked(v, '').trim().length >= min && v.length <= max ? v : fallback;
}
/**
 * NM103 (1..60), NM108 and NM109 (2..80) of one party: the 837's, with the qualifier replaced when
 * the 277CA's list does not allow it, and the name or the id replaced when missing or unusable.
 */
function party(
  name: string | undefined, qualifier: string | undefined, id: string | undefined, codes: readonly string[],
  fallback: { name: string; qualifier: string; id: readonly [string, string] },
): [string, string, string] {
  const q = qualifier !== undefined && codes.includes(qualifier) ? qualifier : fallback.qualifier;
  const [q2, id2] = id !== undefined && fit(id, 2, 80, '') !== '' ? [q, id] : fallback.id;
  return [fit(name, 1, 60, fallback.name), q2, id2];
}

/** NM108 codes 005010X214 allows in a name loop (2100A..2100D), read from its definition. */
const qualifierCodes = new Map<string, readonly string[]>();
function idQualifiers(loopId: string): readonly string[] {
  let codes = qualifierCodes.get(loopId);
  if (codes === undefined) {
    const find = (loop: RtLoop): RtLoop | undefined => {
      for (const c of loop.children) {
        if (c.kind !== 'loop') continue;
        const hit = c.id === loopId ? c : find(c);
        if (hit !== undefined) return hit;
      }
      return undefined;
    };
    const nm1 = find(compiledGuide('005010X214').root)?.first;
    codes = nm1?.id === 'NM1' ? (nm1.def.elements[7]?.codes ?? []) : [];
    qualifierCodes.set(loopId, codes);
  }
  return codes;
}

/**
 * The 277CA text (ISA..IEA) for the given 837 transaction sets; undefined when none of them
 * holds a claim (a 277CA reports claims: the 999 answers for a set without any).
 */
export function generate277CA(inputs: readonly Ack277Input[], options: Ack277Options): string | undefined {
  const sets = inputs
    .map((input) => ({ doc: input.claims, decisions: input.decisions ?? claimDecisions(input.claims.claims, input.issues ?? [], input.claims.entities) }))
    .filter((x) => x.decisions.length > 0);
  if (sets.length === 0) return undefined;
  const now = options.clock();
  const date8 = `${now.getUTCFullYear()}${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`;
  const time4 = `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}`;
  const nl = options.lineBreak ?? '\n';
  const lines: string[][] = [];
  const first = sets[0].doc;
  const isa13 = String(options.controlNumbers.next('interchange')).padStart(9, '0');
  const gs06 = String(options.controlNumbers.next('group'));
  const ic = first.interchange;
  lines.push([
    'ISA', '00', fixed('', 10), '00', fixed('', 10), fixed(ic.receiverQualifier, 2), fixed(ic.receiverId, 15), fixed(ic.senderQualifier, 2),
    fixed(ic.senderId, 15), date8.slice(2), time4, '^', '00501', isa13, '0', ic.usage === 'T' ? 'T' : 'P', ':',
  ]);
  lines.push(['GS', 'HN', fit(first.group.receiverCode, 2, 15, UNKNOWN), fit(first.group.senderCode, 2, 15, UNKNOWN), date8, time4, gs06, 'X', '005010X214']);
  for (const { doc, decisions } of sets) {
    const st02 = String(options.controlNumbers.next('transaction')).padStart(4, '0');
    const body: string[][] = [];
    const trace = fit(doc.bht03, 1, 50, fit(doc.controlNumber, 1, 50, UNKNOWN));
    // 2100A: the party sending the 277CA (options.source, else the 837's receiver, else its ISA08); 2100B: the 837's submitter (else its ISA06)
    const isa08 = fit(doc.interchange.receiverId.trim(), 2, 80, UNKNOWN);
    const isa06 = fit(doc.interchange.senderId.trim(), 2, 80, UNKNOWN);
    const source = options.source ?? { name: doc.receiver[3] ?? '', idQualifier: doc.receiver[8] ?? '', id: doc.receiver[9] ?? '' };
    const [srcName, srcQualifier, srcId] = party(source.name, source.idQualifier, source.id, idQualifiers('2100A'), { name: isa08, qualifier: '46', id: ['46', isa08] });
    const [subName, subQualifier, subId] = party(doc.submitter[3], doc.submitter[8], doc.submitter[9], idQualifiers('2100B'), { name: isa06, qualifier: '46', id: ['46', isa06] });
    body.push(['ST', '277', st02, '005010X214']);
    body.push(['BHT', '0085', '08', `${fit(doc.controlNumber, 1, 9, '0')}${st02}`, date8, time4, 'TH']);
    // 2000A information source
    body.push(['HL', '1', '', '20', '1']);
    body.push(['NM1', 'PR', '2', srcName, '', '', '', '', srcQualifier, srcId]);
    body.push(['TRN', '1', trace]);
    body.push(['DTP', '050', 'D8', date8]);
    body.push(['DTP', '009', 'D8', date8]);
    // 2000B information receiver (the 837's submitter)
    body.push(['HL', '2', '1', '21', '1']);
    body.push(['NM1', '41', '2', subName, '', '', '', '', subQualifier, subId]);
    body.push(['TRN', '2', trace]);
    const acc = decisions.filter((d) => d.accepted);
    const rej = decisions.filter((d) => !d.accepted);
    body.push(['STC', 'A1:19:PR', date8, 'WQ', sum(decisions.map((d) => d.chargeAmount))]);
    body.push(['QTY', '90', String(acc.length)]);
    body.push(['QTY', 'AA', String(rej.length)]);
    body.push(['AMT', 'YU', sum(acc.map((d) => d.chargeAmount))]);
    body.push(['AMT', 'YY', sum(rej.map((d) => d.chargeAmount))]);
    // 2000C per billing provider, 2000D per claim
    let hl = 2;
    const providers = new Map<number, ClaimDecision[]>();
    for (const d of decisions) {
      const k = d.billingProvider.source.first;
      const list = providers.get(k);
      if (list === undefined) providers.set(k, [d]);
      else list.push(d);
    }
    for (const claims of providers.values()) {
      const bp = claims[0].billingProvider;
      const provHl = ++hl;
      // the NPI (XX) as sent, else the tax id (FI) from REF*EI
      const taxId = fit(bp.taxId, 2, 50, '');
      const [bpName, bpQualifier, bpId] = party(bp.name, bp.idQualifier, bp.id, idQualifiers('2100C'), { name: UNKNOWN, qualifier: 'XX', id: taxId !== '' ? ['FI', taxId] : ['XX', UNKNOWN] });
      body.push(['HL', String(provHl), '2', '19', '1']);
      body.push(['NM1', '85', '2', bpName, '', '', '', '', bpQualifier, bpId]);
      body.push(['TRN', '1', '0']);
      body.push(['STC', 'A1:19:PR', '', 'WQ', sum(claims.map((d) => d.chargeAmount))]);
      if (taxId !== '') body.push(['REF', 'TJ', taxId]);
      const pa = claims.filter((d) => d.accepted);
      const pr = claims.filter((d) => !d.accepted);
      if (pa.length > 0) body.push(['QTY', 'QA', String(pa.length)]);
      if (pr.length > 0) body.push(['QTY', 'QC', String(pr.length)]);
      if (pa.length > 0) body.push(['AMT', 'YU', sum(pa.map((d) => d.chargeAmount))]);
      if (pr.length > 0) body.push(['AMT', 'YY', sum(pr.map((d) => d.chargeAmount))]);
      for (const d of claims) {
        const p = d.patient;
        const [lastName, qualifier, id] = party(p.lastName, p.idQualifier, p.id, idQualifiers('2100D'), { name: UNKNOWN, qualifier: 'MI', id: ['MI', UNKNOWN] });
        body.push(['HL', String(++hl), String(provHl), 'PT']);
        body.push(['NM1', 'QC', '1', lastName, fit(p.firstName, 1, 35, ''), fit(p.middleName, 1, 25, ''), '', '', qualifier, id]);
        body.push(['TRN', '2', fit(d.claimId, 1, 50, UNKNOWN)]);
        if (d.accepted) body.push(['STC', 'A2:20:PR', date8, 'WQ', amount(d.chargeAmount)]);
        else {
          const [s0, ...more] = d.statuses.length > 0 ? d.statuses : [{ category: 'A7', status: '21' }];
          const stc = (s: { category: string; status: string; entity?: string }): string => [s.category, s.status, s.entity ?? ''].join(':').replace(/:+$/, '');
          const row = ['STC', stc(s0), date8, 'U', amount(d.chargeAmount)];
          if (more.length > 0) row.push('', '', '', '', '', stc(more[0]));
          if (more.length > 1) row.push(stc(more[1]));
          body.push(row);
        }
        const dates = d.serviceDates;
        if (dates !== undefined && isValidDate(dates.from) && isValidDate(dates.to)) {
          body.push(['DTP', '472', dates.from === dates.to ? 'D8' : 'RD8', dates.from === dates.to ? dates.from : `${dates.from}-${dates.to}`]);
        } else body.push(['DTP', '472', 'D8', date8]);
      }
    }
    body.push(['SE', String(body.length + 1), st02]);
    lines.push(...body);
  }
  lines.push(['GE', String(sets.length), gs06]);
  lines.push(['IEA', '1', isa13]);
  // values copied from the 837 may hold this file's delimiters (the 837 could use others): blank them
  return lines.map((row) => {
    const e = row[0] === 'ISA' ? row : row.map((v) => blanked(v, ' '));
    let end = e.length;
    while (end > 1 && e[end - 1] === '') end--;
    return e.slice(0, end).join('*') + '~' + nl;
  }).join('');
}
