/**
 * 277CA (005010X214) generation for received 837s: one interchange, one 277 per 837 transaction
 * set; per billing provider a 2000C level, per claim a 2000D level with STC accepted
 * (A2:20, action WQ) or rejected (A7 with the status codes of the issues, action U), and the
 * accepted / rejected counts and amounts at receiver and provider level.
 */
import type { ControlNumberSource, X12Issue } from '@ediflow/x12';
import { claimDecisions, segmentsIn, type ClaimDecision } from './claims';
import { formatDecimal, parseDecimal } from './decimal';
import { compiledGuide } from './guides';
import type { JsonObject } from './segment-json';
import type { SemanticDocument } from './translate';

export interface Ack277Options {
  controlNumbers: ControlNumberSource;
  clock: () => Date;
  /** Written after each segment terminator (default '\n'). */
  lineBreak?: string;
  /** Information source (2100A, the party that sends the 277CA): default the 837's receiver (1000B). */
  source?: { name: string; idQualifier: string; id: string };
}

export interface Ack277Input {
  /** The 837 transaction set as one semantic document (split 'transaction'). */
  document: SemanticDocument;
  /** Decisions per claim; default: claimDecisions(document, issues). */
  decisions?: ClaimDecision[];
  /** Issues of the transaction set (envelope + guide) when decisions are not given. */
  issues?: readonly X12Issue[];
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const fixed = (v: string, n: number): string => v.padEnd(n, ' ').slice(0, n);
const sum = (xs: string[]): string => formatDecimal(xs.reduce((a, x) => a + (parseDecimal(x) ?? 0n), 0n));

function firstLoop(obj: JsonObject, key: string): JsonObject | undefined {
  const v = obj[key];
  const o = Array.isArray(v) ? v[0] : v;
  return o !== null && o !== undefined && typeof o === 'object' && !Array.isArray(o) ? o : undefined;
}

/** Names and ids from the 837 header: submitter (1000A), receiver (1000B), BHT03. */
function header(doc: SemanticDocument): { submitter: string[]; receiver: string[]; bht03: string } {
  const g = compiledGuide(doc.guide);
  const loopOf = (id: string) => g.root.children.find((c) => c.kind === 'loop' && c.id === id);
  const nm1 = (id: string): string[] => {
    const rt = loopOf(id);
    if (rt === undefined || rt.kind !== 'loop') return [];
    const obj = firstLoop(doc.transaction, rt.def.key);
    return obj === undefined ? [] : (segmentsIn(rt, obj, 'NM1')[0] ?? []);
  };
  const bht = segmentsIn(g.root, doc.transaction, 'BHT')[0] ?? [];
  return { submitter: nm1('1000A'), receiver: nm1('1000B'), bht03: bht[3] ?? '' };
}

/** The 277CA text (ISA..IEA) for the given 837 transaction sets. */
export function generate277CA(inputs: readonly Ack277Input[], options: Ack277Options): string {
  const now = options.clock();
  const date8 = `${now.getUTCFullYear()}${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`;
  const time4 = `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}`;
  const nl = options.lineBreak ?? '\n';
  const lines: string[][] = [];
  const first = inputs[0]?.document;
  const isa13 = String(options.controlNumbers.next('interchange')).padStart(9, '0');
  const gs06 = String(options.controlNumbers.next('group'));
  const ic = first?.interchange;
  lines.push([
    'ISA', '00', fixed('', 10), '00', fixed('', 10), fixed(ic?.receiverQualifier ?? 'ZZ', 2), fixed(ic?.receiverId ?? '', 15), fixed(ic?.senderQualifier ?? 'ZZ', 2),
    fixed(ic?.senderId ?? '', 15), date8.slice(2), time4, '^', '00501', isa13, '0', ic?.usage === 'T' ? 'T' : 'P', ':',
  ]);
  lines.push(['GS', 'HN', first?.group.receiverCode ?? '', first?.group.senderCode ?? '', date8, time4, gs06, 'X', '005010X214']);
  for (const input of inputs) {
    const doc = input.document;
    const decisions = input.decisions ?? claimDecisions(doc, input.issues ?? []);
    const st02 = String(options.controlNumbers.next('transaction')).padStart(4, '0');
    const body: string[][] = [];
    const h = header(doc);
    const src = options.source ?? { name: h.receiver[3] ?? '', idQualifier: h.receiver[8] ?? '46', id: h.receiver[9] ?? '' };
    body.push(['ST', '277', st02, '005010X214']);
    body.push(['BHT', '0085', '08', `${doc.controlNumber}${st02}`, date8, time4, 'TH']);
    // 2000A information source
    body.push(['HL', '1', '', '20', '1']);
    body.push(['NM1', 'PR', '2', src.name, '', '', '', '', src.idQualifier !== '' ? src.idQualifier : '46', src.id]);
    body.push(['TRN', '1', h.bht03 !== '' ? h.bht03 : doc.controlNumber]);
    body.push(['DTP', '050', 'D8', date8]);
    body.push(['DTP', '009', 'D8', date8]);
    // 2000B information receiver (the 837's submitter)
    body.push(['HL', '2', '1', '21', decisions.length > 0 ? '1' : '0']);
    body.push(['NM1', '41', '2', h.submitter[3] ?? '', '', '', '', '', h.submitter[8] !== undefined && h.submitter[8] !== '' ? h.submitter[8] : '46', h.submitter[9] ?? '']);
    body.push(['TRN', '2', h.bht03 !== '' ? h.bht03 : doc.controlNumber]);
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
      providers.set(k, [...(providers.get(k) ?? []), d]);
    }
    for (const claims of providers.values()) {
      const bp = claims[0].billingProvider;
      const provHl = ++hl;
      body.push(['HL', String(provHl), '2', '19', '1']);
      body.push(['NM1', '85', '2', bp.name, '', '', '', '', bp.idQualifier !== '' ? bp.idQualifier : 'XX', bp.id]);
      body.push(['TRN', '1', '0']);
      body.push(['STC', 'A1:19:PR', '', 'WQ', sum(claims.map((d) => d.chargeAmount))]);
      if (bp.taxId !== '') body.push(['REF', 'TJ', bp.taxId]);
      const pa = claims.filter((d) => d.accepted);
      const pr = claims.filter((d) => !d.accepted);
      if (pa.length > 0) body.push(['QTY', 'QA', String(pa.length)]);
      if (pr.length > 0) body.push(['QTY', 'QC', String(pr.length)]);
      if (pa.length > 0) body.push(['AMT', 'YU', sum(pa.map((d) => d.chargeAmount))]);
      if (pr.length > 0) body.push(['AMT', 'YY', sum(pr.map((d) => d.chargeAmount))]);
      for (const d of claims) {
        body.push(['HL', String(++hl), String(provHl), 'PT']);
        body.push(['NM1', 'QC', '1', d.patient.lastName, d.patient.firstName, d.patient.middleName, '', '', d.patient.id !== '' ? 'MI' : '', d.patient.id]);
        body.push(['TRN', '2', d.claimId]);
        if (d.accepted) body.push(['STC', 'A2:20:PR', date8, 'WQ', d.chargeAmount]);
        else {
          const [s0, ...more] = d.statuses.length > 0 ? d.statuses : [{ category: 'A7', status: '21' }];
          const stc = (s: { category: string; status: string; entity?: string }): string => [s.category, s.status, s.entity ?? ''].join(':').replace(/:+$/, '');
          const row = ['STC', stc(s0), date8, 'U', d.chargeAmount];
          if (more.length > 0) row.push('', '', '', '', '', stc(more[0]));
          if (more.length > 1) row.push(stc(more[1]));
          body.push(row);
        }
        const dates = d.serviceDates;
        if (dates !== undefined) body.push(['DTP', '472', dates.from === dates.to ? 'D8' : 'RD8', dates.from === dates.to ? dates.from : `${dates.from}-${dates.to}`]);
        else body.push(['DTP', '472', 'D8', date8]);
      }
    }
    body.push(['SE', String(body.length + 1), st02]);
    lines.push(...body);
  }
  lines.push(['GE', String(inputs.length), gs06]);
  lines.push(['IEA', '1', isa13]);
  // values copied from the 837 may hold this file's delimiters (the 837 could use others): blank them
  return lines.map((row) => {
    const e = row[0] === 'ISA' ? row : row.map((v) => v.replace(/[*~^]/g, ' '));
    let end = e.length;
    while (end > 1 && e[end - 1] === '') end--;
    return e.slice(0, end).join('*') + '~' + nl;
  }).join('');
}
