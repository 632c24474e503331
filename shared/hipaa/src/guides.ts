/**
 * The guides this package knows, compiled once on first use, and how a transaction set
 * picks one (ST03, else GS08; errata releases map to the definition they share).
 */
import { ByteSegment, nextSegment, type SegmentBounds, type TransactionSet } from '@ediflow/x12';
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
import def217q from './definitions/005010X217-278-request.json';
import def217r from './definitions/005010X217-278-response.json';

/** Guide ids with a definition, schema and translation. */
export const SUPPORTED_GUIDES = ['005010X222A1', '005010X223A2', '005010X224A2', '005010X221A1', '005010X214', '005010X279A1-270', '005010X279A1-271', '005010X212-276', '005010X212-277', '005010X220A1', '005010X218', '005010X231A1', '005010X217-278-request', '005010X217-278-response'] as const;
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
  '005010X217-278-request': def217q as unknown as GuideDefinition,
  '005010X217-278-response': def217r as unknown as GuideDefinition,
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
 * known 5010 guide of ST01's set; a reference two sets share (X279A1: 270 and 271) picks by ST01,
 * and one set with two guides under one reference (X217: the 278 request and response) picks by
 * the element the definitions name (`select`: BHT02). Without a guide, the reason says why.
 */
export function lookupGuide(tx: GuideLookupSet, groupVersion = ''): GuideLookup {
  const refs = [...new Set([tx.implementationRef.trim(), groupVersion.trim()])].filter((r) => r !== '');
  for (const ref of refs) {
    const candidates = byRef.get(ref)?.filter((x) => DEFINITIONS[x].setId === tx.setId) ?? [];
    if (candidates.length === 0) continue;
    const unselected = candidates.find((x) => DEFINITIONS[x].select === undefined);
    if (unselected !== undefined) return { guide: unselected };
    const sel = DEFINITIONS[candidates[0]].select as NonNullable<GuideDefinition['select']>;
    const value = headerElement(tx, sel.segment, sel.element);
    const g = candidates.find((x) => DEFINITIONS[x].select?.codes.includes(value) === true);
    if (g !== undefined) return { guide: g };
    const allowed = candidates.map((x) => `${x} (${DEFINITIONS[x].select?.codes.join(', ') ?? ''})`).join(' or ');
    const where = `${sel.segment}${String(sel.element).padStart(2, '0')}`;
    return { guide: undefined, reason: `${tx.setId} under ${ref}: ${where} ${value === '' ? 'is missing' : `'${value}'`} selects no guide; ${where} must be one of ${allowed}` };
  }
  const named = refs.map((r) => `'${r}'`).join(' / ');
  const other = refs.flatMap((r) => byRef.get(r) ?? []);
  if (other.length > 0) return { guide: undefined, reason: `${named} is a guide of ${[...new Set(other.map((x) => DEFINITIONS[x].setId))].join(', ')}, not of transaction set ${tx.setId}` };
  return { guide: undefined, reason: `no supported guide is named by ST03/GS08 ${named === '' ? '(none given)' : named} for transaction set ${tx.setId}` };
}

/**
 * The guide for a transaction set by its ids: as lookupGuide, for callers that hold no segments.
 * A set whose guides select by an element (278) needs its segments: pass the set as `tx`.
 */
export function resolveGuide(setId: string, implementationRef: string, groupVersion = '', tx?: GuideLookupSet): SupportedGuide | undefined {
  return lookupGuide(tx ?? { setId, implementationRef, bytes: Buffer.alloc(0), delimiters: { element: '*', component: ':', repetition: '^', segment: '~' } }, groupVersion).guide;
}
