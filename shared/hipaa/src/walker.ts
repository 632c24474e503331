/**
 * The guide walker: places the segments of a transaction set in the loops of a compiled guide
 * (qualifiers pick between sibling segments and loops; HL levels nest by the guide's loops) and
 * tells a builder what it placed, in order. What is wrong with the structure (a segment with no
 * place, out of order, over its maximum use, a loop over its repeats, a required child missing,
 * HL links) it tells a StructureChecks, when there is one (structure-checks.ts).
 */
import type { ByteSegment } from '@ediflow/x12';
import type { CompiledGuide, RtLoop, RtSegment } from './definition';

export interface LoopSource {
  /** Loop id as the guide names it (e.g. '2300'). */
  loop: string;
  /** Segment numbers (ST = 1) of the loop's first and last segment. */
  first: number;
  last: number;
}

/** The segments the walker reads, in order: at(0), at(1), ... until undefined (SegmentCursor). */
export interface SegmentSource {
  at(i: number): ByteSegment | undefined;
}

/**
 * What the walker makes of what it places. Segments and loops always go into the innermost open
 * loop instance: `open` and `segment` get the node of the top frame. A segment is the cursor,
 * valid only during the call.
 */
export interface WalkBuilder<N> {
  root(src: LoopSource): N;
  /**
   * A new instance of `loop` inside `parent`; `src` is its source pointer (its `last` grows until
   * close; the object is the walker's and is reused after close: copy what is kept).
   */
  open(parent: N, loop: RtLoop, src: LoopSource): N;
  /** `seg` placed as child `rt` of `loop`. */
  segment(node: N, rt: RtSegment, seg: ByteSegment, loop: RtLoop): void;
  /** A segment with no place here (unknown, out of sequence, over its maximum use): kept as sent. */
  unplaced(node: N, seg: ByteSegment): void;
  close(node: N, loop: RtLoop, src: LoopSource): void;
}

/** An open loop instance, as the structure checks see it when it closes. */
export interface OpenLoop {
  rt: RtLoop;
  /** Per child: times placed in this instance (valid while the instance is open). */
  counts: Int32Array;
  src: LoopSource;
  /** HL01 of the loop's HL segment, when it has one (only with checks). */
  hl: string | undefined;
  /** Where the HL segment is, and its HL04 (kept as values: the segment is a moving cursor). */
  hlAt?: { position: number; offset: number; hl04: string };
}

/** What the walker tells about the structure, at the moments it finds it (structure-checks.ts). */
export interface StructureChecks {
  /** No place for the segment: `known` whether the guide knows its id. */
  unexpected(seg: ByteSegment, loop: RtLoop, known: boolean): void;
  /** A loop opened by a later child because its own first segment is missing. */
  firstMissing(seg: ByteSegment, loop: RtLoop): void;
  outOfOrder(seg: ByteSegment, loop: RtLoop): void;
  overMaximumUse(seg: ByteSegment, loop: RtLoop): void;
  notUsed(seg: ByteSegment, loop: RtLoop): void;
  overRepeats(seg: ByteSegment, loop: RtLoop): void;
  /** An HL opened `opened` (the new frame is last in `open`). */
  hl(seg: ByteSegment, opened: OpenLoop, open: readonly OpenLoop[]): void;
  /** `at` is placed at child `to` of `loop`, past its children from..to-1: those not sent were expected before `at`. */
  passed(loop: OpenLoop, from: number, to: number, at: ByteSegment): void;
  /** An instance closes; `at` is the segment that closed it (undefined at the end of the set); its children after `idx` were not passed. */
  closed(loop: OpenLoop, idx: number, at: ByteSegment | undefined): void;
}

interface Frame<N> extends OpenLoop {
  node: N;
  idx: number;
}

function qualifier(seg: ByteSegment, rt: RtSegment): string {
  return seg.element(rt.keyPos, rt.keyComp !== 0);
}

function matches(seg: ByteSegment, rt: RtSegment, strict: boolean): boolean {
  if (seg.id !== rt.id) return false;
  if (!strict || rt.keyCodes === undefined) return true;
  return rt.keyCodes.has(qualifier(seg, rt));
}

function firstOf(c: RtSegment | RtLoop): RtSegment {
  return c.kind === 'segment' ? c : c.first;
}

/** A place for a segment, [frame index, child index], as one number (no array per segment; a loop has far fewer than 65536 children). */
const place = (frame: number, child: number): number => frame * 65536 + child;
const frameOf = (where: number): number => Math.floor(where / 65536);
const childOf = (where: number): number => where % 65536;

/** Walks the set's segments through the guide, telling `builder` what it places and `checks` (when given) what is wrong. */
export function walkSet<N>(guide: CompiledGuide, segments: SegmentSource, builder: WalkBuilder<N>, checks?: StructureChecks): N {
  const rootSrc: LoopSource = { loop: guide.root.id, first: segments.at(0)?.position ?? 0, last: 0 };
  const root = builder.root(rootSrc);
  // One counts array per depth, zeroed as a frame opens there: a new array per loop instance
  // (filled with 0) was the walker's largest single cost on the bench's 837P.
  const countsPool: Int32Array[] = [];
  const countsAt = (depth: number, n: number): Int32Array => {
    let c = countsPool[depth];
    if (c === undefined || c.length < n) {
      c = new Int32Array(Math.max(n, 16));
      countsPool[depth] = c;
    } else c.fill(0, 0, n);
    return c;
  };
  const frames: Frame<N>[] = [{ rt: guide.root, node: root, idx: 0, counts: countsAt(0, guide.root.children.length), src: rootSrc, hl: undefined }];
  // Frames and source pointers are reused per depth (one loop instance open at a depth at a time): a builder that
  // keeps a source pointer past its close copies it.
  const framePool: Frame<N>[] = [frames[0]];
  const sourcePool: LoopSource[] = [rootSrc];
  const sourceAt = (depth: number, loop: string, first: number): LoopSource => {
    let s = sourcePool[depth];
    if (s === undefined) {
      s = { loop, first, last: first };
      sourcePool[depth] = s;
    } else {
      s.loop = loop;
      s.first = first;
      s.last = first;
    }
    return s;
  };
  const push = (rt: RtLoop, node: N, idx: number, counts: Int32Array, src: LoopSource): Frame<N> => {
    const depth = frames.length;
    let f = framePool[depth];
    if (f === undefined) {
      f = { rt, node, idx, counts, src, hl: undefined };
      framePool[depth] = f;
    } else {
      f.rt = rt;
      f.node = node;
      f.idx = idx;
      f.counts = counts;
      f.src = src;
      f.hl = undefined;
      f.hlAt = undefined;
    }
    frames.push(f);
    return f;
  };

  const close = (f: Frame<N>, at: ByteSegment | undefined): void => {
    const parent = frames[frames.length - 1];
    if (parent !== undefined && parent.src.last < f.src.last) parent.src.last = f.src.last;
    checks?.closed(f, f.idx, at);
    builder.close(f.node, f.rt, f.src);
  };

  /** Finds where a segment goes: place(frame index, child index), or -1. */
  const find = (seg: ByteSegment, strict: boolean): number => {
    let full = -1;
    for (let fi = frames.length - 1; fi >= 0; fi--) {
      const f = frames[fi];
      const cand = f.rt.byId.get(seg.id);
      if (cand === undefined) continue;
      for (const j of cand) {
        if (j < f.idx) continue;
        const c = f.rt.children[j];
        if (!matches(seg, firstOf(c), strict)) continue;
        if (j === f.idx && c.kind === 'segment' && fi === frames.length - 1) {
          const max = c.def.maxUse;
          if (max !== 0 && f.counts[j] >= max) {
            if (full < 0) full = place(fi, j);
            continue;
          }
        }
        if (j === f.idx && c.kind === 'segment' && fi !== frames.length - 1) {
          // the parent's current segment again, after a child loop closed: only if it repeats
          if (!c.repeatable) continue;
        }
        return place(fi, j);
      }
    }
    return full;
  };

  /**
   * A segment that starts a loop nested in a loop whose own first segment is missing (an 835
   * CLP without its LX): [frame index, child loop index, grandchild loop index].
   */
  const findDeep = (seg: ByteSegment): [number, number, number] | undefined => {
    for (let fi = frames.length - 1; fi >= 0; fi--) {
      const f = frames[fi];
      for (let j = f.idx; j < f.rt.children.length; j++) {
        const c = f.rt.children[j];
        if (c.kind !== 'loop') continue;
        for (const k of c.byId.get(seg.id) ?? []) {
          const g = c.children[k];
          if (k > 0 && g.kind === 'loop' && matches(seg, g.first, true)) return [fi, j, k];
        }
      }
    }
    return undefined;
  };

  let last: ByteSegment | undefined;
  for (let i = 0; ; i++) {
    const seg = segments.at(i);
    if (seg === undefined) break;
    last = seg;
    let where = find(seg, true);
    if (where < 0) where = find(seg, false);
    if (where < 0) {
      const deep = findDeep(seg);
      if (deep !== undefined) {
        const [fi, j, k] = deep;
        while (frames.length - 1 > fi) close(frames.pop()!, seg);
        const f = frames[fi];
        const outer = f.rt.children[j] as RtLoop;
        if (j > f.idx) checks?.passed(f, f.idx + 1, j, seg);
        checks?.firstMissing(seg, outer);
        f.idx = j;
        f.counts[j]++;
        const src = sourceAt(frames.length, outer.id, seg.position);
        const node = builder.open(f.node, outer, src);
        const counts = countsAt(frames.length, outer.children.length);
        counts[0] = 1; // reported above, not again when the loop closes
        push(outer, node, k, counts, src);
        where = place(frames.length - 1, k);
      }
    }
    let outOfOrder = false;
    if (where < 0) {
      // earlier in the current loop: out of sequence
      const top = frames.length - 1;
      const f = frames[top];
      const cand = f.rt.byId.get(seg.id);
      if (cand !== undefined) {
        for (const j of cand) {
          const c = f.rt.children[j];
          if (j < f.idx && c.kind === 'segment' && matches(seg, c, true)) {
            where = place(top, j);
            outOfOrder = true;
            break;
          }
        }
      }
    }
    if (where < 0) {
      const f = frames[frames.length - 1];
      checks?.unexpected(seg, f.rt, guide.segmentIds.has(seg.id));
      builder.unplaced(f.node, seg);
      f.src.last = seg.position;
      continue;
    }
    const fi = frameOf(where);
    const j = childOf(where);
    while (frames.length - 1 > fi) close(frames.pop()!, seg);
    const f = frames[fi];
    const child = f.rt.children[j];
    if (child.kind === 'segment') {
      const over = !outOfOrder && j === f.idx && child.def.maxUse !== 0 && f.counts[j] >= child.def.maxUse;
      if (checks !== undefined) {
        if (outOfOrder) checks.outOfOrder(seg, f.rt);
        else if (over) checks.overMaximumUse(seg, f.rt);
        if (child.def.usage === 'N') checks.notUsed(seg, f.rt);
      }
      if (outOfOrder) f.counts[j]++;
      if (outOfOrder || (over && !child.repeatable)) {
        // no place for it without losing data: kept as sent, next to the loop's other segments
        builder.unplaced(f.node, seg);
        frames[frames.length - 1].src.last = seg.position;
        continue;
      }
      if (checks !== undefined && j > f.idx) checks.passed(f, f.idx + 1, j, seg);
      f.idx = j;
      f.counts[j]++;
      frames[frames.length - 1].src.last = seg.position;
      builder.segment(f.node, child, seg, f.rt);
      continue;
    }
    // open a loop instance (and the loops between it and its first segment)
    if (checks !== undefined && j === f.idx && child.def.repeat !== 0 && f.counts[j] >= child.def.repeat) checks.overRepeats(seg, child);
    if (checks !== undefined && j > f.idx) checks.passed(f, f.idx + 1, j, seg);
    f.idx = j;
    f.counts[j]++;
    let loop: RtLoop = child;
    let parent = f;
    for (;;) {
      const src = sourceAt(frames.length, loop.id, seg.position);
      const node = builder.open(parent.node, loop, src);
      const nf = push(loop, node, 0, countsAt(frames.length, loop.children.length), src);
      const c0 = loop.children[0];
      nf.counts[0] = 1;
      if (c0.kind === 'loop') {
        loop = c0;
        parent = nf;
        continue;
      }
      if (checks !== undefined && seg.id === 'HL') checks.hl(seg, nf, frames);
      frames[frames.length - 1].src.last = seg.position;
      builder.segment(nf.node, c0, seg, loop);
      break;
    }
  }
  while (frames.length > 0) close(frames.pop()!, last);
  return root;
}
