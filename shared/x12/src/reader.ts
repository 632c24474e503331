/**
 * Streaming X12 reader: a push parser over byte chunks. It finds delimiters in each ISA, cuts
 * segments by scanning bytes (the byte cursor's filler rule, Buffer#indexOf for terminators),
 * makes a Segment only for envelope and loose segments, builds the envelope structure, checks
 * envelopes (envelope-checks.ts) and hands each transaction set on as its bytes as soon as its SE
 * arrives (open-transaction.ts).
 */
import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { extraFillerOf, readsAsUtf8, skipFiller } from './cursor';
import { checkGe, checkIea, checkIsa, groupFieldIssues, groupIssue, isaIssue, ta1Issues, type InterchangeControlNumberStore } from './envelope-checks';
import { X12FormatError } from './errors';
import type { X12Issue } from './issues';
import { Segment } from './model';
import type { Delimiters, FunctionalGroup, Interchange, InterchangeHeader, TransactionSet, X12Encoding } from './model';
import { OpenTransaction } from './open-transaction';

export { memoryControlNumberStore, type InterchangeControlNumberStore } from './envelope-checks';

export interface ReadOptions {
  /** How segment bytes are decoded. Default 'utf8' (invalid UTF-8 segments fall back to latin1). */
  encoding?: X12Encoding;
  /** Keep groups and transaction sets in their parents (parseX12 does; streaming does not, to bound memory). */
  retain?: boolean;
  /** Duplicate-interchange detection (TA1 note 025). */
  controlNumberStore?: InterchangeControlNumberStore;
  /** ISA12 versions accepted without TA1 note 003. Default ['00401', '00501']. */
  supportedVersions?: readonly string[];
}

export type X12Event =
  | { type: 'interchangeStart'; interchange: Interchange }
  | { type: 'groupStart'; interchange: Interchange; group: FunctionalGroup }
  | { type: 'transaction'; interchange: Interchange; group: FunctionalGroup; transaction: TransactionSet }
  | { type: 'groupEnd'; interchange: Interchange; group: FunctionalGroup }
  | { type: 'interchangeEnd'; interchange: Interchange }
  | { type: 'segment'; interchange: Interchange; group: FunctionalGroup | undefined; segment: Segment }
  | { type: 'issue'; issue: X12Issue };

const LF = 0x0a;
const CR = 0x0d;
/**
 * Most bytes scanned as one block: the transaction bytes a block adds are one view of the input,
 * and a set's end is found within a block (scan cuts blocks at a terminator).
 */
const BLOCK_BYTES = 64 * 1024;
const INTERCHANGE_SEGMENTS = new Set(['TA1', 'ISB', 'ISE', 'ISX']);

const isAlnum = (b: number): boolean => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);

export class X12Reader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Chunks without a segment terminator, not yet joined to buf. */
  private pending: Buffer[] = [];
  /** Offset of a segment that ended without terminator (end of input), or -1. */
  private unterminated = -1;
  /** File offset of buf[0]. */
  private base = 0;
  private seeking = true;
  private started = false;
  private bomPending = false;
  private readonly encoding: X12Encoding;
  private readonly retain: boolean;
  private readonly store: InterchangeControlNumberStore | undefined;
  private readonly versions: readonly string[];
  private out: X12Event[] = [];

  // current delimiters
  private delims: Delimiters = { element: '*', component: ':', repetition: '', segment: '~' };
  private termByte = 0x7e;
  private sepCode = 0x2a;
  private extraFiller = -1;
  private forceLatin1 = false;

  private ic: Interchange | undefined;
  private last: Interchange | undefined;
  private group: FunctionalGroup | undefined;
  private segIndex = 0;
  private groupIds = new Set<string>();
  private txIds = new Set<string>();
  private looseReported = false;
  private junkReported = false;
  /** The transaction set being read (ST seen, SE not yet). */
  private tx: OpenTransaction | undefined;
  /** The input's first bytes while fewer than 4 have come (its encoding is decided on 4); undefined once decided. */
  private head: Buffer | undefined = Buffer.alloc(0);
  /** Decodes UTF-16 input (transcoded to UTF-8 before reading). */
  private utf16: TextDecoder | undefined;

  constructor(options: ReadOptions = {}) {
    this.encoding = options.encoding ?? 'utf8';
    this.retain = options.retain ?? false;
    this.store = options.controlNumberStore;
    this.versions = options.supportedVersions ?? ['00401', '00501'];
  }

  /**
   * Feed a chunk; returns the events completed by it. The reader keeps views of the chunk's
   * unread bytes until later pushes complete them: the chunk must not change after the call
   * (a Node stream's chunks never do). What it hands out (transaction sets' bytes, segment text)
   * is its own.
   */
  push(chunk: Uint8Array | string): X12Event[] {
    let b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.head !== undefined) {
      // the input's encoding is not known yet: it is once its first 4 bytes are here
      b = this.encodingOf(this.head.length === 0 ? b : Buffer.concat([this.head, b]), false);
      if (b.length === 0) return [];
    } else if (this.utf16 !== undefined) b = Buffer.from(this.utf16.decode(b, { stream: true }), 'utf8');
    if (!this.seeking && b.indexOf(this.termByte) < 0) {
      // no segment can end in this chunk: keep it aside instead of copying the pending bytes again
      this.pending.push(b);
      return [];
    }
    if (!this.seeking && this.pos < this.buf.length) {
      // unread bytes are waiting: join them with the chunk only up to its first terminator, so that the
      // rest of the chunk is read in place instead of being copied into a new buffer
      const first = b.indexOf(this.termByte);
      if (first >= 0 && first + 1 < b.length) {
        this.absorb(b.subarray(0, first + 1));
        this.scan(false);
        if (this.pos === this.buf.length && this.pending.length === 0) {
          this.base += this.pos;
          this.buf = b.subarray(first + 1);
          this.pos = 0;
          this.scan(false);
          return this.take();
        }
        this.absorb(b.subarray(first + 1));
        this.scan(false);
        return this.take();
      }
    }
    this.absorb(b);
    this.scan(false);
    return this.take();
  }

  /** Makes buf = unread bytes + chunks kept aside + b. */
  private absorb(b: Buffer | undefined): void {
    const parts: Buffer[] = [];
    if (this.pos < this.buf.length) parts.push(this.buf.subarray(this.pos));
    for (const p of this.pending) parts.push(p);
    if (b !== undefined) parts.push(b);
    this.pending = [];
    this.base += this.pos;
    this.buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    this.pos = 0;
  }

  /**
   * Decides the input's encoding from its first bytes (`first`): 8-bit text is read as it is;
   * UTF-16 (either byte order, with or without BOM) is transcoded to UTF-8 from here on, with a
   * file-level warning; UTF-32 and EBCDIC are refused naming the encoding. Returns the bytes to read
   * (none while fewer than 4 bytes have come, unless `final`).
   */
  private encodingOf(first: Buffer, final: boolean): Buffer {
    if (first.length < 4 && !final) {
      this.head = first;
      return Buffer.alloc(0);
    }
    this.head = undefined;
    const [b0, b1, b2, b3] = first;
    const utf32 = (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) || (b0 === 0x49 && b1 === 0 && b2 === 0 && b3 === 0);
    if (utf32) throw new X12FormatError('X12_ENCODING', 'input is UTF-32 text; X12 must be 8-bit text (ASCII or UTF-8): convert the file', 0);
    if (b0 === 0xc9 && b1 === 0xe2 && b2 === 0xc1) throw new X12FormatError('X12_ENCODING', 'input is EBCDIC text (ISA as EBCDIC); X12 here must be ASCII or UTF-8: convert the file', 0);
    let label: 'utf-16le' | 'utf-16be' | undefined;
    if ((b0 === 0xff && b1 === 0xfe) || (b1 === 0 && b0 !== 0 && b3 === 0)) label = 'utf-16le';
    else if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0 && b1 !== 0 && b2 === 0)) label = 'utf-16be';
    if (label === undefined) return first;
    this.utf16 = new TextDecoder(label);
    this.fileIssue('X12_TRANSCODED', `input is ${label.toUpperCase()} text: read as UTF-8 (byte offsets count the UTF-8 bytes)`, 0, 'warning');
    return Buffer.from(this.utf16.decode(first, { stream: true }), 'utf8');
  }

  /** Signal end of input; returns the remaining events. */
  end(): X12Event[] {
    if (this.head !== undefined) {
      const rest = this.encodingOf(this.head, true);
      if (rest.length > 0) this.absorb(rest);
    } else if (this.utf16 !== undefined) {
      const rest = Buffer.from(this.utf16.decode(), 'utf8');
      if (rest.length > 0) {
        this.absorb(rest);
        this.scan(false);
      }
    }
    if (this.pending.length > 0) this.absorb(undefined);
    const buf = this.buf;
    for (;;) {
      this.scan(true);
      if (!this.started) throw new X12FormatError('X12_NOT_X12', 'no ISA interchange header found', this.base + this.pos);
      if (this.pos >= buf.length || this.seeking || this.ic === undefined) break;
      if (skipFiller(buf, this.pos, buf.length, this.extraFiller) >= buf.length) break;
      // the last segment without terminator (or a new ISA with other delimiters)
      this.pos += this.block(this.pos, buf.length - this.pos, isAscii(buf.subarray(this.pos)));
      if (!this.seeking) break;
    }
    if (this.unterminated >= 0) this.fileIssue('SEGMENT_TERMINATOR_MISSING', 'last segment has no terminator', this.unterminated, 'warning');
    if (this.pos < buf.length) {
      const target = this.ic ?? this.last;
      if (target !== undefined) target.trailer += buf.toString('latin1', this.pos);
      this.pos = buf.length;
    }
    if (this.ic !== undefined) {
      this.ic.issues.push(isaIssue('IEA_MISSING', 'interchange has no IEA trailer (premature end of file)', this.base + buf.length, '023'));
      this.closeInterchange(undefined);
    }
    return this.take();
  }

  private take(): X12Event[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  private fileIssue(code: string, message: string, offset: number, severity: 'error' | 'warning' = 'error'): void {
    this.out.push({ type: 'issue', issue: { code, severity, level: 'file', message, offset, source: 'envelope' } });
  }

  private scan(final: boolean): void {
    const buf = this.buf;
    const end = buf.length;
    let pos = this.pos;
    while (pos < end) {
      if (this.seeking) {
        const next = this.seek(pos, final);
        if (next < 0) break;
        pos = next;
        continue;
      }
      // blocks of complete segments (up to a terminator), at most BLOCK_BYTES each
      let lastT = end - pos > BLOCK_BYTES ? buf.lastIndexOf(this.termByte, pos + BLOCK_BYTES - 1) : -1;
      if (lastT < pos) lastT = buf.lastIndexOf(this.termByte, end - 1);
      if (lastT < pos) break;
      // `ascii`: the block's bytes are ASCII (latin1 decoding of envelope segments still flags non-ASCII ones)
      const used = this.block(pos, lastT + 1 - pos, isAscii(buf.subarray(pos, lastT + 1)));
      pos += used;
      if (used === 0 && !this.seeking) break;
    }
    this.pos = pos;
  }

  /**
   * Cuts segments out of the block buf[at, at + n) (it ends with a terminator except at end of
   * input); returns the number of bytes used. Segments inside a transaction set cost no
   * allocation: only envelope segments are recognised by their first bytes.
   */
  private block(at: number, n: number, ascii: boolean): number {
    const buf = this.buf;
    const blockEnd = at + n;
    const term = this.termByte;
    const extra = this.extraFiller;
    const sep = this.sepCode;
    let p = 0;
    if (this.tx !== undefined) {
      this.tx.start = 0;
      if (!ascii) this.tx.ascii = false;
    }
    while (p < n) {
      const leadStart = p;
      p = skipFiller(buf, at + p, blockEnd, extra) - at;
      if (p >= n) {
        this.tx?.take(buf, at, leadStart);
        return leadStart;
      }
      const c = buf[at + p];
      let t = buf.indexOf(term, at + p) - at;
      if (t < 0 || t >= n) {
        t = n;
        this.unterminated = this.base + at + p;
      }
      this.segIndex++;
      const tx = this.tx;
      if (tx !== undefined) {
        // fast path: a segment inside a transaction set
        if (c !== 83 && c !== 71 && c !== 73) {
          if (c === 66) this.checkBin(tx, at + p, at + t);
          tx.count++;
          p = t + 1;
          continue;
        }
        const c1 = p + 1 < n ? buf[at + p + 1] : -1;
        const c2 = p + 2 < t ? buf[at + p + 2] : sep;
        const env =
          (c === 83 && (c1 === 69 || c1 === 84) && c2 === sep) || // SE, ST
          (c === 71 && (c1 === 83 || c1 === 69) && c2 === sep) || // GS, GE
          (c === 73 && c1 === 69 && c2 === 65) || // IEA
          (c === 73 && c1 === 83 && c2 === 65 && p + 3 < n && !isAlnum(buf[at + p + 3])); // ISA
        if (!env) {
          tx.count++;
          p = t + 1;
          continue;
        }
        if (c === 83 && c1 === 69) {
          // SE
          tx.count++;
          tx.take(buf, at, t + 1);
          this.closeTransaction(this.eager(at, p, p, t, n, ascii));
          p = t + 1;
          continue;
        }
        tx.take(buf, at, leadStart);
        this.closeTransaction(undefined);
      }
      // a new ISA while an interchange is open: the IEA is missing
      if (c === 73 && p + 3 < n && buf[at + p + 1] === 83 && buf[at + p + 2] === 65 && !isAlnum(buf[at + p + 3]) && this.ic !== undefined) {
        this.segIndex--;
        this.ic.issues.push(isaIssue('IEA_MISSING', 'interchange has no IEA trailer before the next ISA', this.base + at + p, '023'));
        this.closeInterchange(undefined);
        return leadStart;
      }
      const seg = this.eager(at, leadStart, p, t, n, ascii);
      switch (seg.id) {
        case 'ST':
          this.onSt(seg, leadStart, ascii);
          break;
        case 'GS':
          this.onGs(seg);
          break;
        case 'GE':
          this.onGe(seg);
          break;
        case 'IEA':
          this.closeInterchange(seg);
          return t + 1;
        default:
          this.onLoose(seg);
      }
      p = t + 1;
    }
    this.tx?.take(buf, at, p);
    return p;
  }

  /**
   * A BIN segment at buf[start, end) (end: its terminator) of the open set: BIN01 must be the number
   * of bytes of BIN02. A payload that holds the segment terminator ends the segment early and is
   * reported here as shorter than BIN01 says.
   */
  private checkBin(tx: OpenTransaction, start: number, end: number): void {
    const buf = this.buf;
    const sep = this.sepCode;
    if (end - start < 4 || buf[start + 1] !== 0x49 || buf[start + 2] !== 0x4e || buf[start + 3] !== sep) return;
    let p = start + 4;
    let declared = 0;
    const digits = p;
    while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39 && p - digits < 15) declared = declared * 10 + (buf[p++] - 0x30);
    const numeric = p > digits && (p === end || buf[p] === sep);
    const actual = p < end && buf[p] === sep ? end - p - 1 : 0;
    if (numeric && actual === declared) return;
    const element = numeric
      ? { position: 2, reference: '785', syntaxCode: actual < declared ? ('4' as const) : ('5' as const) }
      : { position: 1, reference: '784', syntaxCode: '6' as const };
    tx.issues.push({
      code: 'BIN_LENGTH_MISMATCH', severity: 'error', level: 'transaction', source: 'envelope', offset: this.base + start,
      message: numeric ? `BIN02 has ${actual} bytes where BIN01 says ${declared}` : 'BIN01 is not a number of bytes',
      segment: { id: 'BIN', position: tx.count + 1, syntaxCode: '8' }, element,
    });
  }

  /** Looks for the next ISA from `pos`; returns the position after the ISA segment, or -1 to wait for more bytes. */
  private seek(pos: number, final: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    const start = pos;
    if (!this.started && this.base + pos === 0) {
      if (end < 4 && !final) return -1;
      if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff) || buf[0] === 0 || buf[1] === 0 || buf[2] === 0) {
        throw new X12FormatError('X12_UTF16', 'input holds NUL bytes or a UTF-16 byte order mark where its ISA should be, in no encoding this reader reads; X12 must be 8-bit text', 0);
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        pos = 3;
        this.bomPending = true;
      }
    }
    pos = skipFiller(buf, pos, end, this.extraFiller);
    if (pos >= end) return -1;
    if (pos + 3 >= end && !final) return -1;
    const isIsa = pos + 3 < end && buf[pos] === 0x49 && buf[pos + 1] === 0x53 && buf[pos + 2] === 0x41;
    if (!isIsa) {
      if (!this.started) throw new X12FormatError('X12_NOT_X12', 'input does not start with an ISA interchange header', this.base + pos);
      // content between interchanges: keep it (lossless) as trailer of the previous interchange
      const next = buf.indexOf('ISA', pos + 1, 'latin1');
      const stop = next < 0 ? (final ? end : Math.max(pos, end - 2)) : next;
      if (stop === pos) return -1;
      if (!this.junkReported) this.fileIssue('CONTENT_OUTSIDE_INTERCHANGE', 'bytes after IEA that are not an ISA', this.base + pos);
      this.junkReported = true;
      if (this.last !== undefined) this.last.trailer += buf.toString('latin1', start, stop);
      return stop;
    }
    const sepByte = buf[pos + 3];
    if (isAlnum(sepByte) || sepByte === 0x20 || sepByte === LF || sepByte === CR) {
      throw new X12FormatError('X12_BAD_ISA', 'invalid data element separator in ISA', this.base + pos + 3, '026');
    }
    // find the 16th element separator
    const seps: number[] = [];
    let p = pos + 3;
    const limit = Math.min(end, pos + 400);
    for (; p < limit && seps.length < 16; p++) if (buf[p] === sepByte) seps.push(p);
    if (seps.length < 16 || seps[15] + 2 >= end) {
      if (!final && end < pos + 400) return -1;
      if (final) throw new X12FormatError('X12_TRUNCATED_ISA', 'ISA header is incomplete', this.base + pos, '023');
      throw new X12FormatError('X12_BAD_ISA', 'ISA header does not have 16 elements', this.base + pos, '022');
    }
    const compByte = buf[seps[15] + 1];
    const termByte = buf[seps[15] + 2];
    if (isAlnum(termByte) || termByte === sepByte || termByte === compByte) {
      throw new X12FormatError('X12_BAD_ISA', 'invalid segment terminator after ISA16', this.base + seps[15] + 2, '004');
    }
    const repField = buf.toString('latin1', seps[10] + 1, seps[11]);
    const repByte = repField.length === 1 ? repField.charCodeAt(0) : 0x55;
    const hasRep = !isAlnum(repByte) && repByte !== 0x20 && repByte !== sepByte && repByte !== compByte && repByte !== termByte;
    const delims: Delimiters = {
      element: String.fromCharCode(sepByte),
      component: String.fromCharCode(compByte),
      repetition: hasRep ? String.fromCharCode(repByte) : '',
      segment: String.fromCharCode(termByte),
    };
    this.delims = delims;
    this.termByte = termByte;
    this.sepCode = sepByte;
    this.extraFiller = extraFillerOf(termByte);
    this.forceLatin1 = sepByte >= 0x80 || compByte >= 0x80 || termByte >= 0x80 || (hasRep && repByte >= 0x80);
    this.started = true;
    this.seeking = false;
    this.junkReported = false;
    this.segIndex = 0;
    this.groupIds = new Set();
    const lead = this.bomPending ? buf.toString('latin1', start + 3, pos) : buf.toString('latin1', start, pos);
    const raw = buf.toString('latin1', pos, seps[15] + 2);
    // the ISA is always decoded as latin1: flag non-ASCII bytes so that serialize writes them back as they were
    const isa = new Segment('ISA', raw, lead, delims.segment, this.base + pos, ++this.segIndex, 0, delims, !isAscii(buf.subarray(start, seps[15] + 2)));
    const els = isa.elements;
    const header: InterchangeHeader = {
      authorizationQualifier: els[1], authorization: els[2], securityQualifier: els[3], security: els[4],
      senderQualifier: els[5], senderId: els[6].trim(), receiverQualifier: els[7], receiverId: els[8].trim(),
      date: els[9], time: els[10], standardsOrRepetition: els[11], version: els[12], controlNumber: els[13],
      ackRequested: els[14], usage: els[15],
    };
    const ic: Interchange = {
      isa, iea: undefined, header, delimiters: delims, offset: this.base + pos, bom: this.bomPending,
      groups: [], groupCount: 0, loose: [], segmentCount: 0, trailer: '', issues: [],
    };
    this.bomPending = false;
    checkIsa(ic, seps.map((s) => s - pos), this.versions, this.store);
    this.ic = ic;
    this.out.push({ type: 'interchangeStart', interchange: ic });
    return seps[15] + 3;
  }

  /** Segments outside ASCII are read as UTF-8 when valid (not with latin1 reading or delimiters outside ASCII). */
  private get utf8(): boolean {
    return this.encoding === 'utf8' && !this.forceLatin1;
  }

  /** A Segment for the envelope or loose segment at bytes [start, t) of the block at buf[at..] (n bytes), after its lead. */
  private eager(at: number, leadStart: number, start: number, t: number, n: number, ascii: boolean): Segment {
    const buf = this.buf;
    let lead = '';
    if (leadStart !== start) {
      const k = start - leadStart;
      const c = buf[at + leadStart];
      if (k === 1 && c === LF) lead = '\n';
      else if (k === 2 && c === CR && buf[at + leadStart + 1] === LF) lead = '\r\n';
      else lead = buf.toString('latin1', at + leadStart, at + start);
    }
    const utf8 = !ascii && readsAsUtf8(buf, at + start, at + t, this.utf8);
    const raw = buf.toString(utf8 ? 'utf8' : 'latin1', at + start, at + t);
    const latin1 = !ascii && !utf8 && !isAscii(buf.subarray(at + start, at + t));
    const k = raw.indexOf(this.delims.element);
    const id = k < 0 ? raw : raw.slice(0, k);
    const position = id === 'ST' ? 1 : id === 'SE' ? (this.tx?.count ?? 0) : 0;
    return new Segment(id, raw, lead, t < n ? this.delims.segment : '', this.base + at + start, this.segIndex, position, this.delims, latin1);
  }

  private onLoose(seg: Segment): void {
    const ic = this.ic!;
    const group = this.group;
    const id = seg.id;
    if (group !== undefined) group.loose.push(seg);
    else ic.loose.push(seg);
    if (group === undefined && id === 'TA1') ic.issues.push(...ta1Issues(seg));
    if (!(group === undefined && INTERCHANGE_SEGMENTS.has(id))) {
      if (!this.looseReported) {
        ic.issues.push({
          code: 'SEGMENT_OUTSIDE_TRANSACTION', severity: 'error', level: 'interchange', source: 'envelope', offset: seg.offset,
          message: `segment ${id.length <= 3 ? id : '?'} outside a transaction set`, ta1Note: '022', segment: { id: id.length <= 3 ? id : '?', position: 0 },
        });
        this.looseReported = true;
      }
    }
    this.out.push({ type: 'segment', interchange: ic, group, segment: seg });
  }

  private onSt(st: Segment, leadStart: number, ascii: boolean): void {
    const group = this.group;
    if (group === undefined) {
      this.ic!.issues.push({
        code: 'ST_OUTSIDE_GROUP', severity: 'error', level: 'interchange', source: 'envelope', offset: st.offset,
        message: 'transaction set outside a functional group', ta1Note: '024', segment: { id: 'ST', position: 1 },
      });
    } else group.transactionCount++;
    this.tx = new OpenTransaction(st, leadStart + st.lead.length, ascii, group, this.txIds);
  }

  private closeTransaction(se: Segment | undefined): void {
    const open = this.tx!;
    this.tx = undefined;
    const tx = open.close(se, this.delims, this.utf8);
    const group = this.group;
    if (group === undefined) {
      for (const s of tx.segments) this.ic!.loose.push(s);
      return;
    }
    if (this.retain) group.transactions.push(tx);
    this.out.push({ type: 'transaction', interchange: this.ic!, group, transaction: tx });
  }

  private onGs(gs: Segment): void {
    if (this.group !== undefined) {
      groupIssue(this.group, 'GE_MISSING', 'functional group trailer GE missing', gs.offset, '3');
      this.closeGroup();
    }
    const ic = this.ic!;
    const els = gs.elements;
    const g: FunctionalGroup = {
      gs, ge: undefined, functionalId: els[1] ?? '', controlNumber: els[6] ?? '', version: els[8] ?? '',
      transactions: [], transactionCount: 0, loose: [], issues: [],
    };
    g.issues.push(...groupFieldIssues(gs, 6));
    if (this.groupIds.has(g.controlNumber)) groupIssue(g, 'GS_DUPLICATE', 'GS06 not unique within the interchange', gs.offset, '19');
    else this.groupIds.add(g.controlNumber);
    ic.groupCount++;
    if (this.retain) ic.groups.push(g);
    this.group = g;
    this.txIds = new Set();
    this.looseReported = false;
    this.out.push({ type: 'groupStart', interchange: ic, group: g });
  }

  private onGe(ge: Segment): void {
    const g = this.group;
    if (g === undefined) {
      this.ic!.loose.push(ge);
      this.ic!.issues.push({ code: 'GE_WITHOUT_GS', severity: 'error', level: 'interchange', source: 'envelope', offset: ge.offset, message: 'GE without GS', ta1Note: '024', segment: { id: 'GE', position: 0 } });
      return;
    }
    g.ge = ge;
    checkGe(g, ge);
    this.closeGroup();
  }

  private closeGroup(): void {
    const g = this.group!;
    this.group = undefined;
    this.looseReported = false;
    this.out.push({ type: 'groupEnd', interchange: this.ic!, group: g });
  }

  private closeInterchange(iea: Segment | undefined): void {
    const ic = this.ic!;
    if (this.tx !== undefined) this.closeTransaction(undefined);
    if (this.group !== undefined) {
      groupIssue(this.group, 'GE_MISSING', 'functional group trailer GE missing', iea?.offset ?? this.base + this.pos, '3');
      this.closeGroup();
    }
    if (iea !== undefined) {
      ic.iea = iea;
      checkIea(ic, iea);
    }
    ic.segmentCount = this.segIndex;
    this.ic = undefined;
    this.last = ic;
    this.seeking = true;
    this.out.push({ type: 'interchangeEnd', interchange: ic });
  }
}
