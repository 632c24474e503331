/**
 * Balancing of one transaction set (IK304 8 + IK403 I12 on the amount), fed segment by segment as
 * the walker places them: 837 CLM02 = sum of the line charges (SV102 / SV203 / SV302); 835 BPR02
 * = sum of CLP04 - sum of PLB amounts; CLP03 - CLP04 = claim + line CAS amounts; SVC02 - SVC03 =
 * line CAS amounts. Exact (bigint). It keeps where a segment is, not the segment (a moving cursor).
 */
import type { ByteSegment, X12Issue } from '@ediflow/x12';
import { parseDecimal } from './decimal';
import type { RtLoop } from './definition';
import type { SegmentPlace } from './element-checks';

function balanceIssue(seg: SegmentPlace, loopId: string, position: number, reference: string, what: string): X12Issue {
  // no amounts in the message: it is logged, and amounts belong to a patient's claim
  return {
    code: 'GUIDE_BALANCE', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset,
    message: `${seg.id}${String(position).padStart(2, '0')} in loop ${loopId} does not balance: ${what}`,
    segment: { id: seg.id, position: seg.position, loopId, syntaxCode: '8' },
    element: { position, reference, syntaxCode: 'I12' },
  };
}

const amount = (s: ByteSegment, n: number): bigint => parseDecimal(s.element(n)) ?? 0n;
const placeOf = (s: ByteSegment): SegmentPlace => ({ id: s.id, position: s.position, offset: s.offset });
const CAS_AMOUNTS = [3, 6, 9, 12, 15, 18];
const PLB_AMOUNTS = [4, 6, 8, 10, 12, 14];
const casSum = (s: ByteSegment): bigint => CAS_AMOUNTS.reduce((a, n) => a + amount(s, n), 0n);

export class Balancer {
  private claim: { seg: SegmentPlace; charge: bigint; lines: bigint; hasLines: boolean } | undefined;
  private payment: { seg: SegmentPlace; paid: bigint; plb: bigint } | undefined;
  private clp: { seg: SegmentPlace; charge: bigint; paid: bigint; adj: bigint } | undefined;
  private svc: { seg: SegmentPlace; charge: bigint; paid: bigint; adj: bigint } | undefined;

  constructor(private readonly out: X12Issue[]) {}

  segment(seg: ByteSegment, loop: RtLoop): void {
    switch (seg.id) {
      case 'CLM':
        if (loop.id === '2300') this.claim = { seg: placeOf(seg), charge: amount(seg, 2), lines: 0n, hasLines: false };
        break;
      case 'SV1':
      case 'SV2':
      case 'SV3':
        if (loop.id === '2400' && this.claim !== undefined) {
          this.claim.lines += amount(seg, seg.id === 'SV2' ? 3 : 2);
          this.claim.hasLines = true;
        }
        break;
      case 'BPR':
        this.payment = { seg: placeOf(seg), paid: amount(seg, 2), plb: 0n };
        break;
      case 'CLP':
        this.clp = { seg: placeOf(seg), charge: amount(seg, 3), paid: amount(seg, 4), adj: 0n };
        if (this.payment !== undefined) this.payment.paid -= this.clp.paid;
        break;
      case 'SVC':
        this.svc = { seg: placeOf(seg), charge: amount(seg, 2), paid: amount(seg, 3), adj: 0n };
        break;
      case 'CAS': {
        const a = casSum(seg);
        if (loop.id === '2110' && this.svc !== undefined) this.svc.adj += a;
        if ((loop.id === '2110' || loop.id === '2100') && this.clp !== undefined) this.clp.adj += a;
        break;
      }
      case 'PLB':
        if (this.payment !== undefined) this.payment.plb += PLB_AMOUNTS.reduce((a, n) => a + amount(seg, n), 0n);
        break;
      default:
    }
  }

  close(loop: RtLoop): void {
    if (loop.id === '2300' && this.claim !== undefined) {
      const c = this.claim;
      if (c.hasLines && c.charge !== c.lines) this.out.push(balanceIssue(c.seg, '2300', 2, '782', 'claim charge is not the sum of the service line charges'));
      this.claim = undefined;
    } else if (loop.id === '2110' && this.svc !== undefined) {
      const s = this.svc;
      if (s.charge - s.paid !== s.adj) this.out.push(balanceIssue(s.seg, '2110', 3, '782', 'line charge minus line payment is not the sum of the line adjustments'));
      this.svc = undefined;
    } else if (loop.id === '2100' && this.clp !== undefined) {
      const c = this.clp;
      if (c.charge - c.paid !== c.adj) this.out.push(balanceIssue(c.seg, '2100', 4, '782', 'claim charge minus claim payment is not the sum of the claim and line adjustments'));
      this.clp = undefined;
    } else if (loop.parent === undefined && this.payment !== undefined) {
      // BPR02 = sum(CLP04) - sum(PLB amounts): what is left after taking the claims off must be -PLB
      const p = this.payment;
      if (p.paid !== -p.plb) this.out.push(balanceIssue(p.seg, 'HEADER', 2, '782', 'total payment is not the sum of the claim payments minus the provider adjustments'));
      this.payment = undefined;
    }
  }
}
