/**
 * The guides this package knows, compiled once on first use, and how a transaction set
 * picks one (ST03, else GS08; errata releases map to the definition they share; a 4010 set whose
 * GS08 names no guide, by its set id), or why none fits.
 */
import type { CompiledGuide, GuideDefinition } from './definition';
import { compileGuide } from './definition';
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
import def098 from './definitions/004010X098A1.json';
import def096 from './definitions/004010X096A1.json';
import def097 from './definitions/004010X097A1.json';
import def091 from './definitions/004010X091A1.json';
import def092q from './definitions/004010X092A1-270.json';
import def092r from './definitions/004010X092A1-271.json';
import def093q from './definitions/004010X093A1-276.json';
import def093r from './definitions/004010X093A1-277.json';
import def095 from './definitions/004010X095A1.json';

/** Guide ids with a definition, schema and translation. */
export const SUPPORTED_GUIDES = ['005010X222A1', '005010X223A2', '005010X224A2', '005010X221A1', '005010X214', '005010X279A1-270', '005010X279A1-271', '005010X212-276', '005010X212-277', '005010X220A1', '005010X218', '005010X231A1',
  '004010X098A1', '004010X096A1', '004010X097A1', '004010X091A1', '004010X092A1-270', '004010X092A1-271', '004010X093A1-276', '004010X093A1-277', '004010X095A1'] as const;
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
  '004010X098A1': def098 as unknown as GuideDefinition,
  '004010X096A1': def096 as unknown as GuideDefinition,
  '004010X097A1': def097 as unknown as GuideDefinition,
  '004010X091A1': def091 as unknown as GuideDefinition,
  '004010X092A1-270': def092q as unknown as GuideDefinition,
  '004010X092A1-271': def092r as unknown as GuideDefinition,
  '004010X093A1-276': def093q as unknown as GuideDefinition,
  '004010X093A1-277': def093r as unknown as GuideDefinition,
  '004010X095A1': def095 as unknown as GuideDefinition,
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

/** How a set's guide was found (`by` the element that named it), or why none was. */
export type GuideLookup =
  | { guide: SupportedGuide; by: 'ST03' | 'GS08' | 'ISA12'; reference: string }
  | { guide: undefined; reason: string };

/** The 4010 guides of each set id (ISA12 00401 and a GS08 that names no guide). */
const legacyBySet = new Map<string, SupportedGuide[]>();
for (const g of SUPPORTED_GUIDES) {
  const d = DEFINITIONS[g];
  if (d.legacy === true) legacyBySet.set(d.setId, [...(legacyBySet.get(d.setId) ?? []), g]);
}

/** A GS08 that names a version but no guide ('004010', '', anything without an X reference). */
const namesNoGuide = (ref: string): boolean => !/^00[0-9]{4}X/.test(ref);

/**
 * The guide of a transaction set: ST03, then GS08, each when it names a known guide (or one of its
 * errata releases) of ST01's set; a reference two sets share (X279A1 for 270 and 271) picks by
 * ST01. Then, for a 4010 interchange (ISA12 00401) whose GS08 names no guide, the one 4010 guide
 * of the set id. 5010 sets are not read by their set id alone: under 5010 a version-only GS08
 * belongs to non-HIPAA uses of the same sets (a retail 820). Otherwise the reason none fits.
 */
export function lookupGuide(setId: string, implementationRef: string, groupVersion = '', interchangeVersion = ''): GuideLookup {
  const st03 = implementationRef.trim();
  const gs08 = groupVersion.trim();
  for (const [by, ref] of [['ST03', st03], ['GS08', gs08]] as const) {
    const g = byRef.get(ref)?.find((x) => DEFINITIONS[x].setId === setId);
    if (g !== undefined) return { guide: g, by, reference: ref };
  }
  const isa12 = interchangeVersion.trim();
  const legacy = legacyBySet.get(setId) ?? [];
  if (isa12 === '00401' && namesNoGuide(st03) && namesNoGuide(gs08)) {
    if (legacy.length === 1) return { guide: legacy[0], by: 'ISA12', reference: isa12 };
    if (legacy.length > 1) return { guide: undefined, reason: `${setId} under ISA12 00401 with GS08 '${gs08}' could be ${legacy.join(', ')}: GS08 must name the guide` };
  }
  const named = [...new Set([st03, gs08])].filter((r) => r !== '');
  if (named.length === 0) return { guide: undefined, reason: `ST03 and GS08 are empty` };
  const elsewhere = named.flatMap((r) => byRef.get(r) ?? []);
  if (elsewhere.length > 0) return { guide: undefined, reason: `${named.join(' / ')} is the reference of ${[...new Set(elsewhere.map((g) => DEFINITIONS[g].setId))].join(', ')}, not of ${setId}` };
  const what = named.map((r) => `'${r}'`).join(' / ');
  if (named.every(namesNoGuide)) return { guide: undefined, reason: `${what} names a version, not an implementation guide` };
  return { guide: undefined, reason: `no guide of ${setId} is known as ${what}` };
}

/** The guide of a transaction set (lookupGuide's), or undefined (caller falls back to raw segments). */
export function resolveGuide(setId: string, implementationRef: string, groupVersion = '', interchangeVersion = ''): SupportedGuide | undefined {
  return lookupGuide(setId, implementationRef, groupVersion, interchangeVersion).guide;
}
