/**
 * One segment <-> its semantic JSON object, both ways, driven by the segment definition.
 * Element values stay strings exactly as sent (amounts keep their decimal text). Empty
 * elements are left out; composites become objects of their components; element runs that
 * the definition groups (HI, CAS, PER, CRC) become one list.
 */
import type { Delimiters } from '@ediflow/x12';
import { inElementGroup, type ElementDef, type SegmentDef } from './definition';

export type JsonValue = string | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

function compositeObject(v: string, def: ElementDef, comp: string): JsonObject {
  const o: JsonObject = {};
  const comps = def.components ?? [];
  if (!v.includes(comp)) {
    if (v !== '') o[comps.length > 0 ? comps[0].key : 'component1'] = v;
    return o;
  }
  const parts = v.split(comp);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '') continue;
    o[i < comps.length ? comps[i].key : `component${i + 1}`] = p;
  }
  return o;
}

function elementValue(v: string, def: ElementDef, d: Delimiters): JsonValue {
  const repeats = def.repeat !== undefined && def.repeat !== 1;
  if (def.components !== undefined) {
    if (repeats) return (d.repetition !== '' ? v.split(d.repetition) : [v]).map((x) => compositeObject(x, def, d.component));
    return compositeObject(v, def, d.component);
  }
  if (repeats) return d.repetition !== '' ? v.split(d.repetition) : [v];
  return v;
}

/** The JSON object of one segment (elements[0] is the id). */
export function segmentObject(elements: readonly string[], def: SegmentDef, d: Delimiters): JsonObject {
  const o: JsonObject = {};
  const defs = def.elements;
  const g = def.group;
  const gEnd = g === undefined ? 0 : g.from + g.size * g.count;
  let items: JsonValue[] | undefined;
  for (let i = 1; i < elements.length; i++) {
    const v = elements[i];
    if (v === '') continue;
    const ed = defs[i - 1];
    if (ed === undefined) {
      o[`element${i}`] = v;
      continue;
    }
    if (g !== undefined && i >= g.from && i < gEnd) {
      if (items === undefined) {
        items = [];
        o[g.key] = items;
      }
      const k = Math.floor((i - g.from) / g.size);
      const within = (i - g.from) % g.size;
      while (items.length <= k) items.push(g.size === 1 ? null : {});
      if (g.size === 1) items[k] = elementValue(v, ed, d);
      else (items[k] as JsonObject)[g.itemKeys[within]] = elementValue(v, ed, d);
      continue;
    }
    o[ed.key] = elementValue(v, ed, d);
  }
  return o;
}

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
