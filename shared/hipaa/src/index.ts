/**
 * @ediflow/hipaa - HIPAA 5010 implementation guides as data (837P, 837I, 837D, 835, 277CA):
 * semantic JSON both ways, guide validation (a TransactionValidator), 277CA generation,
 * splitting per claim, and JSON Schemas generated from the same definitions.
 */
export type { CompiledGuide, ElementDef, ElementGroupDef, GuideDefinition, LoopDef, SegmentDef, Usage } from './definition';
export { compileGuide, isLoop } from './definition';
export { SUPPORTED_GUIDES, compiledGuide, guideDefinition, resolveGuide } from './guides';
export type { SupportedGuide } from './guides';
export type { JsonObject, JsonValue } from './segment-json';
export { segmentElements, segmentObject } from './segment-json';
export { fastSegments, walk } from './walk';
export type { LoopSource, SegmentLike, WalkOptions, WalkResult } from './walk';
export { groupContext, interchangeContext, transactionTree, translateTransaction } from './translate';
export { semanticClaimsJsonBytes, semanticJson, semanticJsonBytes, writeSemanticJson } from './json-writer';
export type { ClaimJson } from './json-writer';
export type { JsonSink } from './json-writer';
export type {
  GroupContext, InterchangeContext, SemanticDocument, SplitMode, TranslateContext, TranslateOptions, TranslateResult,
} from './translate';
export { toX12, treeSegments } from './to-x12';
export { documentProblems } from './check-document';
export type { ToX12Options } from './to-x12';
export { SCHEMA_VERSION, schemaFor } from './schema';
export { checkTransaction, checkWithGuide, guideValidator } from './validate';
export { formatDecimal, parseDecimal } from './decimal';
export { GUIDE_ISSUE_CODES, claimDecisions, lenientClaims, lenientClaimsJson, listClaims, segmentsIn, statusFor } from './claims';
export type { ClaimDecision, ClaimInfo, ClaimStatus } from './claims';
export { generate277CA } from './ack277';
export type { Ack277Input, Ack277Options } from './ack277';
export { DEFINITION_SCHEMA } from './definition-schema';
