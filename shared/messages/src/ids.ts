import { createHash } from 'node:crypto';

function sha256(parts: string[]): string {
  const h = createHash('sha256');
  // A unit separator keeps ("ab","c") and ("a","bc") apart.
  h.update(parts.join('\u001f'));
  return h.digest('hex');
}

/** File id: sha256(bucket/key/etag). Same upload, same id, on every replica and after a crash. */
export function fileIdFor(bucket: string, key: string, etag: string): string {
  return sha256([`${bucket}/${key}/${etag.replace(/"/g, '')}`]);
}

export interface TransactionKey {
  partnerId: string;
  /** ISA13 interchange control number. */
  interchangeControlNumber: string;
  /** GS06 group control number. */
  groupControlNumber: string;
  /** ST02 transaction set control number. */
  transactionControlNumber: string;
  /**
   * 1-based position of the transaction set in its interchange. ST02 must be unique in a
   * group and GS06 in an interchange, but partners reuse both (public sample files do); the
   * position keeps such sets apart, and is as deterministic as the rest of the key.
   */
  transactionIndex: number;
  /** CLM01 (or CLP01) when a document is split per claim. Hashed: it can identify a patient. */
  claimId?: string;
}

/** Transaction id: partner + ISA13 + GS06 + ST02 + position in the interchange (+ claim id when split per claim), hashed. */
export function transactionIdFor(k: TransactionKey): string {
  const parts = [k.partnerId, k.interchangeControlNumber, k.groupControlNumber, k.transactionControlNumber, String(k.transactionIndex)];
  if (k.claimId !== undefined) parts.push(k.claimId);
  return sha256(parts);
}
