/**
 * The guides this package knows, compiled once on first use, and how a transaction set
 * picks one (ST03, else GS08; errata releases map to the definition they share).
 */
import type { CompiledGuide, ElementDef, GuideDefinition, LoopDef } from './definition';
import { compileGuide, isLoop } from './definition';
import def222 from './definitions/005010X222A1.json';
import def223 from './definitions/005010X223A2.json';
import def224 from './definitions/005010X224A2.json';
import def221 from './definitions/005010X221A1.json';
import def214 from './definitions/005010X214.json';
import def270 from './definitions/005010X279A1-270.json';
import def271 from './definitions/005010X279A1-271.json';
import def212q from './definitions/005010X212-276.json';
import def212r from './definitions/005010X212-277.json';
import def220 from './definitions/005010X220A1.json';
import def218 from './definitions/005010X218.json';
import def231 from './definitions/005010X231A1.json';

/** Guide ids with a definition, schema and translation. */
export const SUPPORTED_GUIDES = ['005010X222A1', '005010X223A2', '005010X224A2', '005010X221A1', '005010X214', '005010X279A1-270', '005010X279A1-271', '005010X212-276', '005010X212-277', '005010X220A1', '005010X218', '005010X231A1'] as const;
export type SupportedGuide = (typeof SUPPORTED_GUIDES)[number];

const DEFINITIONS: Record<SupportedGuide, GuideDefinition> = {
  '005010X222A1': def222 as unknown as GuideDefinition,
  '005010X223A2': def223 as unknown as GuideDefinition,
  '005010X224A2': def224 as unknown as GuideDefinition,
  '005010X221A1': def221 as unknown as GuideDefinition,
  '005010X214': def214 as unknown as GuideDefinition,
  '005010X279A1-270': def270 as unknown as GuideDefinition,
  '005010X279A1-271': def271 as unknown as GuideDefinition,
  '005010X212-276': def212q as unknown as GuideDefinition,
  '005010X212-277': def212r as unknown as GuideDefinition,
  '005010X220A1': def220 as unknown as GuideDefinition,
  '005010X218': def218 as unknown as GuideDefinition,
  '005010X231A1': def231 as unknown as GuideDefinition,
};

const compiled = new Map<string, CompiledGuide>();
/** Implementation reference -> the guides read under it (one per set id: 270 and 271 share X279A1). */
const byRef = new Map<string, SupportedGuide[]>();
for (const g of SUPPORTED_GUIDES) {
  for (const ref of new Set([g, ...DEFINITIONS[g].aliases])) byRef.set(ref, [...(byRef.get(ref) ?? []), g]);
}

/** The definition (data) of a guide. */
export function guideDefinition(guide: SupportedGuide): GuideDefinition {
  return DEFINITIONS[guide];
}

/** The compiled guide, built on first use. */
export function compiledGuide(guide: SupportedGuide): CompiledGuide {
  let c = compiled.get(guide);
  if (c === undefined) {
    c = compileGuide(DEFINITIONS[guide]);
    compiled.set(guide, c);
  }
  return c;
}

/**
 * The guide for a transaction set: its implementation reference (ST03, else GS08) when it names a
 * known 5010 guide of ST01's set (a reference two sets share, such as X279A1 for 270 and 271, picks
 * by ST01); undefined otherwise (caller falls back to raw segments).
 */
export function resolveGuide(setId: string, implementationRef: string, groupVersion = ''): SupportedGuide | undefined {
  for (const ref of [implementationRef.trim(), groupVersion.trim()]) {
    const g = byRef.get(ref)?.find((x) => DEFINITIONS[x].setId === setId);
    if (g !== undefined) return g;
  }
  return undefined;
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
    for (const g of SUPPORTED_GUIDES) if (g.startsWith(name)) collectLoop(DEFINITIONS[g].root, codes, segments);
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
