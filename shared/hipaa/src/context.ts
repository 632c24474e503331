/**
 * What a document says of where its transaction set came from: the interchange and group it was
 * in, the file, its position; and the shape of a semantic document.
 */
import type { Delimiters, FunctionalGroup, Interchange, TransactionSet } from '@ediflow/x12';
import { guideDefinition, type SupportedGuide } from './guides';
import type { JsonObject } from './segment-json';

export type SplitMode = 'transaction' | 'claim';

/** The ISA as sent (ISA06/08 trimmed), all that `toX12` needs to write it back; ISA16 is in `delimiters`. */
export interface InterchangeContext {
  /** ISA01. */
  authorizationQualifier: string;
  /** ISA02 without its trailing fill. */
  authorization: string;
  /** ISA03. */
  securityQualifier: string;
  /** ISA04 without its trailing fill. */
  security: string;
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA13. */
  controlNumber: string;
  date: string;
  time: string;
  /** ISA11 as sent: the repetition separator in 5010, the standards id (U) before. */
  standardsOrRepetition: string;
  /** ISA12. */
  version: string;
  /** ISA14 0 / 1. */
  ackRequested: string;
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
  /** GS07 (X). */
  agency: string;
}

/** One published document of a supported guide. `transaction` holds the guide's loops as semantic JSON. */
export interface SemanticDocument {
  /** Version of this document format (the JSON Schema's $id carries it too). */
  schemaVersion: 1;
  /** The guide whose definition shaped `transaction`, e.g. '005010X222A1'. */
  guide: SupportedGuide;
  /** Present (true) when the guide is a 4010 one, read for partners that still send 4010. */
  legacy?: true;
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

/**
 * A generic element: a string, or, when it holds the component or repetition separator, the list
 * of its repetitions, each the list of its components (`30^33` [["30"],["33"]], `HC:99213`
 * [["HC","99213"]]).
 */
export type SegmentsElement = string | string[][];

/** Version of the generic document's shape: 2 splits composites and repetitions (1, unmarked, kept them as one string). */
export const SEGMENTS_VERSION = 2;

/** The document of a set of no supported guide: its envelope context and its segments as sent. */
export interface SegmentsDocument {
  segmentsVersion: typeof SEGMENTS_VERSION;
  transactionSet: string;
  controlNumber: string;
  implementationGuide: string;
  /** Why no supported guide shaped this document (no guide of the set under its reference, or a 278 whose BHT02 selects neither X217 guide). */
  guideReason?: string;
  interchange: InterchangeContext;
  group: GroupContext;
  delimiters: Delimiters;
  /** Segment numbers (ST = 1) of the first and last segment, the byte offset of the ST, its position in the interchange. */
  source: { fileId?: string; firstSegment: number; lastSegment: number; offset: number; transactionIndex?: number };
  segments: { id: string; position: number; elements: SegmentsElement[] }[];
}

export interface TranslateContext {
  interchange: Interchange;
  group: FunctionalGroup;
  fileId?: string;
  /** 1-based position of the transaction set in its interchange (transactionIdFor's transactionIndex). */
  transactionIndex?: number;
}

export function interchangeContext(ic: Interchange): InterchangeContext {
  const h = ic.header;
  return {
    // ISA02 and ISA04 without the spaces that fill them to 10 characters, as ISA06 and ISA08
    authorizationQualifier: h.authorizationQualifier, authorization: h.authorization.trimEnd(), securityQualifier: h.securityQualifier, security: h.security.trimEnd(),
    senderQualifier: h.senderQualifier, senderId: h.senderId, receiverQualifier: h.receiverQualifier, receiverId: h.receiverId,
    controlNumber: h.controlNumber, date: h.date, time: h.time, standardsOrRepetition: h.standardsOrRepetition, version: h.version,
    ackRequested: h.ackRequested, usage: h.usage,
  };
}

export function groupContext(g: FunctionalGroup): GroupContext {
  return {
    functionalId: g.functionalId, controlNumber: g.controlNumber, version: g.version, senderCode: g.gs.element(2), receiverCode: g.gs.element(3),
    date: g.gs.element(4), time: g.gs.element(5), agency: g.gs.element(7),
  };
}

/** A semantic document's fields before `transaction` (its last field), in their order. */
export function documentBase(guide: SupportedGuide, tx: TransactionSet, ctx: TranslateContext): Omit<SemanticDocument, 'transaction'> {
  const base: Omit<SemanticDocument, 'transaction'> = {
    schemaVersion: 1,
    guide,
    ...(guideDefinition(guide).legacy === true ? { legacy: true as const } : {}),
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

/** A segments document's fields before `segments` (its last field), in their order; `segmentCount` counts what the cursor read. */
export function segmentsDocumentBase(tx: TransactionSet, ctx: TranslateContext, segmentCount: number, guideReason?: string): Omit<SegmentsDocument, 'segments'> {
  const source: SegmentsDocument['source'] = ctx.fileId === undefined ? { firstSegment: 1, lastSegment: segmentCount, offset: tx.offset } : { fileId: ctx.fileId, firstSegment: 1, lastSegment: segmentCount, offset: tx.offset };
  if (ctx.transactionIndex !== undefined) source.transactionIndex = ctx.transactionIndex;
  return {
    segmentsVersion: SEGMENTS_VERSION,
    transactionSet: tx.setId,
    controlNumber: tx.controlNumber,
    implementationGuide: tx.implementationRef,
    ...(guideReason === undefined ? {} : { guideReason }),
    interchange: interchangeContext(ctx.interchange),
    group: groupContext(ctx.group),
    delimiters: { ...tx.delimiters },
    source,
  };
}
