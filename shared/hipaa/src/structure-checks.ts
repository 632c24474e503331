/**
 * Structure issues of a guide walk, with their 999 codes: unexpected segment (IK304 2; 6 when the
 * guide does not know the id but another guide of its release does, 1 when none does), out of sequence (7), required segment or loop missing (3,
 * reported at the position of the segment that came where it was expected: the next one placed
 * after it in its loop, or the one that closed the loop; IK303 the missing loop's id, or the
 * enclosing loop's for a segment), over maximum use (5), loop over its repeats (4),
 * not-used segment (I4), and the HL links (HL02 must name the enclosing level, HL04 must match the
 * child levels).
 */
import type { ByteSegment, SegmentErrorCode, X12Issue } from '@ediflow/x12';
import type { RtLoop } from './definition';
import type { OpenLoop, StructureChecks } from './walker';

export class StructureIssues implements StructureChecks {
  /** `isSegment(id)`: whether an id the guide does not know is still an X12 segment (IK304 6 rather than 1). */
  constructor(
    private readonly out: X12Issue[],
    private readonly isSegment: (id: string) => boolean = () => false,
  ) {}

  private issue(seg: ByteSegment, code: SegmentErrorCode, loopId: string, message: string, id = seg.id, position = seg.position): void {
    this.out.push({
      code: 'GUIDE_SEGMENT', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset, message,
      segment: { id, position, loopId, syntaxCode: code },
    });
  }

  unexpected(seg: ByteSegment, loop: RtLoop, known: boolean): void {
    if (known) this.issue(seg, '2', loop.id, `segment ${seg.id} not expected in loop ${loop.id}`);
    else if (this.isSegment(seg.id)) this.issue(seg, '6', loop.id, `segment ${seg.id} not in this transaction set`);
    else this.issue(seg, '1', loop.id, `segment ${seg.id} not in this guide`);
  }

  firstMissing(seg: ByteSegment, loop: RtLoop): void {
    this.issue(seg, '3', loop.id, `required segment ${loop.first.id} missing in loop ${loop.id}`, loop.first.id);
  }

  outOfOrder(seg: ByteSegment, loop: RtLoop): void {
    this.issue(seg, '7', loop.id, `segment ${seg.id} out of sequence in loop ${loop.id}`);
  }

  overMaximumUse(seg: ByteSegment, loop: RtLoop): void {
    this.issue(seg, '5', loop.id, `segment ${seg.id} over maximum use in loop ${loop.id}`);
  }

  notUsed(seg: ByteSegment, loop: RtLoop): void {
    this.issue(seg, 'I4', loop.id, `segment ${seg.id} not used in this guide`);
  }

  overRepeats(seg: ByteSegment, loop: RtLoop): void {
    this.issue(seg, '4', loop.id, `loop ${loop.id} over maximum repeats`);
  }

  hl(seg: ByteSegment, opened: OpenLoop, open: readonly OpenLoop[]): void {
    opened.hl = seg.element(1);
    opened.hlAt = { position: seg.position, offset: seg.offset, hl04: seg.element(4) };
    let parentHl: string | undefined;
    for (let i = open.length - 2; i >= 0 && parentHl === undefined; i--) parentHl = open[i].hl;
    const hl02 = seg.element(2);
    if (parentHl !== undefined && hl02 !== parentHl) {
      this.out.push({
        code: 'GUIDE_HL_PARENT', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset,
        message: `HL02 does not point at the enclosing level in loop ${opened.rt.id}`,
        segment: { id: 'HL', position: seg.position, loopId: opened.rt.id, syntaxCode: '8' }, element: { position: 2, reference: '734', syntaxCode: '7', badValue: hl02 },
      });
    }
  }

  /** Required children of `f` in [from, to) that were not sent, expected before `at`. */
  private missing(f: OpenLoop, from: number, to: number, at: ByteSegment): void {
    for (const i of f.rt.required) {
      if (i < from || i >= to || f.counts[i] > 0) continue;
      const c = f.rt.children[i];
      if (c.kind === 'segment') this.issue(at, '3', f.rt.id, `required segment ${c.id} missing in loop ${f.rt.id}`, c.id, at.position);
      else this.issue(at, '3', c.id, `required loop ${c.id} missing in loop ${f.rt.id}`, c.first.id, at.position);
    }
  }

  passed(f: OpenLoop, from: number, to: number, at: ByteSegment): void {
    this.missing(f, from, to, at);
  }

  closed(f: OpenLoop, idx: number, at: ByteSegment | undefined): void {
    if (f.hlAt !== undefined) {
      const hl04 = f.hlAt.hl04;
      const children = f.rt.children.some((c, i) => c.kind === 'loop' && c.first.id === 'HL' && f.counts[i] > 0);
      // an HL04 outside the level's code list is the element checks' finding (7 or I6), once
      const listed = f.rt.first.id !== 'HL' || f.rt.first.def.elements[3]?.codes?.includes(hl04) !== false;
      if (listed && ((hl04 === '0' && children) || (hl04 === '1' && !children))) {
        this.out.push({
          code: 'GUIDE_HL_CHILD', severity: 'error', level: 'transaction', source: 'guide', offset: f.hlAt.offset,
          message: `HL04 does not match the child levels of loop ${f.rt.id}`,
          segment: { id: 'HL', position: f.hlAt.position, loopId: f.rt.id, syntaxCode: '8' }, element: { position: 4, reference: '736', syntaxCode: '7', badValue: hl04 },
        });
      }
    }
    if (at !== undefined) this.missing(f, idx + 1, f.rt.children.length, at);
  }
}
