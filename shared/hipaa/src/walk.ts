/**
 * The generic walker: reads the segments of a transaction set against a compiled guide,
 * opens and closes loops the way the guide nests them (qualifiers pick between sibling
 * segments and loops; HL levels nest by HL03), and builds the semantic JSON as it goes.
 * In checking mode it also reports structure issues (unexpected, out of order, missing,
 * over maximum use, loop over maximum repeats) with 999 IK3 codes and loop ids.
 */
import type { Delimiters, SegmentErrorCode, TransactionSet, X12Issue } from '@ediflow/x12';
import type { CompiledGuide, RtLoop, RtSegment, SegmentDef } from './definition';
import { segmentObject, type JsonObject, type JsonValue } from './segment-json';

export interface LoopSource {
  /** Loop id as the guide names it (e.g. '2300'). */
  loop: string;
  /** Segment numbers (ST = 1) of the loop's first and last segment. */
  first: number;
  last: number;
}

interface Frame<N> {
  rt: RtLoop;
  node: N;
  idx: number;
  /** Per child: times placed in this instance (a reused array, see countsAt: valid while the frame is open). */
  counts: Int32Array;
  src: LoopSource;
  /** HL01 of the loop's HL segment, when it has one. */
  hl: string | undefined;
  /** Where the HL segment is, and its HL04 (whether child levels follow): kept as values, the segment may be a moving cursor. */
  hlAt?: { position: number; offset: number; hl04: string };
}

export interface WalkResult<N = JsonObject> {
  root: N;
  issues: X12Issue[];
}

/** What the walker needs of a segment (a @ediflow/x12 Segment has all of it). */
export interface SegmentLike {
  id: string;
  /** elements[0] is the id. */
  readonly elements: string[];
  /** Position in the transaction set (ST = 1). */
  readonly position: number;
  readonly offset: number;
  readonly delimiters: Delimiters;
  /**
   * Element `i` (0 = id) without splitting the whole segment, when the segment can do that
   * cheaply; with `firstComponent`, it may stop at the component separator.
   */
  element?(i: number, firstComponent?: boolean): string;
}

/**
 * The segments the walker reads, one by one and in order: at(0), at(0) again, then at(1),
 * at(2), ... until undefined (an array is one). `at(i)` may hand back one object changed in
 * place for every i (the byte cursor of byte-segments.ts), which still holds the last segment
 * once at() has said undefined: the walker keeps no segment past its step (what it checks later,
 * HL04 and where the HL is, it keeps as values) but that last one, and the tape keeps none.
 */
export interface SegmentSource<S> {
  at(i: number): S | undefined;
}

export interface WalkOptions<S extends SegmentLike = SegmentLike> {
  /** Report structure issues (the validator); translation alone leaves this off. */
  check?: boolean;
  /** Called for every placed segment (validator: element checks). */
  onSegment?: (seg: S, rt: RtSegment, loop: RtLoop, obj: JsonObject) => void;
  /** Called when a loop instance closes. */
  onLoopClose?: (loop: RtLoop, obj: JsonObject, src: LoopSource) => void;
  /**
   * The value put in the tree for a placed segment; segmentObject by default. The byte writer
   * (semantic-json.ts) puts a reference to the segment's bytes there and writes it later.
   */
  segmentValue?: (seg: S, def: SegmentDef) => JsonValue;
}

/**
 * What the walker makes of the segments it places: the JSON tree (walk), nothing (the
 * validator) or the byte writer's event list (json-writer.ts). Segments and loops always go
 * into the innermost open loop instance: `open` and `segment` get the node of the top frame.
 */
export interface WalkBuilder<S extends SegmentLike, N> {
  root(src: LoopSource): N;
  /** A new instance of `loop` inside `parent`; `src` is its source pointer (its `last` grows until close). */
  open(parent: N, loop: RtLoop, src: LoopSource): N;
  /** `seg` placed as child `rt` of `loop`. */
  segment(node: N, rt: RtSegment, seg: S, loop: RtLoop): void;
  /** A segment with no place here (unknown, out of sequence, over its maximum use): kept as sent. */
  unplaced(node: N, seg: S): void;
  close(node: N, loop: RtLoop, src: LoopSource): void;
}

/** The walker's builder for the JSON tree, with the options' hooks. */
function treeBuilder<S extends SegmentLike>(options: WalkOptions<S>): WalkBuilder<S, JsonObject> {
  const value = options.segmentValue ?? ((seg: S, def: SegmentDef): JsonValue => segmentObject(seg.elements, def, seg.delimiters));
  return {
    root: (src) => ({ source: src as unknown as JsonValue }),
    open(parent, loop, src) {
      const obj: JsonObject = { source: src as unknown as JsonValue };
      addTo(parent, loop.def.key, obj, loop.repeatable);
      return obj;
    },
    segment(node, rt, seg, loop) {
      const obj = value(seg, rt.def);
      addTo(node, rt.def.key, obj, rt.repeatable);
      options.onSegment?.(seg, rt, loop, obj as JsonObject);
    },
    unplaced(node, seg) {
      addTo(node, 'unrecognizedSegments', { segment: seg.id, position: String(seg.position), elements: seg.elements.slice(1) }, true);
    },
    close(node, loop, src) {
      options.onLoopClose?.(loop, node, src);
    },
  };
}

/** Element `i` of a segment ('' when it is not there), without splitting it when the segment can say. */
export function elementOf(seg: SegmentLike, i: number): string {
  if (seg.element !== undefined) return seg.element(i);
  return seg.elements[i] ?? '';
}

function qualifier(seg: SegmentLike, rt: RtSegment): string {
  let v: string;
  if (seg.element !== undefined) v = seg.element(rt.keyPos, rt.keyComp !== 0);
  else {
    const els = seg.elements;
    v = rt.keyPos < els.length ? els[rt.keyPos] : '';
  }
  if (rt.keyComp === 0) return v;
  const c = seg.delimiters.component;
  const k = v.indexOf(c);
  return k < 0 ? v : v.slice(0, k);
}

function matches(seg: SegmentLike, rt: RtSegment, strict: boolean): boolean {
  if (seg.id !== rt.id) return false;
  if (!strict || rt.keyCodes === undefined) return true;
  return rt.keyCodes.has(qualifier(seg, rt));
}


/** Where a segment lies in a set's bytes: its first byte and its terminator (or the end). */
export interface SegmentBounds {
  start: number;
  end: number;
}

/**
 * Finds the segment of the set's bytes `src` that starts at or after `from`, past line breaks,
 * blanks and (as the reader's extraFiller) '~' when the terminator is a line break; false when
 * only such filler is left. Fills `into` (one object reused by the caller: no allocation per
 * segment). Buffer#indexOf finds the terminators of the bench's 10 MB 837P in ~5 ms.
 */
export function nextSegment(src: Buffer, d: Delimiters, from: number, into: SegmentBounds): boolean {
  const n = src.length;
  const term = d.segment.charCodeAt(0);
  const tilde = term === 10 || term === 13 ? 126 : -1;
  let p = from;
  while (p < n) {
    const c = src[p];
    if (c === 10 || c === 13 || c === 32 || c === 9 || c === tilde) p++;
    else break;
  }
  if (p >= n) return false;
  const t = src.indexOf(term, p);
  into.start = p;
  into.end = t < 0 ? n : t;
  return true;
}

/**
 * The segments of a transaction set read straight from its text (no Segment objects): the
 * translation path. Text with non-ASCII bytes goes through the engine's own segments (decoding).
 */
export function fastSegments(tx: TransactionSet): SegmentLike[] {
  if (!tx.isAscii) return tx.segments;
  const s = tx.text;
  const d = tx.delimiters;
  const out: SegmentLike[] = [];
  const b: SegmentBounds = { start: 0, end: 0 };
  for (let p = 0; nextSegment(tx.bytes, d, p, b); p = b.end + 1) {
    const elements = s.slice(b.start, b.end).split(d.element);
    out.push({ id: elements[0], elements, position: out.length + 1, offset: tx.offset + b.start, delimiters: d });
  }
  return out;
}

function firstOf(c: RtSegment | RtLoop): RtSegment {
  return c.kind === 'segment' ? c : c.first;
}

function addTo(obj: JsonObject, key: string, value: JsonValue, many: boolean): void {
  if (!many) {
    const had = obj[key];
    // a loop that may occur once, sent twice (a guide error, reported): keep both, nothing is lost
    if (had === undefined) obj[key] = value;
    else obj[key] = Array.isArray(had) ? [...had, value] : [had, value];
    return;
  }
  const a = obj[key];
  if (Array.isArray(a)) a.push(value);
  else obj[key] = [value];
}

export function walk<S extends SegmentLike>(guide: CompiledGuide, segments: SegmentSource<S>, options: WalkOptions<S> = {}): WalkResult {
  return walkWith(guide, segments, options.check === true, treeBuilder(options));
}

/** The walker with its own builder; `check` reports structure issues. */
export function walkWith<S extends SegmentLike, N>(guide: CompiledGuide, segments: SegmentSource<S>, check: boolean, builder: WalkBuilder<S, N>): WalkResult<N> {
  const issues: X12Issue[] = [];
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

  const issue = (seg: SegmentLike, code: SegmentErrorCode, loopId: string, message: string, id = seg.id, position = seg.position): void => {
    issues.push({
      code: 'GUIDE_SEGMENT', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset, message,
      segment: { id, position, loopId, syntaxCode: code },
    });
  };

  const close = (f: Frame<N>, at: SegmentLike | undefined): void => {
    const parent = frames[frames.length - 1];
    if (parent !== undefined && parent.src.last < f.src.last) parent.src.last = f.src.last;
    if (check && f.hlAt !== undefined) {
      const hl04 = f.hlAt.hl04;
      const children = f.rt.children.some((c, i) => c.kind === 'loop' && c.first.id === 'HL' && f.counts[i] > 0);
      if ((hl04 === '0' && children) || (hl04 === '1' && !children)) {
        issues.push({
          code: 'GUIDE_HL_CHILD', severity: 'error', level: 'transaction', source: 'guide', offset: f.hlAt.offset,
          message: `HL04 does not match the child levels of loop ${f.rt.id}`,
          segment: { id: 'HL', position: f.hlAt.position, loopId: f.rt.id, syntaxCode: '8' }, element: { position: 4, reference: '736', syntaxCode: '7', badValue: hl04 },
        });
      }
    }
    if (check && at !== undefined) {
      for (const i of f.rt.required) {
        if (f.counts[i] > 0) continue;
        const c = f.rt.children[i];
        const what = c.kind === 'segment' ? `segment ${c.id}` : `loop ${c.id}`;
        issue(at, '3', f.rt.id, `required ${what} missing in loop ${f.rt.id}`, firstOf(c).id, at.position);
      }
    }
    builder.close(f.node, f.rt, f.src);
  };

  /** Finds where a segment goes: place(frame index, child index), or -1. */
  const find = (seg: SegmentLike, strict: boolean, topOnly: boolean): number => {
    const lowest = topOnly ? frames.length - 1 : 0;
    let full = -1;
    for (let fi = frames.length - 1; fi >= lowest; fi--) {
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
  const findDeep = (seg: SegmentLike): [number, number, number] | undefined => {
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

  let last: S | undefined;
  for (let i = 0; ; i++) {
    const seg = segments.at(i);
    if (seg === undefined) break;
    last = seg;
    let where = find(seg, true, false);
    if (where < 0) where = find(seg, false, false);
    if (where < 0) {
      const deep = findDeep(seg);
      if (deep !== undefined) {
        const [fi, j, k] = deep;
        while (frames.length - 1 > fi) close(frames.pop()!, seg);
        const f = frames[fi];
        const outer = f.rt.children[j] as RtLoop;
        if (check) issue(seg, '3', outer.id, `required segment ${outer.first.id} missing in loop ${outer.id}`, outer.first.id);
        f.idx = j;
        f.counts[j]++;
        const src: LoopSource = { loop: outer.id, first: seg.position, last: seg.position };
        const node = builder.open(f.node, outer, src);
        const counts = countsAt(frames.length, outer.children.length);
        counts[0] = 1; // reported above, not again when the loop closes
        frames.push({ rt: outer, node, idx: k, counts, src, hl: undefined });
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
      if (check) {
        const known = guide.segmentIds.has(seg.id);
        issue(seg, known ? '2' : '1', f.rt.id, known ? `segment ${seg.id} not expected in loop ${f.rt.id}` : `segment ${seg.id} not in this guide`);
      }
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
      if (check) {
        if (outOfOrder) issue(seg, '7', f.rt.id, `segment ${seg.id} out of sequence in loop ${f.rt.id}`);
        else if (over) issue(seg, '5', f.rt.id, `segment ${seg.id} over maximum use in loop ${f.rt.id}`);
        if (child.def.usage === 'N') issue(seg, 'I4', f.rt.id, `segment ${seg.id} not used in this guide`);
      }
      if (outOfOrder) f.counts[j]++;
      if (outOfOrder || (over && !child.repeatable)) {
        // no place for it without losing data: kept as sent, next to the loop's other segments
        builder.unplaced(f.node, seg);
        frames[frames.length - 1].src.last = seg.position;
        continue;
      }
      f.idx = j;
      f.counts[j]++;
      frames[frames.length - 1].src.last = seg.position;
      builder.segment(f.node, child, seg, f.rt);
      continue;
    }
    // open a loop instance (and the loops between it and its first segment)
    if (check && j === f.idx && child.def.repeat !== 0 && f.counts[j] >= child.def.repeat) {
      issue(seg, '4', child.id, `loop ${child.id} over maximum repeats`);
    }
    f.idx = j;
    f.counts[j]++;
    let loop: RtLoop = child;
    let parent = f;
    for (;;) {
      const src: LoopSource = { loop: loop.id, first: seg.position, last: seg.position };
      const node = builder.open(parent.node, loop, src);
      const nf: Frame<N> = { rt: loop, node, idx: 0, counts: countsAt(frames.length, loop.children.length), src, hl: undefined };
      frames.push(nf);
      const c0 = loop.children[0];
      nf.counts[0] = 1;
      if (c0.kind === 'loop') {
        loop = c0;
        parent = nf;
        continue;
      }
      if (check && seg.id === 'HL') {
        nf.hl = elementOf(seg, 1);
        nf.hlAt = { position: seg.position, offset: seg.offset, hl04: elementOf(seg, 4) };
        const parentHl = findParentHl(frames);
        const hl02 = elementOf(seg, 2);
        if (parentHl !== undefined && hl02 !== parentHl) {
          issues.push({
            code: 'GUIDE_HL_PARENT', severity: 'error', level: 'transaction', source: 'guide', offset: seg.offset,
            message: `HL02 does not point at the enclosing level in loop ${loop.id}`,
            segment: { id: 'HL', position: seg.position, loopId: loop.id, syntaxCode: '8' }, element: { position: 2, reference: '734', syntaxCode: '7', badValue: hl02 },
          });
        }
      }
      frames[frames.length - 1].src.last = seg.position;
      builder.segment(nf.node, c0, seg, loop);
      break;
    }
  }
  while (frames.length > 0) close(frames.pop()!, last);
  return { root, issues };
}

/** A place for a segment, [frame index, child index], as one number (no array per segment; a loop has far fewer than 65536 children). */
const place = (frame: number, child: number): number => frame * 65536 + child;
const frameOf = (where: number): number => Math.floor(where / 65536);
const childOf = (where: number): number => where % 65536;

function findParentHl<N>(frames: Frame<N>[]): string | undefined {
  for (let i = frames.length - 2; i >= 0; i--) if (frames[i].hl !== undefined) return frames[i].hl;
  return undefined;
}
