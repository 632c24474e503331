/**
 * The transaction set the reader is inside (ST seen, SE not yet): its facts from the ST, the
 * segments counted, and its bytes collected as views of the input blocks, copied into one buffer
 * when it closes.
 */
import { seIssues, stIssues } from './envelope-checks';
import type { X12Issue } from './issues';
import { TransactionSet, type Delimiters, type FunctionalGroup, type Segment } from './model';

export class OpenTransaction {
  /** Views of the input; copied into one buffer when the set closes. */
  private parts: Buffer[] = [];
  /** Segments counted, ST included. */
  count = 1;
  /** Every block of the set so far was ASCII. */
  ascii: boolean;
  readonly issues: X12Issue[] = [];
  readonly setId: string;
  readonly controlNumber: string;
  readonly implementationRef: string;

  constructor(
    private readonly st: Segment,
    /** Index of the ST's first byte (after its lead) in the block it was read from. */
    public start: number,
    ascii: boolean,
    group: FunctionalGroup | undefined,
    /** ST02s seen in the group so far (a repeat is IK502 23). */
    seen: Set<string>,
  ) {
    const els = st.elements;
    this.ascii = ascii;
    this.setId = els.length > 1 ? els[1] : '';
    this.controlNumber = els.length > 2 ? els[2] : '';
    this.implementationRef = els.length > 3 && els[3] !== '' ? els[3] : group?.version ?? '';
    if (group !== undefined) {
      if (seen.has(this.controlNumber)) {
        this.issues.push({ code: 'ST_DUPLICATE', severity: 'error', level: 'transaction', source: 'envelope', offset: st.offset, message: 'ST02 not unique within the group', transactionCode: '23' });
      } else seen.add(this.controlNumber);
    }
    this.issues.push(...stIssues(st));
  }

  /** Adds bytes [start, end) of the block at buf[at..] (offsets in the block) to the set; the next part starts at `end`. */
  take(buf: Buffer, at: number, end: number): void {
    if (end > this.start) {
      this.parts.push(buf.subarray(at + this.start, at + end));
      this.start = end;
    }
  }

  /** The set, closed by its SE (or undefined: it has none), with its bytes copied out of the input. */
  close(se: Segment | undefined, delimiters: Delimiters, utf8: boolean): TransactionSet {
    const issues = this.issues;
    // a copy: the set outlives the caller's chunks
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    if (se === undefined) {
      issues.push({ code: 'SE_MISSING', severity: 'error', level: 'transaction', source: 'envelope', offset: this.st.offset, message: 'transaction set trailer SE missing', transactionCode: '2' });
    } else issues.push(...seIssues(se, this.count, this.controlNumber));
    return new TransactionSet({
      setId: this.setId, controlNumber: this.controlNumber, implementationRef: this.implementationRef, issues, lead: this.st.lead, bytes,
      offset: this.st.offset, index: this.st.index, segmentCount: this.count, hasSe: se !== undefined, delimiters, utf8, ascii: this.ascii,
    });
  }
}
