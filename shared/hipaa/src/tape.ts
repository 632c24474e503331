/**
 * The tape: what the walker placed in a transaction set, as a flat list of events (loop opened
 * with its source pointer, segment bytes, segment kept as sent, loop closed). The JSON writer
 * makes every document of the set from it (document-writer.ts) without walking the set again.
 *
 * A loop instance's JSON is its events in order, except where the object is more than that
 * (an irregular instance, flagged on its OPEN event): a segment kept as sent (they all go into one
 * `unrecognizedSegments` list, at the place of the first) or a child the guide allows once that
 * was placed twice (its value becomes a list).
 */
import type { ByteSegment } from '@ediflow/x12';
import type { RtLoop, RtSegment } from './definition';
import type { LoopSource, WalkBuilder } from './walker';

/** Event kinds: the low 2 bits of an event's first int. */
export const OPEN = 0;
export const SEGMENT = 1;
export const CLOSE = 2;
export const UNPLACED = 3;
/** Bit 2 of an OPEN event: the instance is irregular. */
export const IRREGULAR = 4;
/** The rest of the first int (>> 3): a loop's or segment's ordinal; a kept segment's position. */
export const SHIFT = 3;
/**
 * Ints per event: the head, then a loop's first and last segment number (OPEN), a segment's
 * start and end in the set's bytes (SEGMENT, UNPLACED), or the OPEN event's index (CLOSE).
 */
export const EVENT = 3;

export class Tape implements WalkBuilder<number> {
  ops = new Int32Array(EVENT * 4096);
  n = 0;
  /** Per open loop instance, outermost first: its OPEN event and the ordinal of its last child placed (-1: none yet). */
  private readonly opened: number[] = [];
  private readonly last: number[] = [];
  private depth = 0;

  private push(head: number, a: number, b: number): void {
    if (this.n + EVENT > this.ops.length) {
      const more = new Int32Array(this.ops.length * 2);
      more.set(this.ops);
      this.ops = more;
    }
    const ops = this.ops;
    ops[this.n] = head;
    ops[this.n + 1] = a;
    ops[this.n + 2] = b;
    this.n += EVENT;
  }

  private child(c: RtSegment | RtLoop): void {
    const d = this.depth - 1;
    if (this.last[d] === c.ordinal && !c.repeatable) this.ops[this.opened[d]] |= IRREGULAR;
    this.last[d] = c.ordinal;
  }

  root(src: LoopSource): number {
    this.n = 0;
    this.depth = 1;
    this.opened[0] = 0;
    this.last[0] = -1;
    this.push(OPEN, src.first, src.last); // the root is ordinal 0
    return 0;
  }

  open(_parent: number, loop: RtLoop, src: LoopSource): number {
    this.child(loop);
    const at = this.n;
    this.push((loop.ordinal << SHIFT) | OPEN, src.first, src.last);
    this.opened[this.depth] = at;
    this.last[this.depth++] = -1;
    return at;
  }

  segment(_node: number, rt: RtSegment, seg: ByteSegment): void {
    this.child(rt);
    this.push((rt.ordinal << SHIFT) | SEGMENT, seg.start, seg.end);
  }

  unplaced(node: number, seg: ByteSegment): void {
    this.ops[node] |= IRREGULAR;
    this.push((seg.position << SHIFT) | UNPLACED, seg.start, seg.end);
  }

  close(node: number, _loop: RtLoop, src: LoopSource): void {
    this.ops[node + 2] = src.last;
    this.push(CLOSE, node, 0);
    this.depth--;
  }
}
