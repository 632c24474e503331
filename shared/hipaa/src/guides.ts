/**
 * The guides this package knows, compiled once on first use, and how a transaction set
 * picks one (ST03, else GS08; errata releases map to the definition they share).
 */
import type { CompiledGuide, GuideDefinition } from './definition';
import { compileGuide } from './definition';
import def222 from './definitions/005010X222A1.json';
import def223 from './definitions/005010X223A2.json';
import def224 from './definitions/005010X224A2.json';
import def221 from './definitions/005010X221A1.json';
import def214 from './definitions/005010X214.json';

/** Guide ids with a definition, schema and translation. */
export const SUPPORTED_GUIDES = ['005010X222A1', '005010X223A2', '005010X224A2', '005010X221A1', '005010X214'] as const;
export type SupportedGuide = (typeof SUPPORTED_GUIDES)[number];

const DEFINITIONS: Record<SupportedGuide, GuideDefinition> = {
  '005010X222A1': def222 as unknown as GuideDefinition,
  '005010X223A2': def223 as unknown as GuideDefinition,
  '005010X224A2': def224 as unknown as GuideDefinition,
  '005010X221A1': def221 as unknown as GuideDefinition,
  '005010X214': def214 as unknown as GuideDefinition,
};

const compiled = new Map<string, CompiledGuide>();
const byRef = new Map<string, SupportedGuide>();
for (const g of SUPPORTED_GUIDES) {
  byRef.set(g, g);
  for (const a of DEFINITIONS[g].aliases) byRef.set(a, g);
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
 * known 5010 guide whose family matches ST01; undefined otherwise (caller falls back to raw segments).
 */
export function resolveGuide(setId: string, implementationRef: string, groupVersion = ''): SupportedGuide | undefined {
  for (const ref of [implementationRef.trim(), groupVersion.trim()]) {
    const g = byRef.get(ref);
    if (g !== undefined && DEFINITIONS[g].setId === setId) return g;
  }
  return undefined;
}
