/**
 * The shape check toX12 makes before it writes: every key in a semantic document's loops and segments
 * is one the guide defines (or source, unrecognizedSegments, elementN past the definition,
 * componentN), and every value has the type the JSON Schema gives it. Without it a misspelt key
 * or a number where a string belongs was left out of the X12 without a word, and a missing
 * envelope field ended in a TypeError. Problems are named by JSON Pointer and key only, never by
 * value (values can hold PHI). A generic document's segments are ids with string elements, or
 * elements split into repetitions of components.
 */
import { inElementGroup, type ElementDef, type RtLoop, type RtSegment, type SegmentDef } from './definition';
import { compiledGuide, SUPPORTED_GUIDES, type SupportedGuide } from './guides';

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const kind = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
/** A JSON Pointer step (RFC 6901). */
const step = (path: string, key: string | number): string => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Lookups by JSON key, built once per definition object. */
function cachedBy<K extends object, V>(build: (k: K) => V): (k: K) => V {
  const cache = new WeakMap<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) {
      v = build(k);
      cache.set(k, v);
    }
    return v;
  };
}
/** A loop's children by key. */
const childrenOf = cachedBy((rt: RtLoop) => new Map<string, RtSegment | RtLoop>(rt.children.map((c) => [c.def.key, c])));
/** A segment's elements by key (those outside its element group). */
const elementsOf = cachedBy((def: SegmentDef) => new Map(def.elements.flatMap((ed, i): [string, ElementDef][] => (inElementGroup(def, i + 1) ? [] : [[ed.key, ed]]))));
/** A composite's component keys. */
const componentsOf = cachedBy((ed: ElementDef) => new Set((ed.components ?? []).map((c) => c.key)));

class Problems {
  readonly list: string[] = [];

  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.list.length >= this.limit;
  }

  add(path: string, what: string): void {
    if (!this.full) this.list.push(`${path === '' ? '/' : path}: ${what}`);
  }

  /** The value at `path` is not what it must be. */
  want(path: string, what: string, v: Json): void {
    this.add(path, v === undefined ? `missing (must be ${what})` : `must be ${what}, not ${kind(v)}`);
  }
}

/** One value of a simple element or of a composite (strings; a composite also as an object of its components). */
function checkValue(ed: ElementDef, v: Json, path: string, out: Problems): void {
  if (typeof v === 'string') return;
  if (ed.components !== undefined && isObject(v)) {
    const names = componentsOf(ed);
    for (const [k, x] of Object.entries(v)) {
      const m = /^component(\d+)$/.exec(k);
      if (!names.has(k) && (m === null || Number(m[1]) <= ed.components.length)) out.add(step(path, k), `not a component of ${ed.name || 'this element'}`);
      else if (typeof x !== 'string') out.want(step(path, k), 'a string', x);
    }
    return;
  }
  out.want(path, ed.components !== undefined ? 'a string or an object of components' : 'a string (X12 values are text: amounts keep their decimal text)', v);
}

function checkElement(ed: ElementDef, v: Json, path: string, out: Problems): void {
  if (ed.repeat !== undefined && ed.repeat !== 1 && Array.isArray(v)) {
    if (ed.repeat > 0 && v.length > ed.repeat) out.add(path, `holds ${v.length} repetitions; the guide allows ${ed.repeat}`);
    v.forEach((x, i) => checkValue(ed, x, step(path, i), out));
  } else checkValue(ed, v, path, out);
}

function checkSegment(def: SegmentDef, obj: Json, path: string, out: Problems): void {
  if (!isObject(obj)) {
    out.want(path, `an object (segment ${def.segment})`, obj);
    return;
  }
  const g = def.group;
  const byKey = elementsOf(def);
  for (const [k, v] of Object.entries(obj)) {
    if (out.full) return;
    const at = step(path, k);
    const ed = byKey.get(k);
    if (ed !== undefined) checkElement(ed, v, at, out);
    else if (g !== undefined && k === g.key) {
      if (!Array.isArray(v)) {
        out.want(at, 'an array', v);
        continue;
      }
      if (v.length > g.count) out.add(at, `holds ${v.length} items; ${def.segment} has room for ${g.count}`);
      v.forEach((item, i) => {
        const first = def.elements[g.from - 1 + i * g.size];
        if (item === null || first === undefined) return;
        if (g.size === 1) {
          checkElement(first, item, step(at, i), out);
          return;
        }
        if (!isObject(item)) {
          out.want(step(at, i), 'an object or null', item);
          return;
        }
        for (const [ik, x] of Object.entries(item)) {
          const w = g.itemKeys.indexOf(ik);
          if (w < 0) out.add(step(step(at, i), ik), `not a part of ${g.key}`);
          else checkElement(def.elements[g.from - 1 + i * g.size + w], x, step(step(at, i), ik), out);
        }
      });
    } else {
      const m = /^element(\d+)$/.exec(k);
      if (m !== null && Number(m[1]) > def.elements.length) {
        if (typeof v !== 'string') out.want(at, 'a string', v);
      } else out.add(at, `not an element of ${def.segment} ${def.name}`.trimEnd());
    }
  }
}

function checkUnrecognized(v: Json, path: string, out: Problems): void {
  if (!Array.isArray(v)) {
    out.want(path, 'an array', v);
    return;
  }
  v.forEach((u, i) => {
    const at = step(path, i);
    if (!isObject(u) || typeof u.segment !== 'string' || typeof u.position !== 'string' || !Array.isArray(u.elements) || u.elements.some((x) => typeof x !== 'string')) {
      out.add(at, 'must be { segment, position, elements } of strings');
    }
  });
}

function checkLoop(rt: RtLoop, obj: Json, path: string, out: Problems): void {
  if (!isObject(obj)) {
    out.want(path, `an object (loop ${rt.id})`, obj);
    return;
  }
  const children = childrenOf(rt);
  for (const [k, v] of Object.entries(obj)) {
    if (out.full) return;
    const at = step(path, k);
    if (k === 'source') continue; // where it was read from: not written back
    if (k === 'unrecognizedSegments') {
      checkUnrecognized(v, at, out);
      continue;
    }
    const c = children.get(k);
    if (c === undefined) {
      out.add(at, `not a part of loop ${rt.id} ${rt.def.name}`.trimEnd());
      continue;
    }
    const items = Array.isArray(v) ? v : [v];
    items.forEach((item, i) => {
      const p = Array.isArray(v) ? step(at, i) : at;
      if (c.kind === 'loop') checkLoop(c, item, p, out);
      else checkSegment(c.def, item, p, out);
    });
  }
}

/** Envelope fields every document needs; `KEPT` those it needs besides to be written with the envelope it carries. */
const ENVELOPE: Record<string, readonly string[]> = {
  interchange: ['senderQualifier', 'senderId', 'receiverQualifier', 'receiverId', 'usage'],
  group: ['functionalId', 'senderCode', 'receiverCode'],
};
const KEPT: Record<string, readonly string[]> = {
  interchange: ['controlNumber', 'date', 'time', 'version'],
  group: ['controlNumber', 'date', 'time', 'version'],
};
/** Envelope fields that documents written before them lack (toX12 then writes their usual values). */
const OPTIONAL: Record<string, readonly string[]> = {
  interchange: ['authorizationQualifier', 'authorization', 'securityQualifier', 'security', 'standardsOrRepetition', 'ackRequested'],
  group: ['agency'],
};

/** A generic document's segments: each an id and its elements, an element a string or a list of repetitions of component strings. */
function checkSegments(v: Json, out: Problems): void {
  if (!Array.isArray(v)) {
    out.want('/segments', 'an array', v);
    return;
  }
  v.forEach((seg, i) => {
    const at = step('/segments', i);
    if (!isObject(seg)) return out.want(at, 'an object', seg);
    if (typeof seg.id !== 'string' || seg.id === '') out.want(`${at}/id`, 'a segment id', seg.id);
    if (!Array.isArray(seg.elements)) return out.want(`${at}/elements`, 'an array', seg.elements);
    seg.elements.forEach((e, j) => {
      if (typeof e === 'string') return;
      const ok = Array.isArray(e) && e.length > 0 && e.every((r) => Array.isArray(r) && r.length > 0 && r.every((c) => typeof c === 'string'));
      if (!ok) out.add(step(`${at}/elements`, j), 'must be a string or a list of repetitions, each a list of component strings');
    });
  });
}

/**
 * What keeps a document (semantic, or generic: `segments` and no `guide`) from being written back
 * to X12 as it stands: up to `limit` problems, each a JSON Pointer and what is wrong there. Empty
 * when toX12 can write it; `keptEnvelope`: with the envelope it carries (control numbers, dates).
 */
export function documentProblems(doc: Json, limit = 10, options: { keptEnvelope?: boolean } = {}): string[] {
  const out = new Problems(limit);
  if (!isObject(doc)) {
    out.want('', 'an object (a semantic or generic document)', doc);
    return out.list;
  }
  const generic = doc.guide === undefined && doc.segments !== undefined;
  if (!generic && (typeof doc.guide !== 'string' || !(SUPPORTED_GUIDES as readonly string[]).includes(doc.guide))) out.add('/guide', `must be one of ${SUPPORTED_GUIDES.join(', ')}`);
  for (const k of ['controlNumber', generic ? 'implementationGuide' : 'implementationRef']) if (typeof doc[k] !== 'string') out.want(`/${k}`, 'a string', doc[k]);
  for (const [part, fields] of Object.entries(ENVELOPE)) {
    const o = doc[part];
    if (!isObject(o)) out.want(`/${part}`, 'an object', o);
    else {
      for (const f of options.keptEnvelope === true ? [...fields, ...KEPT[part]] : fields) if (typeof o[f] !== 'string') out.want(`/${part}/${f}`, 'a string', o[f]);
      for (const f of OPTIONAL[part]) if (o[f] !== undefined && typeof o[f] !== 'string') out.want(`/${part}/${f}`, 'a string', o[f]);
    }
  }
  const source = doc.source;
  if (source !== undefined && !isObject(source)) out.want('/source', 'an object', source);
  else if (source === undefined) out.want('/source', 'an object', source);
  else if (source.transactionIndex !== undefined && !Number.isInteger(source.transactionIndex)) out.want('/source/transactionIndex', 'an integer', source.transactionIndex);
  const d = doc.delimiters;
  if (d !== undefined && d !== null) {
    if (!isObject(d)) out.want('/delimiters', 'an object', d);
    else {
      for (const f of ['element', 'segment']) if (typeof d[f] !== 'string' || d[f].length !== 1) out.add(`/delimiters/${f}`, 'must be one character');
      for (const f of ['component', 'repetition']) if (typeof d[f] !== 'string' || d[f].length > 1) out.add(`/delimiters/${f}`, 'must be one character or empty');
    }
  }
  if (generic) checkSegments(doc.segments, out);
  else if ((SUPPORTED_GUIDES as readonly string[]).includes(doc.guide as string)) checkLoop(compiledGuide(doc.guide as SupportedGuide).root, doc.transaction, '/transaction', out);
  return out.list;
}
