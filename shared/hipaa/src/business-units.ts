/**
 * The business units of a set as its walk meets them (an 837's claims: each 2300 instance, named
 * by CLM01), and the unit each issue is in by its segment's position: what the 999's CTX (Business
 * Unit Identifier) after an IK3 names, so a partner finds the claim of an error from the 999 alone.
 */
import type { ByteSegment, X12Issue } from '@ediflow/x12';
import type { RtLoop, RtSegment } from './definition';
import type { LoopSource } from './walker';

export class BusinessUnits {
  /** The element that names a unit: the unit loop's first segment's first element (CLM01). */
  private readonly name: string;
  /** Per unit instance, in order: its first and last segment positions and its name's value. */
  private readonly firsts: number[] = [];
  private readonly lasts: number[] = [];
  private readonly values: string[] = [];

  constructor(private readonly loopId: string, firstSegmentId: string) {
    this.name = `${firstSegmentId}01`;
  }

  open(loop: RtLoop, src: LoopSource): void {
    if (loop.id !== this.loopId) return;
    this.firsts.push(src.first);
    this.lasts.push(src.first);
    this.values.push('');
  }

  segment(rt: RtSegment, seg: ByteSegment, loop: RtLoop): void {
    if (loop.id === this.loopId && rt === loop.first && this.values.length > 0) this.values[this.values.length - 1] = seg.element(1);
  }

  close(loop: RtLoop, src: LoopSource): void {
    if (loop.id === this.loopId && this.lasts.length > 0) this.lasts[this.lasts.length - 1] = src.last;
  }

  /** The issues, each one inside a unit with that unit named (the others as they are). */
  named(issues: X12Issue[]): X12Issue[] {
    if (this.firsts.length === 0) return issues;
    return issues.map((i) => {
      const position = i.segment?.position;
      if (position === undefined) return i;
      // the last unit that starts at or before the position
      let lo = 0;
      let hi = this.firsts.length - 1;
      if (this.firsts[0] > position) return i;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.firsts[mid] <= position) lo = mid;
        else hi = mid - 1;
      }
      const value = this.values[lo];
      return position <= this.lasts[lo] && value !== '' ? { ...i, businessUnit: { name: this.name, value } } : i;
    });
  }
}
