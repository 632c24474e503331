// What a file gives, set by set, for every partner setting (split per set or per claim, strict or
// lenient): the documents' bytes, the set's verdict and issues, the claim decisions, the 277CA,
// and the file's TA1/999. The golden files were made from the build before the façade (the
// translator service's calls one by one); this is the façade's side of the comparison.
import { createHash } from 'node:crypto';
import {
  ReportBuilder, X12FormatError, generateAcks, readX12, sequentialControlNumbers,
  type FunctionalGroup, type Interchange, type TransactionSet,
} from '@ediflow/x12';
import { documentsFor, generate277CA, type SetDocuments } from '@ediflow/hipaa';

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

const verdictOf = (r: SetDocuments['verdict'], keep: Keep): string => `${r.ack} ${r.errorCodes.join(',')} ${keep(JSON.stringify(r.issues))}`;

/** The outputs of one set for every setting, from the façade. */
function setRecord(ic: Interchange, group: FunctionalGroup, tx: TransactionSet, position: number, keep: Keep): { record: SetRecord; strict: SetDocuments; lenient: SetDocuments } {
  const ctx = { interchange: ic, group, fileId: FILE_ID, transactionIndex: position };
  const acknowledgments = ['277CA'];
  const by: Record<Setting, SetDocuments> = {
    transaction: documentsFor(tx, ctx, { split: 'transaction', acknowledgments }),
    claim: documentsFor(tx, ctx, { split: 'claim', acknowledgments }),
    'lenient transaction': documentsFor(tx, ctx, { split: 'transaction', lenient: true, acknowledgments }),
    'lenient claim': documentsFor(tx, ctx, { split: 'claim', lenient: true, acknowledgments }),
  };
  const strict = by.transaction;
  const lenient = by['lenient transaction'];
  const record: SetRecord = {
    setId: tx.setId, controlNumber: tx.controlNumber, guide: strict.guide ?? null,
    verdict: { strict: verdictOf(strict.verdict, keep), lenient: verdictOf(lenient.verdict, keep) },
    documents: { transaction: [], claim: [], 'lenient transaction': [], 'lenient claim': [] },
  };
  for (const s of SETTINGS) record.documents[s] = by[s].documents.map((d): DocumentHash => [d.claimId ?? null, keep(d.bytes)]);
  if (strict.decisions !== undefined && lenient.decisions !== undefined) {
    record.decisions = { strict: keep(JSON.stringify(strict.decisions)), lenient: keep(JSON.stringify(lenient.decisions)) };
    const ack = (r: SetDocuments): string | null => {
      const x12 = r.ack277 === undefined ? undefined : generate277CA([r.ack277], { controlNumbers: sequentialControlNumbers(1), clock: CLOCK });
      return x12 === undefined ? null : keep(x12);
    };
    record.ack277 = { strict: ack(strict), lenient: ack(lenient) };
  }
  return { record, strict, lenient };
}

/**
 * The record of one file, read as the translator service reads it (streaming, guide checks on);
 * with `full`, outputs are kept as their text instead of their SHA-256.
 */
export async function fileRecord(bytes: Buffer, full = false): Promise<FileRecord> {
  const keep = full ? text : sha;
  const strict = new ReportBuilder();
  const lenient = new ReportBuilder({ warnOnly: ['GUIDE_*'] });
  const sets: SetRecord[] = [];
  let position = 0;
  try {
    for await (const e of readX12([bytes])) {
      if (e.type === 'interchangeStart') position = 0;
      if (e.type !== 'transaction') {
        strict.add(e);
        lenient.add(e);
        continue;
      }
      position += 1;
      const r = setRecord(e.interchange, e.group, e.transaction, position, keep);
      strict.add(e, r.strict.verdict);
      lenient.add(e, r.lenient.verdict);
      sets.push(r.record);
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
