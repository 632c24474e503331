/**
 * A segment's semantic JSON object back to its elements, driven by the segment definition (the
 * JSON -> X12 direction; the writer of the objects is segment-writer.ts). Element values are
 * strings exactly as sent; composites are objects of their components; element runs that the
 * definition groups (HI, CAS, PER, CRC) are one list.
 */
import type { Delimiters } from '@ediflow/x12';
import { inElementGroup, type ElementDef, type SegmentDef } from './definition';

export type JsonValue = string | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

function compositeText(v: JsonValue, def: ElementDef, comp: string): string {
  if (typeof v === 'string') return v;
  if (v === null || Array.isArray(v)) return '';
  const comps = def.components ?? [];
  const parts: string[] = [];
  let last = -1;
  for (let i = 0; i < Math.max(comps.length, 1); i++) {
    const key = i < comps.length ? comps[i].key : `component${i + 1}`;
    const x = v[key];
    const s = typeof x === 'string' ? x : '';
    parts.push(s);
    if (s !== '') last = i;
  }
  // components past the definition
  for (const [k, x] of Object.entries(v)) {
    const m = /^component(\d+)$/.exec(k);
    if (m === null || typeof x !== 'string') continue;
    const i = Number(m[1]) - 1;
    if (i < parts.length && comps.length > 0 && i < comps.length) continue;
    while (parts.length <= i) parts.push('');
    parts[i] = x;
    if (i > last) last = i;
  }
  return parts.slice(0, last + 1).join(comp);
}

function elementText(v: JsonValue, def: ElementDef, d: Delimiters): string {
  if (v === null || v === undefined) return '';
  if (def.components !== undefined) {
    if (Array.isArray(v)) return v.map((x) => compositeText(x, def, d.component)).join(d.repetition);
    return compositeText(v, def, d.component);
  }
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : '')).join(d.repetition);
  return typeof v === 'string' ? v : '';
}

/** The elements (index 0 = id) of a segment from its JSON object; trailing empty elements dropped. */
export function segmentElements(o: JsonObject, def: SegmentDef, d: Delimiters): string[] {
  const out: string[] = [def.segment];
  const defs = def.elements;
  const g = def.group;
  const items = g !== undefined ? o[g.key] : undefined;
  for (let i = 1; i <= defs.length; i++) {
    const ed = defs[i - 1];
    let v: JsonValue | undefined;
    if (g !== undefined && inElementGroup(def, i)) {
      const k = Math.floor((i - g.from) / g.size);
      const within = (i - g.from) % g.size;
      const item = Array.isArray(items) ? items[k] : undefined;
      if (g.size === 1) v = item;
      else if (item !== undefined && item !== null && typeof item === 'object' && !Array.isArray(item)) v = item[g.itemKeys[within]];
    } else v = o[ed.key];
    out.push(v === undefined ? '' : elementText(v, ed, d));
  }
  // elements past the definition
  for (const [k, x] of Object.entries(o)) {
    const m = /^element(\d+)$/.exec(k);
    if (m === null || typeof x !== 'string') continue;
    const i = Number(m[1]);
    if (i <= defs.length) continue;
    while (out.length <= i) out.push('');
    out[i] = x;
  }
  let end = out.length;
  while (end > 1 && out[end - 1] === '') end--;
  return end === out.length ? out : out.slice(0, end);
}
