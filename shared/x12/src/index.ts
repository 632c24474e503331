/**
 * @ediflow/x12 - streaming ASC X12 engine.
 *
 * - parseX12(bytes) / parseX12Document(bytes): whole buffer -> lossless model (Interchange[]).
 * - readX12(chunks): async iterable of byte chunks -> X12Event stream; a transaction set is handed on
 *   when its SE arrives, memory bounded by the largest transaction set. X12Reader is the push parser
 *   underneath (push(chunk) / end()).
 * - serialize(interchanges): model -> the same bytes.
 * - validate(parsed) / ReportBuilder (streaming): envelope + dictionary checks -> ValidationReport with
 *   TA1 / IK5 / AK9 decisions; TransactionValidator plugs in more validators (implementation guides).
 * - generateAcks(report, { controlNumbers, clock }): TA1 / 999 / 997 text.
 * - SEGMENT_DICTIONARY / segmentDefinition / checkSegmentElements: element syntax as data.
 * - writeTransactionJson / transactionToJson / transactionToJsonBytes: fast generic JSON of a transaction set (raw elements).
 * - SegmentCursor / ByteSegment / nextSegment / skipFiller: the byte cursor (segments read straight from bytes).
 * Nothing here does I/O.
 */
export { Segment, TransactionSet } from './model';
export type { Delimiters, FunctionalGroup, Interchange, InterchangeHeader, TransactionSetInit, X12Encoding } from './model';
export type { IssueElementPlace, IssueLevel, IssueSegmentPlace, X12Issue } from './issues';
export { X12Reader, memoryControlNumberStore } from './reader';
export type { InterchangeControlNumberStore, ReadOptions, X12Event } from './reader';
export { ByteSegment, SegmentCursor, extraFillerOf, nextSegment, readsAsUtf8, shortString, skipFiller } from './cursor';
export type { SegmentBounds, SegmentSourceSet } from './cursor';
export { parseX12, parseX12Document, readX12 } from './parse';
export type { ParseResult } from './parse';
export { serialize, serializeToString, serializeTransaction, interchangeSegments, groupSegments } from './serialize';
export { validate, ReportBuilder, checkTransactionSyntax, codeListed, reportTransaction, withInterchangeIssue } from './validate';
export type { GroupReport, InterchangeReport, TransactionReport, TransactionValidator, ValidateOptions, ValidationReport } from './validate';
export { generateAcks, sequentialControlNumbers } from './acks';
export type { AckOptions, ControlNumberSource, GeneratedAcks } from './acks';
export { SEGMENT_DICTIONARY, segmentDefinition } from './dictionary';
export type { ComponentDefinition, DataType, ElementDefinition, Requirement, SegmentDefinition } from './dictionary';
export { checkSegmentElements, isValidDate, isValidDateAt, isValidTime, isValidTimeAt } from './elements';
export type { ElementFinding } from './elements';
export * from './codes';
export { X12FormatError } from './errors';
export type { X12FatalCode } from './errors';
export { transactionToJson, transactionToJsonBytes, writeTransactionJson } from './json';
export type { JsonSink } from './json';
