/**
 * Fast generic JSON of a transaction set: every segment as an array of its raw
 * element strings (components and repetitions stay in the element text, with
 * the interchange's delimiters). Written byte by byte from the transaction's
 * bytes into one reused 64 KiB buffer that is handed to a sink as it fills, so a
 * stream of sets allocates nothing per set and keeps up with the reader.
 * Semantic (guide-aware) JSON is a separate concern.
 */
import { extraFillerOf, skipFiller } from './cursor';
import type { TransactionSet } from './model';

/**
 * Receives the JSON in pieces, in order. The bytes are only valid during the call (the buffer is
 * reused for the next piece): copy them if they must outlive it.
 */
export type JsonSink = (bytes: Buffer) => void;

const CHUNK = 64 * 1024;

/** The output buffer, reused from one set to the next (undefined while in use). */
let idle: Buffer | undefined;

function header(tx: TransactionSet): string {
  return `{"setId":${JSON.stringify(tx.setId)},"controlNumber":${JSON.stringify(tx.controlNumber)},"implementationRef":${JSON.stringify(tx.implementationRef)},"delimiters":${JSON.stringify(tx.delimiters)},"segments":`;
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** 1 for the bytes an element copies as they are (printable ASCII except `"` and `\`). */
const PLAIN = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b++) PLAIN[b] = b === 0x22 || b === 0x5c ? 0 : 1;
/** PLAIN without the element separator and segment terminator, per delimiter pair (one test per byte in the copy loop). */
const copyTables = new Map<number, Uint8Array>();

function copyTable(sep: number, term: number): Uint8Array {
  const key = sep * 256 + term;
  let t = copyTables.get(key);
  if (t === undefined) {
    t = PLAIN.slice();
    t[sep] = 0;
    t[term] = 0;
    copyTables.set(key, t);
  }
  return t;
}

/** The most bytes one input byte of an element can add: `\u00XX`. */
const MAX_PER_BYTE = 6;
/** Free room wanted before a segment starts; a longer segment goes to the sink in several pieces. */
const SEGMENT_ROOM = 8 * 1024;

/**
 * ASCII text: each byte is one char, so elements are copied byte for byte (escaping `"`, `\` and
 * control chars). No call per segment or element (a Buffer.indexOf per segment costs more than the
 * copy): each segment's bytes are copied while they fit the free room even if every byte grew to
 * MAX_PER_BYTE, and the buffer goes to the sink when it is nearly full.
 */
function asciiJson(tx: TransactionSet, head: string, sink: JsonSink): void {
  // the idle output buffer, unless a sink call re-entered this function while it was in use
  const out = idle ?? Buffer.allocUnsafeSlow(CHUNK);
  idle = undefined;
  const s = tx.bytes;
  const n = s.length;
  const sep = tx.delimiters.element.charCodeAt(0);
  const term = tx.delimiters.segment.charCodeAt(0);
  const tilde = extraFillerOf(term);
  const copy = copyTable(sep, term);
  const cap = out.length - 8;
  let o = 0;
  try {
    sink(Buffer.from(head, 'latin1'));
    out[o++] = 0x5b; // [
    let i = 0;
    let first = true;
    while (i < n) {
      i = skipFiller(s, i, n, tilde);
      if (i >= n) break;
      let b = s[i];
      if (cap - o < SEGMENT_ROOM) {
        sink(out.subarray(0, o));
        o = 0;
      }
      if (!first) out[o++] = 0x2c;
      first = false;
      out[o++] = 0x5b;
      out[o++] = 0x22;
      for (;;) {
        const stop = Math.min(n, i + Math.floor((cap - o) / MAX_PER_BYTE));
        for (; i < stop; i++) {
          b = s[i];
          if (copy[b] === 1) {
            out[o++] = b;
            continue;
          }
          if (b === term) break;
          if (b === sep) {
            out[o++] = 0x22;
            out[o++] = 0x2c;
            out[o++] = 0x22;
          } else if (b === 0x22 || b === 0x5c) {
            out[o++] = 0x5c;
            out[o++] = b;
          } else {
            // a control character or DEL: \u00XX
            out[o++] = 0x5c;
            out[o++] = 0x75;
            out[o++] = 0x30;
            out[o++] = 0x30;
            out[o++] = HEX[b >> 4];
            out[o++] = HEX[b & 15];
          }
        }
        if (i >= n || s[i] === term) break;
        // a segment longer than the free room: hand on what is written and go on
        sink(out.subarray(0, o));
        o = 0;
      }
      out[o++] = 0x22;
      out[o++] = 0x5d;
      i++;
    }
    out[o++] = 0x5d;
    out[o++] = 0x7d; // }
    sink(out.subarray(0, o));
  } finally {
    idle = out;
  }
}

/**
 * Writes the JSON (UTF-8) of a transaction set to `sink`:
 * {"setId":..,"controlNumber":..,"implementationRef":..,"delimiters":{..},"segments":[["ST","837","0001"],..]}.
 * Non-ASCII text is decoded like `segments` does (UTF-8 when valid).
 */
export function writeTransactionJson(tx: TransactionSet, sink: JsonSink): void {
  const head = header(tx);
  if (/^[\x00-\x7f]*$/.test(head) && tx.isAscii) asciiJson(tx, head, sink);
  else sink(Buffer.from(`${head}${JSON.stringify(tx.segments.map((s) => s.elements))}}`, 'utf8'));
}

/** The JSON of writeTransactionJson as one Buffer the caller owns. */
export function transactionToJsonBytes(tx: TransactionSet): Buffer {
  const parts: Buffer[] = [];
  writeTransactionJson(tx, (bytes) => parts.push(Buffer.from(bytes)));
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Same as transactionToJsonBytes, as a string. */
export function transactionToJson(tx: TransactionSet): string {
  return transactionToJsonBytes(tx).toString('utf8');
}
