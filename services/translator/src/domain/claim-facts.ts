/**
 * What tracking needs of a claim-bearing transaction set, read off its segments: the claims an
 * 837 submits, the claim statuses a 277CA acknowledges or rejects, the payments and denials an
 * 835 reports. Only ids, codes, amounts and dates: no names, member ids or addresses. Pure.
 */
import type { ClaimEntry, ClaimStatus } from '@ediflow/tracking';
import type { TransactionSet } from '@ediflow/x12';

export interface ClaimFacts {
  source: '837' | '277CA' | '835';
  claims: ClaimEntry[];
}

/** D8 CCYYMMDD or RD8 CCYYMMDD-CCYYMMDD as ISO dates. */
function dates(format: string, value: string): { from?: string; to?: string } {
  const iso = (d: string) => (/^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : undefined);
  if (format === 'D8') {
    const d = iso(value);
    return { from: d, to: d };
  }
  if (format === 'RD8') {
    const [a, b] = value.split('-');
    return { from: iso(a ?? ''), to: iso(b ?? '') };
  }
  return {};
}

const amount = (v: string): string | undefined => (/^-?\d+(\.\d+)?$/.test(v) ? v : /^-?\.\d+$/.test(v) ? v.replace('.', '0.') : undefined);

/** 837: one entry per CLM, with the billing provider and payer ids above it and its service dates. */
function from837(tx: TransactionSet): ClaimEntry[] {
  const out: ClaimEntry[] = [];
  let provider: string | undefined;
  let payer: string | undefined;
  let current: ClaimEntry | undefined;
  const widen = (d: { from?: string; to?: string }) => {
    if (!current) return;
    if (d.from && (!current.serviceDateFrom || d.from < current.serviceDateFrom)) current.serviceDateFrom = d.from;
    if (d.to && (!current.serviceDateTo || d.to > current.serviceDateTo)) current.serviceDateTo = d.to;
  };
  for (const s of tx.segments) {
    if (s.id === 'HL') {
      // A new billing provider (20) or subscriber (22) level: the claim before it is complete.
      current = undefined;
      if (s.element(3) === '20') {
        provider = undefined;
        payer = undefined;
      }
    } else if (s.id === 'NM1') {
      const entity = s.element(1);
      if (entity === '85' && s.element(9) !== '') provider = s.element(9);
      else if (entity === 'PR' && s.element(9) !== '') payer = s.element(9);
    } else if (s.id === 'CLM' && s.element(1) !== '') {
      current = { claimNumber: s.element(1), status: 'submitted', codes: [], billedAmount: amount(s.element(2)), providerId: provider, payerId: payer };
      out.push(current);
    } else if (s.id === 'DTP' && (s.element(1) === '472' || s.element(1) === '434')) {
      widen(dates(s.element(2), s.element(3)));
    }
  }
  return out;
}

/** STC01-1 category codes: A1 acknowledged, A2 accepted into adjudication, A5 split; A3, A4, A6, A7, A8 returned or rejected. */
function acknowledgement(category: string): ClaimStatus {
  return ['A3', 'A4', 'A6', 'A7', 'A8'].includes(category) ? 'rejected_by_payer' : 'acknowledged';
}

/** 277CA: one entry per claim level (HL PT, or 22/23), keyed by its TRN*2 (the submitter's CLM01). */
function from277(tx: TransactionSet): ClaimEntry[] {
  const out: ClaimEntry[] = [];
  let provider: string | undefined;
  let level = '';
  let current: ClaimEntry | undefined;
  for (const s of tx.segments) {
    if (s.id === 'HL') {
      level = s.element(3);
      current = undefined;
      if (level === '19') provider = undefined;
    } else if (s.id === 'NM1' && s.element(1) === '85' && s.element(9) !== '') {
      provider = s.element(9);
    } else if (s.id === 'TRN' && s.element(1) === '2' && (level === 'PT' || level === '22' || level === '23')) {
      current = { claimNumber: s.element(2), status: 'acknowledged', codes: [], providerId: provider };
      out.push(current);
    } else if (s.id === 'STC' && current) {
      const category = s.component(1, 1);
      const code = [category, s.component(1, 2), s.component(1, 3)].filter((c) => c !== '').join(':');
      if (current.codes.length === 0) current.status = acknowledgement(category);
      else if (acknowledgement(category) === 'rejected_by_payer') current.status = 'rejected_by_payer';
      current.codes.push(code);
      const billed = amount(s.element(4));
      if (billed !== undefined) current.billedAmount ??= billed;
    } else if (s.id === 'REF' && s.element(1) === '1K' && current) {
      current.payerClaimControlNumber = s.element(2);
    }
  }
  return out;
}

/** CLP02: processed (1, 2, 3, 19, 20, 21), denied (4), reversal (22); others adjust. */
function paymentStatus(code: string, charge: string, paid: string): ClaimStatus {
  if (code === '4') return 'denied';
  if (code === '22') return 'reversed';
  if (['1', '2', '3', '19', '20', '21'].includes(code)) {
    const [c, p] = [Number(charge), Number(paid)];
    if (Number.isFinite(c) && Number.isFinite(p)) {
      if (p <= 0) return 'denied';
      if (p < c) return 'partially_paid';
    }
    return 'paid';
  }
  return 'adjusted';
}

/** 835: one entry per CLP, with the check or EFT trace number (TRN02) and the payee's id. */
function from835(tx: TransactionSet): ClaimEntry[] {
  const out: ClaimEntry[] = [];
  let trace: string | undefined;
  let payee: string | undefined;
  let current: ClaimEntry | undefined;
  for (const s of tx.segments) {
    if (s.id === 'TRN' && s.element(1) === '1') trace = s.element(2);
    else if (s.id === 'N1' && s.element(1) === 'PE' && s.element(4) !== '') payee = s.element(4);
    else if (s.id === 'CLP' && s.element(1) !== '') {
      const [charge, paid] = [s.element(3), s.element(4)];
      current = {
        claimNumber: s.element(1),
        status: paymentStatus(s.element(2), charge, paid),
        codes: [s.element(2)],
        billedAmount: amount(charge),
        paidAmount: amount(paid),
        payerClaimControlNumber: s.element(7) || undefined,
        traceNumber: trace,
        providerId: payee,
      };
      out.push(current);
    } else if (s.id === 'DTM' && current && (s.element(1) === '232' || s.element(1) === '233')) {
      const d = dates('D8', s.element(2));
      if (s.element(1) === '232') current.serviceDateFrom = d.from;
      else current.serviceDateTo = d.to;
    }
  }
  return out;
}

/** The claims a set carries, or undefined for a set that carries none (270, 834, ...). */
export function claimFacts(tx: TransactionSet, guide: string | undefined): ClaimFacts | undefined {
  if (tx.setId === '837') return { source: '837', claims: from837(tx) };
  if (tx.setId === '277' && (guide ?? tx.implementationRef).includes('X214')) return { source: '277CA', claims: from277(tx) };
  if (tx.setId === '835') return { source: '835', claims: from835(tx) };
  return undefined;
}
