// What a file gives, set by set, for every partner setting (split per set or per claim, strict or
// lenient): the documents' bytes, the set's verdict and issues, the claim decisions, the 277CA,
// and the file's TA1/999. Made here from the build before the façade (the translator service's
// calls, one by one), to be kept as golden files the façade must match byte for byte.
import { createHash } from 'node:crypto';
import {
  ReportBuilder, X12FormatError, generateAcks, readX12, sequentialControlNumbers,
  type FunctionalGroup, type Interchange, type TransactionReport, type TransactionSet, type X12Issue,
} from '@ediflow/x12';
import {
  GUIDE_ISSUE_CODES, claimDecisions, generate277CA, groupContext, guideValidator, interchangeContext, lenientClaimsJson, resolveGuide,
  semanticClaimsJsonBytes, semanticJsonBytes, translateTransaction,
} from '@ediflow/hipaa';

export const SETTINGS = ['transaction', 'claim', 'lenient transaction', 'lenient claim'] as const;
export type Setting = (typeof SETTINGS)[number];

/** One document: its claim id (per-claim documents) and the SHA-256 of its bytes. */
export type DocumentHash = [claimId: string | null, sha256: string];

export interface SetRecord {
  setId: string;
  controlNumber: string;
  guide: string | null;
  /** Per strictness: IK501 ack, IK502.. codes, and the SHA-256 of the issues' JSON. */
  verdict: { strict: string; lenient: string };
  documents: Record<Setting, DocumentHash[]>;
  /** 837 of a supported guide: the SHA-256 of the claim decisions' JSON and of the 277CA text (null: no claim). */
  decisions?: { strict: string; lenient: string };
  ack277?: { strict: string | null; lenient: string | null };
}

export interface FileRecord {
  /** The reader's error code when the file is not X12 at all. */
  error?: string;
  /** SHA-256 of the TA1 + 999 + 997 text for the strict and the lenient partner. */
  acks?: { strict: string; lenient: string };
  sets?: SetRecord[];
}

export const FILE_ID = 'golden';
export const CLOCK = (): Date => new Date('2026-02-03T04:05:00Z');

export const sha = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('base64url');

/** How an output is kept: its SHA-256, or (for the few files kept in full) its text. */
type Keep = (bytes: Uint8Array | string) => string;
const text: Keep = (b) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));

/** Issue codes made errors again for the claim decisions (lenient partners see guide errors as warnings in the 999). */
const hardened = (issues: readonly X12Issue[]): X12Issue[] =>
  issues.map((i) => ((GUIDE_ISSUE_CODES as readonly string[]).includes(i.code) ? { ...i, severity: 'error' as const } : i));

const verdictOf = (r: TransactionReport, keep: Keep): string => `${r.ack} ${r.errorCodes.join(',')} ${keep(JSON.stringify(r.issues))}`;

/** The translator service's document for a set of no supported guide (its envelope context and segments). */
function genericDocument(fileId: string, ic: Interchange, group: FunctionalGroup, tx: TransactionSet): unknown {
  const last = tx.segments[tx.segments.length - 1];
  return {
    transactionSet: tx.setId,
    controlNumber: tx.controlNumber,
    implementationGuide: tx.implementationRef,
    interchange: interchangeContext(ic),
    group: groupContext(group),
    source: { fileId, firstSegment: tx.st.position, lastSegment: last.position, offset: tx.st.offset },
    segments: tx.segments.map((s) => ({ id: s.id, position: s.position, elements: s.elements.slice(1) })),
  };
}

/** The outputs of one set for every setting, given its strict and lenient reports. */
function setRecord(ic: Interchange, group: FunctionalGroup, tx: TransactionSet, position: number, strict: TransactionReport, lenient: TransactionReport, keep: Keep): SetRecord {
  const ctx = { interchange: ic, group, fileId: FILE_ID, transactionIndex: position };
  const guide = resolveGuide(tx.setId, tx.implementationRef, group.version);
  const record: SetRecord = {
    setId: tx.setId, controlNumber: tx.controlNumber, guide: guide ?? null,
    verdict: { strict: verdictOf(strict, keep), lenient: verdictOf(lenient, keep) },
    documents: { transaction: [], claim: [], 'lenient transaction': [], 'lenient claim': [] },
  };
  if (guide === undefined) {
    const doc: DocumentHash = [null, keep(JSON.stringify(genericDocument(FILE_ID, ic, group, tx)))];
    for (const s of SETTINGS) record.documents[s] = [doc];
    return record;
  }
  const whole: DocumentHash[] = [[null, keep(semanticJsonBytes(tx, ctx) as Buffer)]];
  const claims = semanticClaimsJsonBytes(tx, ctx);
  const split: DocumentHash[] = claims === undefined ? whole : claims.map((c) => [c.claimId, keep(c.bytes)]);
  record.documents.transaction = whole;
  record.documents.claim = split;
  if (tx.setId !== '837') {
    record.documents['lenient transaction'] = whole;
    record.documents['lenient claim'] = split;
    return record;
  }
  const judged = lenientClaimsJson(tx, ctx, hardened(lenient.issues));
  const accepted: DocumentHash[] = judged.accepted.map((c) => [c.claimId, keep(c.bytes)]);
  record.documents['lenient transaction'] = accepted;
  record.documents['lenient claim'] = accepted;
  const doc = translateTransaction(tx, ctx).whole;
  if (doc === undefined) throw new Error('a set of a supported guide has a document');
  const strictDecisions = claimDecisions(doc, strict.issues);
  record.decisions = { strict: keep(JSON.stringify(strictDecisions)), lenient: keep(JSON.stringify(judged.decisions)) };
  const ack = (decisions: typeof strictDecisions, issues: readonly X12Issue[]): string | null => {
    const x12 = generate277CA([{ document: doc, decisions, issues }], { controlNumbers: sequentialControlNumbers(1), clock: CLOCK });
    return x12 === undefined ? null : keep(x12);
  };
  // as the translator service calls it: the strict partner's issues, the lenient partner's decisions
  record.ack277 = { strict: ack(strictDecisions, strict.issues), lenient: ack(judged.decisions, lenient.issues) };
  return record;
}

/**
 * The record of one file, read as the translator service reads it (streaming, guide checks on);
 * with `full`, outputs are kept as their text instead of their SHA-256.
 */
export async function fileRecord(bytes: Buffer, full = false): Promise<FileRecord> {
  const keep = full ? text : sha;
  const strict = new ReportBuilder({ validators: [guideValidator()] });
  const lenient = new ReportBuilder({ validators: [guideValidator()], warnOnly: [...GUIDE_ISSUE_CODES] });
  const sets: SetRecord[] = [];
  let position = 0;
  try {
    for await (const e of readX12([bytes])) {
      const s = strict.add(e);
      const l = lenient.add(e);
      if (e.type === 'interchangeStart') position = 0;
      if (e.type !== 'transaction' || s === undefined || l === undefined) continue;
      position += 1;
      sets.push(setRecord(e.interchange, e.group, e.transaction, position, s, l, keep));
    }
  } catch (err) {
    if (!(err instanceof X12FormatError)) throw err;
    return { error: err.code };
  }
  const acks = (builder: ReportBuilder): string => {
    const a = generateAcks(builder.report(), { controlNumbers: sequentialControlNumbers(1), clock: CLOCK });
    return keep(`${a.ta1 ?? ''}\u0000${a.ack999 ?? ''}\u0000${a.ack997 ?? ''}`);
  };
  return { acks: { strict: acks(strict), lenient: acks(lenient) }, sets };
}

/**
 * What the golden file keeps of a file's record: per setting one SHA-256 over every set's
 * documents (a setting with the same documents as an earlier one names it), one over the verdicts,
 * issues and acknowledgments, one over the claim decisions and 277CAs, and the sets it read.
 */
export interface FileDigest {
  error?: string;
  sets?: string[];
  documents?: Partial<Record<Setting, string>>;
  checks?: string;
  claims?: string;
}

export function digestOf(record: FileRecord): FileDigest {
  if (record.error !== undefined) return { error: record.error };
  const sets = record.sets ?? [];
  const documents: Partial<Record<Setting, string>> = {};
  const seen = new Map<string, Setting>();
  for (const setting of SETTINGS) {
    const h = sha(JSON.stringify(sets.map((s) => s.documents[setting])));
    const earlier = seen.get(h);
    documents[setting] = earlier === undefined ? h : `=${earlier}`;
    if (earlier === undefined) seen.set(h, setting);
  }
  const digest: FileDigest = {
    sets: sets.map((s) => `${s.setId} ${s.controlNumber} ${s.guide ?? '-'}`),
    documents,
    checks: sha(JSON.stringify([record.acks, sets.map((s) => s.verdict)])),
  };
  if (sets.some((s) => s.decisions !== undefined)) digest.claims = sha(JSON.stringify(sets.map((s) => [s.decisions ?? null, s.ack277 ?? null])));
  return digest;
}
