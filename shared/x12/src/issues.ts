/**
 * Validation issues: one shape for every validator (envelope, data dictionary,
 * and later implementation-guide loops). An issue names its place (byte offset,
 * segment position, loop id, element position) and the acknowledgment codes it
 * maps to. Messages never contain element values (no PHI); `element.badValue`
 * may, and is only for building the IK404/AK404 copy sent back to the partner.
 */
import type { ElementErrorCode, GroupErrorCode, SegmentErrorCode, Ta1NoteCode, TransactionErrorCode } from './codes';

export type IssueLevel = 'file' | 'interchange' | 'group' | 'transaction';

export interface IssueSegmentPlace {
  id: string;
  /** Position in the transaction set (ST = 1); 0 for envelope segments. */
  position: number;
  /** Loop id when a guide-aware validator knows it (IK303 / AK303). */
  loopId?: string;
  /** IK304 / AK304. */
  syntaxCode?: SegmentErrorCode;
}

export interface IssueElementPlace {
  /** Element position in the segment (1-based). */
  position: number;
  /** Component position (1-based) when the error is in a component. */
  component?: number;
  /** Repetition (1-based) when the error is in a repetition. */
  repetition?: number;
  /** Data element reference number (IK402), e.g. '373'. */
  reference?: string;
  /** IK403 / AK403. */
  syntaxCode: ElementErrorCode;
  /** Copy of the bad value for IK404 (may be PHI: never log it). */
  badValue?: string;
}

export interface X12Issue {
  /** Stable machine code, e.g. 'ISA_FIELD_INVALID', 'SE_COUNT_MISMATCH'. */
  code: string;
  severity: 'error' | 'warning';
  level: IssueLevel;
  /** Human-readable, PHI-free. */
  message: string;
  /** Byte offset in the file where the problem is. */
  offset?: number;
  /** Which validator produced it ('envelope', 'dictionary', 'guide', ...). */
  source: string;
  /** TA105 note code for interchange-level issues. */
  ta1Note?: Ta1NoteCode;
  /** AK905 code for group-level issues. */
  groupCode?: GroupErrorCode;
  /** IK502 / AK502 code for transaction-level issues. */
  transactionCode?: TransactionErrorCode;
  segment?: IssueSegmentPlace;
  element?: IssueElementPlace;
  /**
   * The business unit the issue is in, for the 999's CTX after its IK3: the element that names it
   * (e.g. 'CLM01') and its value in the file (a claim's id: may be PHI, never log it).
   */
  businessUnit?: { name: string; value: string };
}
