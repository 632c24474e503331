/**
 * Finds every ISA and GS segment of a plaintext X12 stream as its bytes go by, for the check
 * that each interchange and group of a file speaks for the partner who sent it (DESIGN.md
 * invariant 9). Only segment starts count: "ISA" or "GS" right after a segment terminator
 * (white space after it allowed, as the X12 engine allows it) or at the start of the file. Each ISA sets the separators
 * for what follows, as X12 says. Memory: one chunk plus a short carry.
 */
import type { IsaSender } from './inbound';

export interface InterchangeParties {
  /** 0-based position of the interchange in the file. */
  index: number;
  /** Byte offset of its ISA. */
  offset: number;
  sender: IsaSender;
  receiver: IsaSender;
}

export interface GroupParties {
  /** Interchange it belongs to (0-based). */
  interchange: number;
  offset: number;
  /** GS02 application sender's code. */
  applicationSender: string;
  /** GS03 application receiver's code. */
  applicationReceiver: string;
}

export interface EnvelopeVisitor {
  interchange(parties: InterchangeParties): void;
  group(parties: GroupParties): void;
}

/** The ISA and GS segments are short (an ISA is 106 bytes); more than this without a terminator is not one. */
export const MAX_ENVELOPE_SEGMENT_BYTES = 1024;

/** A segment that starts as an envelope segment but cannot be read (no terminator in bound, too few elements). */
export class EnvelopeUnreadableError extends Error {
  constructor(
    readonly segment: 'ISA' | 'GS',
    readonly offset: number,
  ) {
    super(`${segment} segment at byte ${offset} cannot be read`);
    this.name = 'EnvelopeUnreadableError';
  }
}

const I = 0x49;
const S = 0x53;
const G = 0x47;
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const TILDE = 0x7e;

export class EnvelopeScanner {
  /** Unscanned bytes kept from the last chunk: a segment start that may continue in the next one. */
  private carry: Buffer = Buffer.alloc(0);
  /** File offset of carry[0]. */
  private base = 0;
  private sep = -1;
  private term = -1;
  /** A byte besides white space that may stand between segments. */
  private extraFiller = -1;
  private interchanges = 0;
  private started = false;
  /** Whether the last byte before carry[0] that is not white space is a segment terminator. */
  private afterTerminator = false;

  constructor(private readonly visitor: EnvelopeVisitor) {}

  push(chunk: Buffer): void {
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const consumed = this.scan(buf, false);
    if (consumed > 0) this.afterTerminator = this.terminatorBefore(buf, consumed);
    this.carry = consumed >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(consumed));
    this.base += consumed;
  }

  /** The stream ended: what is left must be complete. */
  end(): void {
    if (this.carry.length > 0) this.scan(this.carry, true);
    this.carry = Buffer.alloc(0);
  }

  /** Whether the last byte before p that is not white space is the terminator (earlier chunks count). */
  private terminatorBefore(buf: Buffer, p: number): boolean {
    let q = p - 1;
    while (q >= 0 && buf[q] !== this.term && (buf[q] === CR || buf[q] === LF || buf[q] === SP || buf[q] === TAB || buf[q] === this.extraFiller)) q -= 1;
    return q < 0 ? this.afterTerminator : buf[q] === this.term;
  }

  /** Whether position p starts a segment: after the terminator and any line breaks, or at the file start. */
  private atSegmentStart(buf: Buffer, p: number): boolean {
    if (this.base === 0 && !this.started && this.onlyLeadBefore(buf, p)) return true;
    return this.term >= 0 && this.terminatorBefore(buf, p);
  }

  /** Before the first ISA only a BOM and white space may come. */
  private onlyLeadBefore(buf: Buffer, p: number): boolean {
    let q = 0;
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) q = 3;
    while (q < p && (buf[q] === SP || buf[q] === CR || buf[q] === LF || buf[q] === TAB)) q += 1;
    return q === p;
  }

  /**
   * Scans buf for envelope segments; returns how many bytes are done with. A possible segment
   * start near the end whose segment is not complete yet is left for the next chunk.
   */
  private scan(buf: Buffer, final: boolean): number {
    let from = 0;
    for (;;) {
      const isa = buf.indexOf('ISA', from, 'latin1');
      const gs = this.sep < 0 ? -1 : buf.indexOf(this.gsNeedle(), from);
      let p: number;
      let kind: 'ISA' | 'GS';
      if (isa >= 0 && (gs < 0 || isa < gs)) {
        p = isa;
        kind = 'ISA';
      } else if (gs >= 0) {
        p = gs;
        kind = 'GS';
      } else {
        // Before the first ISA nothing is consumed (the file must start with one, after a BOM and white
        // space); then keep the last bytes: a needle may be cut by the chunk boundary.
        if (!this.started && !final && buf.length < MAX_ENVELOPE_SEGMENT_BYTES) return 0;
        return final ? buf.length : Math.max(from, buf.length - this.needlePrefixAtEnd(buf));
      }
      if (!this.atSegmentStart(buf, p)) {
        from = p + 1;
        continue;
      }
      const done = kind === 'ISA' ? this.readIsa(buf, p, final) : this.readGs(buf, p, final);
      if (done < 0) return this.started ? p : 0;
      from = done;
    }
  }

  /** How many of the last bytes could begin "ISA" or "GS<sep>" (kept for the next chunk, usually none). */
  private needlePrefixAtEnd(buf: Buffer): number {
    const n = buf.length;
    const last = buf[n - 1];
    if (n >= 2 && ((buf[n - 2] === I && last === S) || (buf[n - 2] === G && last === S))) return 2;
    return last === I || last === G ? 1 : 0;
  }

  private gsNeedle(): Buffer {
    return Buffer.from([G, S, this.sep]);
  }

  /** Reads an ISA at p; returns the offset after it, or -1 when it continues in the next chunk. */
  private readIsa(buf: Buffer, p: number, final: boolean): number {
    const sep = buf[p + 3];
    if (sep === undefined) return this.incomplete('ISA', p, final);
    // ISA01..ISA16: 16 separators, then ISA16 (one byte) and the terminator.
    const fields: number[] = [];
    let q = p + 4;
    const limit = Math.min(buf.length, p + MAX_ENVELOPE_SEGMENT_BYTES);
    while (q < limit && fields.length < 15) {
      if (buf[q] === sep) fields.push(q);
      q += 1;
    }
    if (fields.length < 15 || q + 1 >= buf.length) {
      if (buf.length - p >= MAX_ENVELOPE_SEGMENT_BYTES) throw new EnvelopeUnreadableError('ISA', this.base + p);
      return this.incomplete('ISA', p, final);
    }
    // q is just past ISA15's closing separator: ISA16 is one byte, the terminator follows.
    const term = buf[q + 1];
    const element = (n: number): string => {
      const start = n === 1 ? p + 4 : fields[n - 2] + 1;
      const end = fields[n - 1];
      return buf.toString('latin1', start, end).trim();
    };
    this.sep = sep;
    this.term = term;
    // A line break as terminator: files that write "\n~" between segments are read as the X12 engine reads them.
    this.extraFiller = term === LF || term === CR ? TILDE : -1;
    this.started = true;
    this.visitor.interchange({
      index: this.interchanges,
      offset: this.base + p,
      sender: { qualifier: element(5), id: element(6) },
      receiver: { qualifier: element(7), id: element(8) },
    });
    this.interchanges += 1;
    return q + 2;
  }

  /** Reads a GS at p; returns the offset after it, or -1 when it continues in the next chunk. */
  private readGs(buf: Buffer, p: number, final: boolean): number {
    const end = buf.indexOf(this.term, p);
    if (end < 0 || end - p > MAX_ENVELOPE_SEGMENT_BYTES) {
      if (buf.length - p >= MAX_ENVELOPE_SEGMENT_BYTES) throw new EnvelopeUnreadableError('GS', this.base + p);
      return this.incomplete('GS', p, final);
    }
    const elements = buf.toString('latin1', p, end).split(String.fromCharCode(this.sep));
    if (elements.length < 4) throw new EnvelopeUnreadableError('GS', this.base + p);
    if (this.started) {
      this.visitor.group({
        interchange: this.interchanges - 1,
        offset: this.base + p,
        applicationSender: elements[2].trim(),
        applicationReceiver: elements[3].trim(),
      });
    }
    return end + 1;
  }

  private incomplete(segment: 'ISA' | 'GS', p: number, final: boolean): number {
    if (final) throw new EnvelopeUnreadableError(segment, this.base + p);
    return -1;
  }
}
