/**
 * Structure issues of a guide walk, with their 999 codes: unexpected segment (IK304 2, or 1 when
 * the guide does not know the id), out of sequence (7), required segment or loop missing (3,
 * reported on the segment that closed the loop), over maximum use (5), loop over its repeats (4),
 * not-used segment (I4), and the HL links (HL02 must name the enclosing level, HL04 must match the
 * child levels).
 */
import type { ByteSegment, SegmentErrorCode, X12Issue } from '@ediflow/x12';
import type { RtLoop, RtSegment } from './definition';
import type { OpenLoop, StructureChecks } from './walker';

function firstOf(c: RtSegment | RtLoop): RtSegment {
  return c.kind === 'segment' ? c : c.first;
}

export class StructureIssues implements StructureChecks {
  constructor(private readonly out: X12Issue[]) {}

  private issue(seg: ByteSegment, code: SegmentErrorCode, loopId: string, message: string, id = seg.id, position = seg.position): void {
    this.out.push({
      code: 'GUIDE_SEGMENT', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset, message,
      segment: { id, position, loopId, syntaxCode: code },
    });
  }

  unexpected(seg: ByteSegment, loop: RtLoop, known: boolean): void {
    this.issue(seg, known ? '2' : '1', loop.id, known ? `segment ${seg.id} not expected in loop ${loop.id}` : `segment ${seg.id} not in this guide`);
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

  closed(f: OpenLoop, at: ByteSegment | undefined): void {
    if (f.hlAt !== undefined) {
      const hl04 = f.hlAt.hl04;
      const children = f.rt.children.some((c, i) => c.kind === 'loop' && c.first.id === 'HL' && f.counts[i] > 0);
      if ((hl04 === '0' && children) || (hl04 === '1' && !children)) {
        this.out.push({
          code: 'GUIDE_HL_CHILD', severity: 'error', level: 'transaction', source: 'guide', offset: f.hlAt.offset,
          message: `HL04 does not match the child levels of loop ${f.rt.id}`,
          segment: { id: 'HL', position: f.hlAt.position, loopId: f.rt.id, syntaxCode: '8' }, element: { position: 4, reference: '736', syntaxCode: '7', badValue: hl04 },
        });
      }
    }
    if (at === undefined) return;
    for (const i of f.rt.required) {
      if (f.counts[i] > 0) continue;
      const c = f.rt.children[i];
      const what = c.kind === 'segment' ? `segment ${c.id}` : `loop ${c.id}`;
      this.issue(at, '3', f.rt.id, `required ${what} missing in loop ${f.rt.id}`, firstOf(c).id, at.position);
    }
  }
}
