/**
 * Fast generic JSON of a transaction set: every segment as an array of its raw
 * element strings (components and repetitions stay in the element text, with
 * the interchange's delimiters). Written byte by byte from the transaction
 * text, without one string object per element, so it keeps up with the
 * reader. Semantic (guide-aware) JSON is a separate concern.
 */
import type { TransactionSet } from './model';

function header(tx: TransactionSet): string {
  return `{"setId":${JSON.stringify(tx.setId)},"controlNumber":${JSON.stringify(tx.controlNumber)},"implementationRef":${JSON.stringify(tx.implementationRef)},"delimiters":${JSON.stringify(tx.delimiters)},"segments":`;
}

/** The JSON for plain ASCII text (no quotes, backslashes or control characters in elements), else undefined. */
function plainJson(tx: TransactionSet, head: string): Buffer | undefined {
  const text = tx.text;
  const src = Buffer.from(text, 'latin1');
  const n = src.length;
  const sep = tx.delimiters.element.charCodeAt(0);
  const term = tx.delimiters.segment.charCodeAt(0);
  const tilde = term === 10 || term === 13 ? 126 : -1;
  // worst case: every byte a separator (3 bytes each), plus brackets
  const out = Buffer.allocUnsafe(head.length + n * 3 + 8);
  let o = out.write(head, 0, 'latin1');
  out[o++] = 0x5b; // [
  let i = 0;
  let first = true;
  while (i < n) {
    let b = src[i];
    while (b === 10 || b === 13 || b === 32 || b === tilde) {
      if (++i >= n) break;
      b = src[i];
    }
    if (i >= n) break;
    if (!first) out[o++] = 0x2c;
    first = false;
    out[o++] = 0x5b;
    out[o++] = 0x22;
    for (; i < n; i++) {
      b = src[i];
      if (b === term) break;
      if (b === sep) {
        out[o++] = 0x22;
        out[o++] = 0x2c;
        out[o++] = 0x22;
      } else if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c) {
        return undefined; // needs escaping or is not ASCII: general path
      } else out[o++] = b;
    }
    out[o++] = 0x22;
    out[o++] = 0x5d;
    i++;
  }
  out[o++] = 0x5d;
  out[o++] = 0x7d; // }
  return out.subarray(0, o);
}

/**
 * JSON bytes (UTF-8): {"setId":..,"controlNumber":..,"implementationRef":..,"delimiters":{..},"segments":[["ST","837","0001"],..]}.
 * Non-ASCII text is decoded like `segments` does (UTF-8 when valid).
 */
export function transactionToJsonBytes(tx: TransactionSet): Buffer {
  const head = header(tx);
  if (/^[\x00-\x7f]*$/.test(head)) {
    const fast = plainJson(tx, head);
    if (fast !== undefined) return fast;
  }
  return Buffer.from(`${head}${JSON.stringify(tx.segments.map((s) => s.elements))}}`, 'utf8');
}

/** Same as transactionToJsonBytes, as a string. */
export function transactionToJson(tx: TransactionSet): string {
  return transactionToJsonBytes(tx).toString('utf8');
}
