/**
 * @ediflow/hipaa - HIPAA implementation guides as data: 5010 (837P/I/D, 835, 277CA, 270/271, 276/277,
 * 834, 820, 999) and, for legacy partners, 4010 (837P/I/D, 835, 270/271, 276/277, 834).
 *
 * X12 -> JSON has one door: documentsFor(set, context, partner settings) walks a transaction set
 * once through its guide, checking it and recording what it places, and gives the documents
 * (bytes), the set's verdict and issues, the claims' decisions and what the 277CA needs.
 * JSON -> X12: toX12 (semantic and generic documents, with the envelope they carry or new control
 * numbers) / treeSegments; documentProblems checks a document against its guide or the generic shape.
 * generate277CA writes the 277CA; guideValidator plugs the guide's checks into a ReportBuilder.
 * JSON Schemas are generated from the same definitions (schemaFor).
 */
export type { ClaimLevels, CompiledGuide, ElementDef, ElementGroupDef, GuideDefinition, LoopDef, SegmentDef, Usage } from './definition';
export { compileGuide, isLoop } from './definition';
export { SUPPORTED_GUIDES, compiledGuide, guideDefinition, guideIndexEntry, lookupGuide, resolveGuide } from './guides';
export type { GuideLookup, GuideLookupSet } from './guides';
export type { SupportedGuide } from './guides';
export type { JsonObject, JsonValue } from './segment-json';
export { documentsFor } from './facade';
export type { DocumentOptions, SetDocuments } from './facade';
export { DEFAULT_THREADS, TranslationThreads, documentsForEach } from './set-threads';
export type { EachOptions, SetEvent } from './set-threads';
export type { WrittenDocument } from './document-writer';
export { guideValidator } from './guide-validator';
export type {
  GroupContext, InterchangeContext, SegmentsDocument, SegmentsElement, SemanticDocument, SplitMode, TranslateContext,
} from './context';
export { SEGMENTS_VERSION } from './context';
export type { LoopSource } from './walker';
export { toX12, treeSegments } from './to-x12';
export type { NewEnvelopeOptions, ToX12Options, WriteOptions, X12Document } from './to-x12';
export { documentProblems } from './check-document';
export { SCHEMA_VERSION, schemaFor } from './schema';
export { formatDecimal, parseDecimal } from './decimal';
export { GUIDE_ISSUE_CODES, claimDecisions, statusFor } from './claims';
export type { ClaimDecision, ClaimInfo, ClaimSet, ClaimStatus } from './claims';
export { generate277CA } from './ack277';
export type { Ack277Input, Ack277Options } from './ack277';
export { DEFINITION_SCHEMA } from './definition-schema';
