/**
 * Streaming X12 reader: a push parser over byte chunks. It finds delimiters in
 * each ISA, cuts segments by scanning bytes (Buffer.indexOf), decodes one
 * string per segment, builds the envelope structure, checks envelopes
 * (counts, control numbers, dictionary syntax of ISA/GS/ST/SE/GE/IEA) and
 * hands each transaction set on as soon as its SE arrives.
 */
import type { GroupErrorCode, Ta1NoteCode } from './codes';
import { segmentDefinition } from './dictionary';
import { checkSegmentElements } from './elements';
import { X12FormatError } from './errors';
import type { X12Issue } from './issues';
import { isAscii } from 'node:buffer';
import { Segment } from './model';
import { TransactionSet } from './model';
import type { Delimiters, FunctionalGroup, Interchange, InterchangeHeader, X12Encoding } from './model';

/** Tells whether an interchange control number was already seen from this sender (and records it). */
export interface InterchangeControlNumberStore {
  /** Returns true when `controlNumber` was already received from `sender` (qualifier + ':' + trimmed id). */
  seen(sender: string, controlNumber: string): boolean;
}

/** A simple in-memory store (tests, single process). */
export function memoryControlNumberStore(): InterchangeControlNumberStore {
  const seen = new Set<string>();
  return {
    seen(sender, controlNumber) {
      const key = `${sender}\u0000${controlNumber}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    },
  };
}

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

const ISA_NOTES: readonly Ta1NoteCode[] = ['010', '011', '012', '013', '005', '006', '007', '008', '014', '015', '016', '017', '018', '019', '020', '027'];
const LF = 0x0a;
const CR = 0x0d;
/**
 * Longest string decoded from the input at once. V8 puts a string over 128 KiB in its large-object
 * space, and making one costs about 3-7 ns a byte: decoding the bench's 10 MB 837P in 960 KiB
 * blocks took 30-60 ms, in 64 KiB blocks 1-3 ms (a scratch measurement). (Over ~1 MB, Node
 * also allocates them outside the V8 heap, where a stream of them grows the process.)
 */
const BLOCK_CHARS = 64 * 1024;
const INTERCHANGE_SEGMENTS = new Set(['TA1', 'ISB', 'ISE', 'ISX']);

const isAlnum = (b: number): boolean => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);

function isaIssue(code: string, message: string, offset: number, ta1Note: Ta1NoteCode, severity: 'error' | 'warning' = 'error'): X12Issue {
  return { code, severity, level: 'interchange', message, offset, source: 'envelope', ta1Note };
}

/**
 * Dictionary findings on a GS or GE: a bad control number (GS06 / GE02) is AK905 code 6,
 * anything else makes the group's structure unreadable (TA1 note 024).
 */
function groupFieldIssues(seg: Segment, controlNumberPosition: number): X12Issue[] {
  return checkSegmentElements(seg, segmentDefinition(seg.id)!).map((f) => {
    const issue: X12Issue = {
      code: `${seg.id}_FIELD_INVALID`, severity: 'error', level: 'group', source: 'dictionary', offset: seg.offset, message: `${seg.id}: ${f.message}`,
      segment: { id: seg.id, position: 0 }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode },
    };
    if (f.position === controlNumberPosition) issue.groupCode = '6';
    else issue.ta1Note = '024';
    return issue;
  });
}

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
  private elemChar = '*';
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

  // the open transaction set (its bytes are collected in parts, one per block)
  private txOpen = false;
  /** Views of the input; copied into one buffer when the set closes. */
  private txParts: Buffer[] = [];
  private txStart = 0;
  private txCount = 0;
  private txAscii = true;
  private txLead = '';
  private txOffset = 0;
  private txIndex = 0;
  private txSetId = '';
  private txControl = '';
  private txImpl = '';
  private txIssues: X12Issue[] = [];

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
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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

  /** Signal end of input; returns the remaining events. */
  end(): X12Event[] {
    if (this.pending.length > 0) this.absorb(undefined);
    const buf = this.buf;
    for (;;) {
      this.scan(true);
      if (!this.started) throw new X12FormatError('X12_NOT_X12', 'no ISA interchange header found', this.base + this.pos);
      if (this.pos >= buf.length || this.seeking || this.ic === undefined) break;
      let p = this.pos;
      while (p < buf.length && this.isFiller(buf[p])) p++;
      if (p >= buf.length) break;
      // the last segment without terminator (or a new ISA with other delimiters)
      const s = buf.toString('latin1', this.pos);
      // `ascii` means the bytes are ASCII; latin1 decoding (option or non-ASCII delimiters) still flags non-ASCII segments as latin1
      const ascii = isAscii(buf.subarray(this.pos));
      this.pos += this.block(s, this.pos, ascii);
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

  private isFiller(b: number): boolean {
    return b === LF || b === CR || b === 0x20 || b === 0x09 || b === this.extraFiller;
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
      // decode the block of complete segments (up to the last terminator) once, then cut it
      // at most BLOCK_CHARS per string (see BLOCK_CHARS)
      let lastT = end - pos > BLOCK_CHARS ? buf.lastIndexOf(this.termByte, pos + BLOCK_CHARS - 1) : -1;
      if (lastT < pos) lastT = buf.lastIndexOf(this.termByte, end - 1);
      if (lastT < pos) break;
      const s = buf.toString('latin1', pos, lastT + 1);
      const ascii = isAscii(buf.subarray(pos, lastT + 1)); // see end(): latin1 mode still needs the flag
      const used = this.block(s, pos, ascii);
      pos += used;
      if (used === 0 && !this.seeking) break;
    }
    this.pos = pos;
  }

  /**
   * Cuts segments out of `s` (latin1 text of buf from byte `at`; ends with a terminator except at end of
   * input); returns the number of chars used. Segments inside a transaction set cost no allocation:
   * only envelope segments are recognised by their first bytes.
   */
  private block(s: string, at: number, ascii: boolean): number {
    const n = s.length;
    const term = this.delims.segment;
    const extra = this.extraFiller;
    const sep = this.sepCode;
    let p = 0;
    if (this.txOpen) {
      this.txStart = 0;
      if (!ascii) this.txAscii = false;
    }
    while (p < n) {
      const leadStart = p;
      let c = s.charCodeAt(p);
      while (c === 10 || c === 13 || c === 32 || c === 9 || c === extra) {
        if (++p >= n) {
          this.flushTx(at, leadStart);
          return leadStart;
        }
        c = s.charCodeAt(p);
      }
      let t = s.indexOf(term, p);
      if (t < 0) {
        t = n;
        this.unterminated = this.base + at + p;
      }
      this.segIndex++;
      if (this.txOpen) {
        // fast path: a segment inside a transaction set
        if (c !== 83 && c !== 71 && c !== 73) {
          this.txCount++;
          p = t + 1;
          continue;
        }
        const c1 = s.charCodeAt(p + 1);
        const c2 = p + 2 < t ? s.charCodeAt(p + 2) : sep;
        const env =
          (c === 83 && (c1 === 69 || c1 === 84) && c2 === sep) || // SE, ST
          (c === 71 && (c1 === 83 || c1 === 69) && c2 === sep) || // GS, GE
          (c === 73 && c1 === 69 && c2 === 65) || // IEA
          (c === 73 && c1 === 83 && c2 === 65 && p + 3 < n && !isAlnum(s.charCodeAt(p + 3))); // ISA
        if (!env) {
          this.txCount++;
          p = t + 1;
          continue;
        }
        if (c === 83 && c1 === 69) {
          // SE
          this.txCount++;
          this.flushTx(at, t + 1);
          this.closeTransaction(this.eager(s, p, p, t, at, ascii));
          p = t + 1;
          continue;
        }
        this.flushTx(at, leadStart);
        this.closeTransaction(undefined);
      }
      // a new ISA while an interchange is open: the IEA is missing
      if (c === 73 && p + 3 < n && s.charCodeAt(p + 1) === 83 && s.charCodeAt(p + 2) === 65 && !isAlnum(s.charCodeAt(p + 3)) && this.ic !== undefined) {
        this.segIndex--;
        this.ic.issues.push(isaIssue('IEA_MISSING', 'interchange has no IEA trailer before the next ISA', this.base + at + p, '023'));
        this.closeInterchange(undefined);
        return leadStart;
      }
      const seg = this.eager(s, leadStart, p, t, at, ascii);
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
    this.flushTx(at, p);
    return p;
  }

  /** Looks for the next ISA from `pos`; returns the position after the ISA segment, or -1 to wait for more bytes. */
  private seek(pos: number, final: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    const start = pos;
    if (!this.started && this.base + pos === 0) {
      if (end < 4 && !final) return -1;
      if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff) || buf[0] === 0 || buf[1] === 0 || buf[2] === 0) {
        throw new X12FormatError('X12_UTF16', 'input looks like UTF-16 (BOM or NUL bytes); X12 must be 8-bit text', 0);
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        pos = 3;
        this.bomPending = true;
      }
    }
    while (pos < end && (buf[pos] === LF || buf[pos] === CR || buf[pos] === 0x20 || buf[pos] === 0x09 || buf[pos] === this.extraFiller)) pos++;
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
      throw new X12FormatError('X12_BAD_ISA', 'invalid data element separator in ISA', this.base + pos + 3);
    }
    // find the 16th element separator
    const seps: number[] = [];
    let p = pos + 3;
    const limit = Math.min(end, pos + 400);
    for (; p < limit && seps.length < 16; p++) if (buf[p] === sepByte) seps.push(p);
    if (seps.length < 16 || seps[15] + 2 >= end) {
      if (!final && end < pos + 400) return -1;
      if (final) throw new X12FormatError('X12_TRUNCATED_ISA', 'ISA header is incomplete', this.base + pos);
      throw new X12FormatError('X12_BAD_ISA', 'ISA header does not have 16 elements', this.base + pos);
    }
    const compByte = buf[seps[15] + 1];
    const termByte = buf[seps[15] + 2];
    if (isAlnum(termByte) || termByte === sepByte || termByte === compByte) {
      throw new X12FormatError('X12_BAD_ISA', 'invalid segment terminator after ISA16', this.base + seps[15] + 2);
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
    this.elemChar = delims.element;
    this.sepCode = sepByte;
    this.extraFiller = termByte === LF || termByte === CR ? 0x7e : -1;
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
      groups: [], groupCount: 0, loose: [], trailer: '', issues: [],
    };
    this.bomPending = false;
    this.checkIsa(ic, seps.map((s) => s - pos));
    this.ic = ic;
    this.out.push({ type: 'interchangeStart', interchange: ic });
    return seps[15] + 3;
  }

  private checkIsa(ic: Interchange, seps: number[]): void {
    const isa = ic.isa;
    const h = ic.header;
    const def = segmentDefinition('ISA', h.version)!;
    for (const f of checkSegmentElements(isa, def, true)) {
      const note = ISA_NOTES[f.position - 1] ?? '022';
      ic.issues.push({
        code: 'ISA_FIELD_INVALID', severity: 'error', level: 'interchange', source: 'envelope', offset: isa.offset + (seps[f.position - 1] ?? 0) + 1,
        message: `ISA${String(f.position).padStart(2, '0')}: ${f.message}`, ta1Note: note,
        segment: { id: 'ISA', position: 0 }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode },
      });
    }
    if (!/^\d{5}$/.test(h.version)) {
      // reported by the dictionary check as a length problem when the length is wrong
      if (h.version.length === 5) ic.issues.push(isaIssue('ISA_FIELD_INVALID', 'ISA12: invalid interchange version', isa.offset + seps[11] + 1, '017'));
    } else if (!this.versions.includes(h.version)) {
      ic.issues.push(isaIssue('ISA_VERSION_UNSUPPORTED', 'ISA12: interchange version not supported', isa.offset + seps[11] + 1, '003'));
    }
    if (h.version >= '00501' && ic.delimiters.repetition === '') {
      ic.issues.push(isaIssue('ISA_REPETITION_SEPARATOR', 'ISA11: 5010 interchange without a repetition separator', isa.offset + seps[10] + 1, '016', 'warning'));
    }
    if (isa.raw.length + 1 !== 106) {
      ic.issues.push(isaIssue('ISA_NOT_FIXED_WIDTH', `ISA is ${isa.raw.length + 1} bytes, not 106`, isa.offset, '022', ic.issues.some((i) => i.code === 'ISA_FIELD_INVALID') ? 'error' : 'warning'));
    }
    if (this.store !== undefined && this.store.seen(`${h.senderQualifier}:${h.senderId}`, h.controlNumber)) {
      ic.issues.push(isaIssue('ISA_DUPLICATE', 'duplicate interchange control number from this sender', isa.offset + seps[12] + 1, '025'));
    }
  }

  /** Adds the bytes of the block at buf[at..] from txStart to `end` (offsets in the block) to the open set. */
  private flushTx(at: number, end: number): void {
    if (this.txOpen && end > this.txStart) {
      this.txParts.push(this.buf.subarray(at + this.txStart, at + end));
      this.txStart = end;
    }
  }

  /** Builds a Segment object for an envelope or loose segment. */
  private eager(s: string, leadStart: number, start: number, t: number, at: number, ascii: boolean): Segment {
    let lead = '';
    if (leadStart !== start) {
      const n = start - leadStart;
      const c = s.charCodeAt(leadStart);
      if (n === 1 && c === LF) lead = '\n';
      else if (n === 2 && c === CR && s.charCodeAt(leadStart + 1) === LF) lead = '\r\n';
      else lead = s.slice(leadStart, start);
    }
    let raw = s.slice(start, t);
    let latin1 = false;
    if (!ascii) {
      const bytes = this.buf.subarray(at + start, at + t);
      if (!isAscii(bytes)) {
        latin1 = true;
        if (this.encoding === 'utf8' && !this.forceLatin1) {
          const u = bytes.toString('utf8');
          if (u.indexOf('\ufffd') < 0) {
            raw = u;
            latin1 = false;
          }
        }
      }
    }
    const k = raw.indexOf(this.elemChar);
    const id = k < 0 ? raw : raw.slice(0, k);
    const position = id === 'ST' ? 1 : id === 'SE' ? this.txCount : 0;
    return new Segment(id, raw, lead, t < s.length ? this.delims.segment : '', this.base + at + start, this.segIndex, position, this.delims, latin1);
  }

  private onLoose(seg: Segment): void {
    const ic = this.ic!;
    const group = this.group;
    const id = seg.id;
    if (group !== undefined) group.loose.push(seg);
    else ic.loose.push(seg);
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

  private groupIssue(g: FunctionalGroup, code: string, message: string, offset: number, groupCode: GroupErrorCode | undefined, ta1Note?: Ta1NoteCode): void {
    const issue: X12Issue = { code, severity: 'error', level: 'group', message, offset, source: 'envelope' };
    if (groupCode !== undefined) issue.groupCode = groupCode;
    if (ta1Note !== undefined) issue.ta1Note = ta1Note;
    g.issues.push(issue);
  }

  private onSt(st: Segment, leadStart: number, ascii: boolean): void {
    const group = this.group;
    const els = st.elements;
    this.txOpen = true;
    this.txParts = [];
    this.txStart = leadStart + st.lead.length;
    this.txCount = 1;
    this.txAscii = ascii;
    this.txLead = st.lead;
    this.txOffset = st.offset;
    this.txIndex = st.index;
    this.txSetId = els.length > 1 ? els[1] : '';
    this.txControl = els.length > 2 ? els[2] : '';
    this.txImpl = els.length > 3 && els[3] !== '' ? els[3] : group?.version ?? '';
    const issues: X12Issue[] = [];
    this.txIssues = issues;
    if (group === undefined) {
      this.ic!.issues.push({
        code: 'ST_OUTSIDE_GROUP', severity: 'error', level: 'interchange', source: 'envelope', offset: st.offset,
        message: 'transaction set outside a functional group', ta1Note: '024', segment: { id: 'ST', position: 1 },
      });
    } else {
      group.transactionCount++;
      if (this.txIds.has(this.txControl)) {
        issues.push({ code: 'ST_DUPLICATE', severity: 'error', level: 'transaction', source: 'envelope', offset: st.offset, message: 'ST02 not unique within the group', transactionCode: '23' });
      } else this.txIds.add(this.txControl);
    }
    for (const f of checkSegmentElements(st, segmentDefinition('ST')!)) {
      issues.push({
        code: 'ST_FIELD_INVALID', severity: 'error', level: 'transaction', source: 'dictionary', offset: st.offset, message: `ST: ${f.message}`,
        transactionCode: f.position === 1 ? '6' : f.position === 2 ? '7' : '19',
        segment: { id: 'ST', position: 1, syntaxCode: '8' }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode, ...(f.badValue !== undefined ? { badValue: f.badValue } : {}) },
      });
    }
  }

  private closeTransaction(se: Segment | undefined): void {
    this.txOpen = false;
    const issues = this.txIssues;
    const count = this.txCount;
    // a copy: the set outlives the caller's chunks
    const bytes = Buffer.concat(this.txParts);
    this.txParts = [];
    if (se === undefined) {
      issues.push({ code: 'SE_MISSING', severity: 'error', level: 'transaction', source: 'envelope', offset: this.txOffset, message: 'transaction set trailer SE missing', transactionCode: '2' });
    } else {
      for (const f of checkSegmentElements(se, segmentDefinition('SE')!)) {
        issues.push({
          code: 'SE_FIELD_INVALID', severity: 'error', level: 'transaction', source: 'dictionary', offset: se.offset, message: `SE: ${f.message}`,
          segment: { id: 'SE', position: count, syntaxCode: '8' }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode, ...(f.badValue !== undefined ? { badValue: f.badValue } : {}) },
        });
      }
      const se01 = se.element(1);
      if (se01 !== String(count) && Number(se01) !== count) {
        issues.push({ code: 'SE_COUNT_MISMATCH', severity: 'error', level: 'transaction', source: 'envelope', offset: se.offset, message: `SE01 does not match the ${count} segments counted`, transactionCode: '4' });
      }
      if (se.element(2) !== this.txControl) {
        issues.push({ code: 'SE_CONTROL_MISMATCH', severity: 'error', level: 'transaction', source: 'envelope', offset: se.offset, message: 'SE02 does not match ST02', transactionCode: '3' });
      }
    }
    const tx = new TransactionSet({
      setId: this.txSetId, controlNumber: this.txControl, implementationRef: this.txImpl, issues, lead: this.txLead, bytes,
      offset: this.txOffset, index: this.txIndex, segmentCount: count, hasSe: se !== undefined, delimiters: this.delims,
      utf8: this.encoding === 'utf8' && !this.forceLatin1, extraFiller: this.extraFiller, ascii: this.txAscii,
    });
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
      this.groupIssue(this.group, 'GE_MISSING', 'functional group trailer GE missing', gs.offset, '3');
      this.closeGroup();
    }
    const ic = this.ic!;
    const els = gs.elements;
    const g: FunctionalGroup = {
      gs, ge: undefined, functionalId: els[1] ?? '', controlNumber: els[6] ?? '', version: els[8] ?? '',
      transactions: [], transactionCount: 0, loose: [], issues: [],
    };
    g.issues.push(...groupFieldIssues(gs, 6));
    if (this.groupIds.has(g.controlNumber)) this.groupIssue(g, 'GS_DUPLICATE', 'GS06 not unique within the interchange', gs.offset, '19');
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
    g.issues.push(...groupFieldIssues(ge, 2));
    if (ge.element(1) !== String(g.transactionCount) && Number(ge.element(1)) !== g.transactionCount) {
      this.groupIssue(g, 'GE_COUNT_MISMATCH', `GE01 does not match the ${g.transactionCount} transaction sets counted`, ge.offset, '5');
    }
    if (ge.element(2) !== g.controlNumber) this.groupIssue(g, 'GE_CONTROL_MISMATCH', 'GE02 does not match GS06', ge.offset, '4');
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
    if (this.txOpen) this.closeTransaction(undefined);
    if (this.group !== undefined) {
      this.groupIssue(this.group, 'GE_MISSING', 'functional group trailer GE missing', iea?.offset ?? this.base + this.pos, '3');
      this.closeGroup();
    }
    if (iea !== undefined) {
      ic.iea = iea;
      const findings = checkSegmentElements(iea, segmentDefinition('IEA')!);
      for (const f of findings) {
        ic.issues.push({
          code: 'IEA_FIELD_INVALID', severity: 'error', level: 'interchange', source: 'dictionary', offset: iea.offset, message: `IEA: ${f.message}`,
          ta1Note: f.position === 2 ? '018' : '021', segment: { id: 'IEA', position: 0 }, element: { position: f.position, reference: f.reference, syntaxCode: f.syntaxCode },
        });
      }
      if (iea.element(2) !== ic.header.controlNumber) ic.issues.push(isaIssue('IEA_CONTROL_MISMATCH', 'IEA02 does not match ISA13', iea.offset, '001'));
      if (iea.element(1) !== String(ic.groupCount) && Number(iea.element(1)) !== ic.groupCount) {
        ic.issues.push(isaIssue('IEA_COUNT_MISMATCH', `IEA01 does not match the ${ic.groupCount} groups counted`, iea.offset, '021'));
      }
    }
    this.ic = undefined;
    this.last = ic;
    this.seeking = true;
    this.out.push({ type: 'interchangeEnd', interchange: ic });
  }
}
