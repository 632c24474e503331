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
  /**
   * SHA-256 (hex) of the set's bytes, ST through SE (contentDigestOf). Partners reuse control
   * numbers across different files, so without the content two different sets could share an
   * id and a receiver that processes each id once would drop the second.
   */
  contentDigest: string;
  /** CLM01 (or CLP01) when a document is split per claim. Hashed: it can identify a patient. */
  claimId?: string;
}

/** SHA-256 (hex) of a transaction set's bytes: the content part of its id. */
export function contentDigestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Transaction id: partner + ISA13 + GS06 + ST02 + position in the interchange + the digest of
 * the set's bytes (+ claim id when split per claim), hashed. The same file twice gives the same
 * ids; different content never shares one.
 */
export function transactionIdFor(k: TransactionKey): string {
  if (!/^[0-9a-f]{64}$/.test(k.contentDigest)) throw new RangeError('contentDigest must be a SHA-256 hex digest');
  const parts = [k.partnerId, k.interchangeControlNumber, k.groupControlNumber, k.transactionControlNumber, String(k.transactionIndex), k.contentDigest];
  if (k.claimId !== undefined) parts.push(k.claimId);
  return sha256(parts);
}
