/**
 * Semantic translation: a transaction set of a supported guide -> one or more semantic JSON
 * documents (per transaction set, per claim for 837, per claim payment for 835), each with its
 * envelope context, guide version, source pointers and idempotency key parts.
 */
import type { Delimiters, FunctionalGroup, Interchange, TransactionSet } from '@ediflow/x12';
import { compiledGuide, resolveGuide, type SupportedGuide } from './guides';
import type { JsonObject, JsonValue } from './segment-json';
import { Segments } from './byte-segments';
import { fastSegments, walk } from './walk';

export type SplitMode = 'transaction' | 'claim';

export interface InterchangeContext {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA13. */
  controlNumber: string;
  date: string;
  time: string;
  /** ISA12. */
  version: string;
  /** ISA15 P / T. */
  usage: string;
}

export interface GroupContext {
  functionalId: string;
  /** GS06. */
  controlNumber: string;
  /** GS08. */
  version: string;
  senderCode: string;
  receiverCode: string;
  date: string;
  time: string;
}

/** One published document. `transaction` holds the guide's loops as semantic JSON. */
export interface SemanticDocument {
  /** Version of this document format (the JSON Schema's $id carries it too). */
  schemaVersion: 1;
  /** The guide whose definition shaped `transaction`, e.g. '005010X222A1'. */
  guide: SupportedGuide;
  /** ST01. */
  transactionSet: string;
  /** ST02. */
  controlNumber: string;
  /** ST03 (or GS08) as sent. */
  implementationRef: string;
  interchange: InterchangeContext;
  group: GroupContext;
  delimiters: Delimiters;
  /** Where in the file: fileId, byte offset of the ST, segment numbers (ST = 1). */
  source: { fileId?: string; offset: number; firstSegment: number; lastSegment: number; transactionIndex?: number };
  /** Present when the document is one part of a split transaction set. */
  split?: { mode: 'claim'; index: number; count: number; claimId: string };
  /** Parts of the idempotency key (see transactionIdFor in @ediflow/messages). */
  key: { interchangeControlNumber: string; groupControlNumber: string; transactionControlNumber: string; claimId?: string };
  transaction: JsonObject;
}

export interface TranslateContext {
  interchange: Interchange;
  group: FunctionalGroup;
  fileId?: string;
  /** 1-based position of the transaction set in its group (transactionIdFor's transactionIndex). */
  transactionIndex?: number;
}

export interface TranslateOptions {
  /** 'transaction' (default): one document per ST..SE. 'claim': one per 837 claim (2300) or 835 claim payment (2100). */
  split?: SplitMode;
}

export interface TranslateResult {
  /** Undefined when the transaction set is not of a supported guide: the caller falls back to raw segments. */
  guide?: SupportedGuide;
  documents: SemanticDocument[];
  /**
   * The whole set as one document, split or not (what a 277CA is made from): with split 'claim'
   * it saves translating the set a second time. Undefined with `guide`.
   */
  whole?: SemanticDocument;
}

export function interchangeContext(ic: Interchange): InterchangeContext {
  const h = ic.header;
  return {
    senderQualifier: h.senderQualifier, senderId: h.senderId, receiverQualifier: h.receiverQualifier, receiverId: h.receiverId,
    controlNumber: h.controlNumber, date: h.date, time: h.time, version: h.version, usage: h.usage,
  };
}

export function groupContext(g: FunctionalGroup): GroupContext {
  return {
    functionalId: g.functionalId, controlNumber: g.controlNumber, version: g.version, senderCode: g.gs.element(2), receiverCode: g.gs.element(3),
    date: g.gs.element(4), time: g.gs.element(5),
  };
}

/**
 * The semantic JSON tree of a transaction set (no envelope), or undefined for an unsupported
 * guide. An ASCII set's segments are read with the byte cursor (one object moved along, each
 * segment split once as the tree takes it); others through fastSegments (decoded segments).
 */
export function transactionTree(tx: TransactionSet, groupVersion = ''): { guide: SupportedGuide; tree: JsonObject } | undefined {
  const guide = resolveGuide(tx.setId, tx.implementationRef, groupVersion);
  if (guide === undefined) return undefined;
  const segments = tx.isAscii ? new Segments(tx) : fastSegments(tx);
  return { guide, tree: walk(compiledGuide(guide), segments).root };
}

/** A document's fields before `transaction` (its last field), in their order. */
export function documentBase(guide: SupportedGuide, tx: TransactionSet, ctx: TranslateContext): Omit<SemanticDocument, 'transaction'> {
  const base: Omit<SemanticDocument, 'transaction'> = {
    schemaVersion: 1,
    guide,
    transactionSet: tx.setId,
    controlNumber: tx.controlNumber,
    implementationRef: tx.implementationRef,
    interchange: interchangeContext(ctx.interchange),
    group: groupContext(ctx.group),
    delimiters: { ...tx.delimiters },
    source: { offset: tx.offset, firstSegment: tx.segmentCount > 0 ? 1 : 0, lastSegment: tx.segmentCount },
    key: { interchangeControlNumber: ctx.interchange.header.controlNumber, groupControlNumber: ctx.group.controlNumber, transactionControlNumber: tx.controlNumber },
  };
  if (ctx.fileId !== undefined) base.source.fileId = ctx.fileId;
  if (ctx.transactionIndex !== undefined) base.source.transactionIndex = ctx.transactionIndex;
  return base;
}

export function translateTransaction(tx: TransactionSet, ctx: TranslateContext, options: TranslateOptions = {}): TranslateResult {
  const t = transactionTree(tx, ctx.group.version);
  if (t === undefined) return { documents: [] };
  const base: SemanticDocument = { ...documentBase(t.guide, tx, ctx), transaction: t.tree };
  if (options.split !== 'claim') return { guide: t.guide, documents: [base], whole: base };
  const parts = splitClaims(t.guide, t.tree);
  if (parts === undefined) return { guide: t.guide, documents: [base], whole: base };
  return {
    guide: t.guide,
    whole: base,
    documents: parts.map((p, i) => ({
      ...base,
      split: { mode: 'claim', index: i + 1, count: parts.length, claimId: p.claimId },
      key: { ...base.key, claimId: p.claimId },
      transaction: p.tree,
    })),
  };
}

/** The loop a per-claim split cuts at: 837 2300 (claim id CLM01), 835 2100 (CLP01). */
export const CLAIM_LOOP: Partial<Record<SupportedGuide, string>> = {
  '005010X222A1': '2300', '005010X223A2': '2300', '005010X224A2': '2300', '005010X221A1': '2100',
};

/** The value of element 1 of a claim loop's first segment (CLM01 / CLP01). */
function claimIdOf(guide: SupportedGuide, loop: string, o: JsonObject): string {
  const rt = compiledGuide(guide).loops.find((l) => l.id === loop);
  if (rt === undefined) return '';
  const seg = o[rt.first.def.key];
  const first = Array.isArray(seg) ? seg[0] : seg;
  if (first === null || first === undefined || typeof first !== 'object' || Array.isArray(first)) return '';
  const v = first[rt.first.def.elements[0].key];
  return typeof v === 'string' ? v : '';
}

function loopId(o: JsonObject): string | undefined {
  const s = o.source;
  return s !== null && typeof s === 'object' && !Array.isArray(s) ? (s.loop as string | undefined) : undefined;
}

/** Every path from the root to a claim loop instance, as a pruned copy of the tree holding only that claim. */
function splitClaims(guide: SupportedGuide, tree: JsonObject): { claimId: string; tree: JsonObject }[] | undefined {
  const claimLoop = CLAIM_LOOP[guide];
  if (claimLoop === undefined) return undefined;
  const out: { claimId: string; tree: JsonObject }[] = [];
  // find claim instances with their ancestor chain: [object, key, index] steps
  const visit = (o: JsonObject, chain: { obj: JsonObject; key: string; many: boolean }[]): void => {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'source') continue;
      const list = Array.isArray(v) ? v : [v];
      for (const item of list) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
        const id = loopId(item);
        if (id === undefined) continue;
        const step = { obj: item, key: k, many: Array.isArray(v) };
        if (id === claimLoop) out.push({ claimId: claimIdOf(guide, claimLoop, item), tree: prune(tree, [...chain, step], claimLoop) });
        else visit(item, [...chain, step]);
      }
    }
  };
  visit(tree, []);
  return out;
}

/** A copy of the tree that keeps, along the chain, only the chosen loop instances; other claim loops are dropped. */
function prune(root: JsonObject, chain: { obj: JsonObject; key: string; many: boolean }[], claimLoop: string): JsonObject {
  const copyLevel = (o: JsonObject, depth: number): JsonObject => {
    const c: JsonObject = {};
    const next = chain[depth];
    for (const [k, v] of Object.entries(o)) {
      if (next !== undefined && k === next.key) {
        const child = depth === chain.length - 1 ? next.obj : copyLevel(next.obj, depth + 1);
        c[k] = next.many ? [child] : child;
        continue;
      }
      // drop sibling loop instances that hold or are claims (other claims, other patients' claims)
      if (isLoopValue(v) && holdsLoop(v, claimLoop)) continue;
      c[k] = v;
    }
    return c;
  };
  return copyLevel(root, 0);
}

function isLoopValue(v: JsonValue): boolean {
  const first = Array.isArray(v) ? v[0] : v;
  return first !== null && first !== undefined && typeof first === 'object' && !Array.isArray(first) && loopId(first) !== undefined;
}

function holdsLoop(v: JsonValue, loop: string): boolean {
  const list = Array.isArray(v) ? v : [v];
  for (const item of list) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    if (loopId(item) === loop) return true;
    for (const [k, x] of Object.entries(item)) if (k !== 'source' && isLoopValue(x) && holdsLoop(x, loop)) return true;
  }
  return false;
}

