/**
 * Implementation-guide structure as data: the types of the definition files in
 * src/definitions/<guide>.json, and their compiled runtime form (lookup tables the
 * generic walker uses). One engine walks every guide; no parser per transaction.
 */

/** R required, S situational, N not used (as the TR3 marks them). */
export type Usage = 'R' | 'S' | 'N';

export interface ElementDef {
  /** Data element reference number (e.g. '98') or composite id (e.g. 'C003'). */
  ref?: string;
  /** JSON property name (camelCase English). */
  key: string;
  /** Name as the guide gives it. */
  name: string;
  usage: Usage;
  /** X12 data type: AN, ID, N0, N2, R, DT, TM, B. */
  type?: string;
  min?: number;
  max?: number;
  /** The guide's code list (for ID elements). */
  codes?: string[];
  /** Code list kept outside the guide (e.g. state codes, CARC): not checked here. */
  external?: string;
  pattern?: string;
  /** Repetitions allowed (0 = unbounded); absent = 1. */
  repeat?: number;
  /** Components of a composite element. */
  components?: ElementDef[];
}

/** A run of repeating elements shown as one list (HI codes, CAS adjustments, PER numbers). */
export interface ElementGroupDef {
  key: string;
  /** First element position of the run (1-based). */
  from: number;
  /** Elements per item. */
  size: number;
  /** Items at most. */
  count: number;
  /** Property names inside an item (when size > 1). */
  itemKeys: string[];
}

export interface SegmentDef {
  segment: string;
  key: string;
  name: string;
  usage: Usage;
  /** Times the segment may repeat at this place (0 = unbounded). */
  maxUse: number;
  elements: ElementDef[];
  /** X12 syntax notes, e.g. P0809 (paired), C1110 (conditional), R0203 (one of). */
  syntax?: string[];
  group?: ElementGroupDef;
}

export interface LoopDef {
  loop: string;
  key: string;
  name: string;
  usage: Usage;
  /** Times the loop may repeat (0 = unbounded). */
  repeat: number;
  children: (SegmentDef | LoopDef)[];
}

/** Where a guide's claims and the parties a 277CA names sit: loop ids (claim decisions, lenient partners, the 277CA). */
export interface ClaimLevels {
  submitter: string;
  receiver: string;
  billingProvider: string;
  billingProviderName: string;
  subscriber: string;
  subscriberName: string;
  patient: string;
  patientName: string;
  claim: string;
  serviceLine: string;
  /** STC01-3 entity of an issue by the loop it is in. */
  entities: Record<string, string>;
}

export interface GuideDefinition {
  /** e.g. '005010X222A1'; with the set id where one reference has two sets ('005010X279A1-271'). */
  guide: string;
  /** The implementation reference (GS08/ST03) when `guide` is not it. */
  version?: string;
  /** ST01: '837', '835', '277', '270', '271', ... */
  setId: string;
  title: string;
  /** Other GS08/ST03 values read with this definition (errata releases). */
  aliases: string[];
  source: string;
  /** The loop a per-claim split cuts at; absent: the guide's sets are not split. */
  split?: { loop: string };
  /** Present for guides whose claims are judged one by one (lenient partners) and answered in a 277CA. */
  claims?: ClaimLevels;
  /** The claim and payment amount rules (src/balancing.ts) apply: 837 and 835 guides. */
  balancing?: boolean;
  /**
   * Where one set id has two guides under one reference (278 X217 request and response): the
   * header element that tells them apart (BHT02) and the codes that select this guide.
   */
  select?: { segment: string; element: number; codes: string[] };
  root: LoopDef;
}

export const isLoop = (c: SegmentDef | LoopDef): c is LoopDef => (c as LoopDef).loop !== undefined;

/** Whether element `position` (1-based) of a segment is one of its element group's (written as the group's list). */
export function inElementGroup(def: SegmentDef, position: number): boolean {
  const g = def.group;
  return g !== undefined && position >= g.from && position < g.from + g.size * g.count;
}

/** Compiled segment: where its qualifier sits and which values select it. */
export interface RtSegment {
  kind: 'segment';
  def: SegmentDef;
  id: string;
  /** Element position of the qualifier (1-based), 0 when none. */
  keyPos: number;
  /** Component of the qualifier (1-based) when it is in a composite, else 0. */
  keyComp: number;
  keyCodes: Set<string> | undefined;
  /** True when the segment may occur more than once here (its JSON is a list). */
  repeatable: boolean;
  /** Its number in the compiled guide (loops and segments, root = 0): an index for per-guide tables. */
  ordinal: number;
}

export interface RtLoop {
  kind: 'loop';
  def: LoopDef;
  id: string;
  children: (RtSegment | RtLoop)[];
  /** Segment id -> indices of children that can start with it (segments by id, loops by their first segment). */
  byId: Map<string, number[]>;
  /** The loop's first segment (what starts an instance). */
  first: RtSegment;
  /** Indices of the children the guide requires (usage R): what a closing instance must have had. */
  required: number[];
  repeatable: boolean;
  parent: RtLoop | undefined;
  /** As RtSegment's. */
  ordinal: number;
}

export interface CompiledGuide {
  definition: GuideDefinition;
  root: RtLoop;
  /** Every segment id the guide knows (IK304 1 vs 2). */
  segmentIds: Set<string>;
  /** Key (JSON name) -> child, per loop definition (for JSON -> X12). */
  loops: RtLoop[];
  /** Every loop and segment, by ordinal. */
  nodes: (RtSegment | RtLoop)[];
}

function compileSegment(def: SegmentDef, nodes: (RtSegment | RtLoop)[]): RtSegment {
  let keyPos = 0;
  let keyComp = 0;
  let keyCodes: Set<string> | undefined;
  for (let i = 0; i < def.elements.length && keyPos === 0; i++) {
    const e = def.elements[i];
    if (e.usage === 'N') continue;
    if (e.codes !== undefined && e.codes.length > 0) {
      keyPos = i + 1;
      keyCodes = new Set(e.codes);
    } else if (e.components !== undefined && e.components.length > 0) {
      const c = e.components[0];
      if (c.codes !== undefined && c.codes.length > 0) {
        keyPos = i + 1;
        keyComp = 1;
        keyCodes = new Set(c.codes);
      }
    }
  }
  const rt: RtSegment = { kind: 'segment', def, id: def.segment, keyPos, keyComp, keyCodes, repeatable: def.maxUse !== 1, ordinal: nodes.length };
  nodes.push(rt);
  return rt;
}

function compileLoop(def: LoopDef, parent: RtLoop | undefined, all: RtLoop[], ids: Set<string>, nodes: (RtSegment | RtLoop)[]): RtLoop {
  const loop: RtLoop = {
    kind: 'loop', def, id: def.loop, children: [], byId: new Map(), first: undefined as unknown as RtSegment, required: [], repeatable: def.repeat !== 1, parent,
    ordinal: nodes.length,
  };
  // the walker packs [frame, child] into one number (walk.ts, place())
  if (def.children.length >= 65536) throw new Error(`loop ${def.loop} has too many children`);
  all.push(loop);
  nodes.push(loop);
  for (const c of def.children) loop.children.push(isLoop(c) ? compileLoop(c, loop, all, ids, nodes) : compileSegment(c, nodes));
  loop.children.forEach((c, i) => {
    if (c.def.usage === 'R') loop.required.push(i);
    const first = c.kind === 'segment' ? c : c.first;
    ids.add(first.id);
    const list = loop.byId.get(first.id);
    if (list === undefined) loop.byId.set(first.id, [i]);
    else list.push(i);
  });
  const f = loop.children[0];
  if (f !== undefined) loop.first = f.kind === 'segment' ? f : f.first;
  return loop;
}

export function compileGuide(definition: GuideDefinition): CompiledGuide {
  const loops: RtLoop[] = [];
  const ids = new Set<string>();
  const nodes: (RtSegment | RtLoop)[] = [];
  const root = compileLoop(definition.root, undefined, loops, ids, nodes);
  return { definition, root, segmentIds: ids, loops, nodes };
}
