/**
 * The guides this package knows, compiled once on first use, and how a transaction set
 * picks one (ST03, else GS08; errata releases map to the definition they share; a 4010 set whose
 * ST03 and GS08 name no guide, by its set id), or why none fits.
 */
import { createRequire } from 'node:module';
import { ByteSegment, nextSegment, type SegmentBounds, type TransactionSet } from '@ediflow/x12';
import type { CompiledGuide, ElementDef, GuideDefinition, LoopDef } from './definition';
import { compileGuide, isLoop } from './definition';
import guideIndex from './guide-index.json';
/** Guide ids with a definition, schema and translation. */
export const SUPPORTED_GUIDES = ['005010X222A1', '005010X223A2', '005010X224A2', '005010X221A1', '005010X214', '005010X279A1-270', '005010X279A1-271', '005010X212-276', '005010X212-277', '005010X220A1', '005010X218', '005010X231A1', '005010X217-278-request', '005010X217-278-response',
  '004010X098A1', '004010X096A1', '004010X097A1', '004010X091A1', '004010X092A1-270', '004010X092A1-271', '004010X093A1-276', '004010X093A1-277', '004010X095A1'] as const;
export type SupportedGuide = (typeof SUPPORTED_GUIDES)[number];

/** What the lookup reads of each guide (guide-index.json, written from the definitions with the schemas). */
type GuideMeta = Pick<GuideDefinition, 'setId' | 'aliases' | 'legacy' | 'select'>;
const INDEX = guideIndex as Partial<Record<string, GuideMeta>>;

/**
 * The definitions, each read on first use: a process that reads one guide's sets does not parse
 * the other definitions (3.5 MB of JSON in all, most of hipaa's start-up).
 */
const loaded = new Map<SupportedGuide, GuideDefinition>();
const load = createRequire(__filename);

function definitionOf(guide: SupportedGuide): GuideDefinition {
  let d = loaded.get(guide);
  if (d === undefined) {
    d = load(`./definitions/${guide}.json`) as GuideDefinition;
    loaded.set(guide, d);
  }
  return d;
}

/** The lookup facts of a definition, as guide-index.json holds them (scripts/write-schemas.mjs writes it). */
export function guideIndexEntry(d: GuideDefinition): GuideMeta {
  return { setId: d.setId, aliases: d.aliases, ...(d.legacy === true ? { legacy: d.legacy } : {}), ...(d.select === undefined ? {} : { select: d.select }) };
}

/** A guide's lookup facts: from the index, or its definition when the index does not have it yet. */
const metaOf = (guide: SupportedGuide): GuideMeta => INDEX[guide] ?? definitionOf(guide);

/** The 4010 guides of each set id (read by set id under ISA12 00401 when ST03 and GS08 name no guide). */
const legacyBySet = new Map<string, SupportedGuide[]>();
for (const g of SUPPORTED_GUIDES) {
  const d = metaOf(g);
  if (d.legacy === true) legacyBySet.set(d.setId, [...(legacyBySet.get(d.setId) ?? []), g]);
}

/** A reference that names a version but no guide ('004010', '00401', anything without an X reference). */
const namesNoGuide = (ref: string): boolean => !/^00[0-9]{4}X/.test(ref);

const compiled = new Map<string, CompiledGuide>();
/** Implementation reference -> the guides read under it (one per set id: 270 and 271 share X279A1). */
const byRef = new Map<string, SupportedGuide[]>();
for (const g of SUPPORTED_GUIDES) {
  for (const ref of new Set([g, ...metaOf(g).aliases])) byRef.set(ref, [...(byRef.get(ref) ?? []), g]);
}

/** The definition (data) of a guide. */
export function guideDefinition(guide: SupportedGuide): GuideDefinition {
  return definitionOf(guide);
}

/** The compiled guide, built on first use. */
export function compiledGuide(guide: SupportedGuide): CompiledGuide {
  let c = compiled.get(guide);
  if (c === undefined) {
    c = compileGuide(definitionOf(guide));
    compiled.set(guide, c);
  }
  return c;
}

/** The part of a transaction set the lookup reads: its ids, and its segments when a guide selects by an element (278 BHT02). */
export type GuideLookupSet = Pick<TransactionSet, 'setId' | 'implementationRef' | 'bytes' | 'delimiters'>;

/** A transaction set's guide, or why it has none (the reason names codes and references, never a value of the data). */
export interface GuideLookup {
  guide: SupportedGuide | undefined;
  /** When `guide` is undefined: why the set is read as generic segments. */
  reason?: string;
}

/** Element `element` of the set's first `segment` among its first segments (the header: ST, BHT); '' when absent. */
function headerElement(tx: GuideLookupSet, segment: string, element: number): string {
  const b: SegmentBounds = { start: 0, end: 0 };
  const seg = new ByteSegment(tx.delimiters, tx.bytes);
  let n = 0;
  for (let p = 0; n < 4 && nextSegment(tx.bytes, tx.delimiters, p, b); p = b.end + 1, n++) {
    const s = seg.set('', 0, 0, b.start, b.end, false);
    if (s.element(0) === segment) return s.element(element);
  }
  return '';
}

/**
 * The guide of a transaction set: its implementation reference (ST03, else GS08) when it names a
 * known guide of ST01's set (or one of its errata releases); a reference two sets share (X279A1:
 * 270 and 271) picks by ST01, and one set with two guides under one reference (X217: the 278
 * request and response) picks by the element the definitions name (`select`: BHT02). Then, for a
 * 4010 interchange (ISA12 00401) whose ST03 and GS08 name no guide, the one 4010 guide of the set
 * id (an 837 there could be P, I or D: none). 5010 sets are not read by their set id alone: under
 * 5010 a version-only GS08 belongs to non-HIPAA uses of the same sets (a retail 820). Without a
 * guide, the reason says why.
 */
export function lookupGuide(tx: GuideLookupSet, groupVersion = '', interchangeVersion = ''): GuideLookup {
  const refs = [...new Set([tx.implementationRef.trim(), groupVersion.trim()])].filter((r) => r !== '');
  for (const ref of refs) {
    const candidates = byRef.get(ref)?.filter((x) => metaOf(x).setId === tx.setId) ?? [];
    if (candidates.length === 0) continue;
    const unselected = candidates.find((x) => metaOf(x).select === undefined);
    if (unselected !== undefined) return { guide: unselected };
    const sel = metaOf(candidates[0]).select as NonNullable<GuideDefinition['select']>;
    const value = headerElement(tx, sel.segment, sel.element);
    const g = candidates.find((x) => metaOf(x).select?.codes.includes(value) === true);
    if (g !== undefined) return { guide: g };
    const allowed = candidates.map((x) => `${x} (${metaOf(x).select?.codes.join(', ') ?? ''})`).join(' or ');
    const where = `${sel.segment}${String(sel.element).padStart(2, '0')}`;
    return { guide: undefined, reason: `${tx.setId} under ${ref}: ${where} ${value === '' ? 'is missing' : `'${value}'`} selects no guide; ${where} must be one of ${allowed}` };
  }
  const legacy = legacyBySet.get(tx.setId) ?? [];
  if (interchangeVersion.trim() === '00401' && refs.every(namesNoGuide) && legacy.length > 0) {
    if (legacy.length === 1) return { guide: legacy[0] };
    return { guide: undefined, reason: `${tx.setId} under ISA12 00401 with GS08 '${groupVersion.trim()}' could be ${legacy.join(', ')}: GS08 must name the guide` };
  }
  const named = refs.map((r) => `'${r}'`).join(' / ');
  const other = refs.flatMap((r) => byRef.get(r) ?? []);
  if (other.length > 0) return { guide: undefined, reason: `${named} is a guide of ${[...new Set(other.map((x) => metaOf(x).setId))].join(', ')}, not of transaction set ${tx.setId}` };
  return { guide: undefined, reason: `no supported guide is named by ST03/GS08 ${named === '' ? '(none given)' : named} for transaction set ${tx.setId}` };
}

/**
 * The guide for a transaction set by its ids: as lookupGuide, for callers that hold no segments.
 * A set whose guides select by an element (278) needs its segments: pass the set as `tx`.
 */
export function resolveGuide(setId: string, implementationRef: string, groupVersion = '', tx?: GuideLookupSet): SupportedGuide | undefined {
  return lookupGuide(tx ?? { setId, implementationRef, bytes: Buffer.alloc(0), delimiters: { element: '*', component: ':', repetition: '^', segment: '~' } }, groupVersion).guide;
}

/** Per X12 release (the first six characters of a guide id, e.g. 005010): data element number -> every code some guide of it lists. */
const releaseCodes = new Map<string, Map<string, Set<string>>>();
/** Per X12 release: every segment id some guide of it places. */
const releaseSegments = new Map<string, Set<string>>();

function collectCodes(elements: readonly ElementDef[], into: Map<string, Set<string>>): void {
  for (const e of elements) {
    if (e.components !== undefined) collectCodes(e.components, into);
    if (e.ref === undefined || e.codes === undefined || !/^\d+$/.test(e.ref)) continue;
    let set = into.get(e.ref);
    if (set === undefined) into.set(e.ref, (set = new Set()));
    for (const c of e.codes) set.add(c);
  }
}

function collectLoop(loop: LoopDef, into: Map<string, Set<string>>, ids: Set<string>): void {
  for (const c of loop.children) {
    if (isLoop(c)) collectLoop(c, into, ids);
    else {
      ids.add(c.segment);
      collectCodes(c.elements, into);
    }
  }
}

/** The codes and segment ids of the guides of `guide`'s release, read once. */
function release(guide: GuideDefinition): { codes: Map<string, Set<string>>; segments: Set<string> } {
  const name = guide.guide.slice(0, 6);
  let codes = releaseCodes.get(name);
  let segments = releaseSegments.get(name);
  if (codes === undefined || segments === undefined) {
    codes = new Map();
    segments = new Set();
    for (const g of SUPPORTED_GUIDES) if (g.startsWith(name)) collectLoop(definitionOf(g).root, codes, segments);
    releaseCodes.set(name, codes);
    releaseSegments.set(name, segments);
  }
  return { codes, segments };
}

/**
 * Whether `value` is a code of data element `ref` in the X12 release of `guide`: some guide of that
 * release lists it for that element. A guide narrows the X12 code list of an element and never adds
 * to it, so a value another guide (or another place of this one) lists is an X12 code that this
 * place does not use (IK403 I6); a value no guide here lists is reported as invalid (7). Built once
 * per release, on the first code that fails its list.
 */
export function isReleaseCode(guide: GuideDefinition, ref: string | undefined, value: string): boolean {
  return ref !== undefined && release(guide).codes.get(ref)?.has(value) === true;
}

/**
 * Whether `id` is a segment of the X12 release of `guide`: some guide of that release places it. A
 * segment this guide has no place for is then not in the transaction set as defined (IK304 6); an id
 * no guide here knows is an unrecognized segment id (1).
 */
export function isReleaseSegment(guide: GuideDefinition, id: string): boolean {
  return release(guide).segments.has(id);
}
