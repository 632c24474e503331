/**
 * The JSON text of every document of a transaction set, written from its tape and bytes: the set
 * as one document, one document per claim (the claim's chain of loops and none of the other
 * claims), or, for a set of no supported guide, its segments as sent. Property names are written
 * as precomputed pieces; element bytes are copied with JSON.stringify's escaping. The text is
 * JSON.stringify's of the same document as objects.
 */
import { readsAsUtf8, type TransactionSet } from '@ediflow/x12';
import type { CompiledGuide, SegmentDef } from './definition';
import { DocumentBuffer, PAST, pieceOf, putCount, putPiece, type Piece } from './json-out';
import { ClaimCut } from './claim-cut';
import { SegmentWriter, classTable, planOf, type Plan } from './segment-writer';
import { CLOSE, EVENT, IRREGULAR, OPEN, SEGMENT, SHIFT, UNPLACED, type Tape } from './tape';

/** Per compiled guide, by ordinal: what the writer needs of each loop and segment. */
interface GuideTable {
  /** `,"name":` and `,"name":[`: a child after the loop's source pointer or another child. */
  bare: Piece[];
  list: Piece[];
  repeatable: boolean[];
  defs: (SegmentDef | undefined)[];
  plans: (Plan | undefined)[];
  sourceHeads: Piece[];
  /** Bytes one event writes at most, past a segment's own: `],"name":[` and a loop's `{"source":…}`. */
  room: number;
}

const tables = new WeakMap<CompiledGuide, GuideTable>();

/** `"source":{"loop":"2300","first":` per loop id. */
const sourceHeads = new Map<string, Piece>();
const LAST = pieceOf(',"last":');
const UNRECOGNIZED = pieceOf(',"unrecognizedSegments":[');

function sourceHead(loop: string): Piece {
  let head = sourceHeads.get(loop);
  if (head === undefined) {
    head = pieceOf(`"source":{"loop":${JSON.stringify(loop)},"first":`);
    sourceHeads.set(loop, head);
  }
  return head;
}

/**
 * The guide's table. A guide with a loop whose children share a name, or a name the writer uses
 * itself ('source', 'unrecognizedSegments') or one that objects would sort first (integer-like,
 * __proto__), is refused: its documents would lose or reorder values.
 */
export function guideTable(guide: CompiledGuide): GuideTable {
  let t = tables.get(guide);
  if (t !== undefined) return t;
  for (const loop of guide.loops) {
    const keys = loop.children.map((c) => c.def.key);
    const bad = keys.find((k, i) => keys.indexOf(k) !== i || k === 'source' || k === 'unrecognizedSegments' || k === '__proto__' || /^\d+$/.test(k));
    if (bad !== undefined) throw new Error(`guide ${guide.definition.guide}: loop ${loop.id} cannot have a child named ${bad}`);
  }
  const longest = (pieces: Piece[]): number => Math.max(0, ...pieces.map((p) => p[0]));
  const list = guide.nodes.map((c) => pieceOf(`,${JSON.stringify(c.def.key)}:[`));
  const heads = guide.nodes.map((c) => sourceHead(c.id));
  t = {
    bare: guide.nodes.map((c) => pieceOf(`,${JSON.stringify(c.def.key)}:`)),
    list,
    repeatable: guide.nodes.map((c) => c.repeatable),
    defs: guide.nodes.map((c) => (c.kind === 'segment' ? c.def : undefined)),
    plans: guide.nodes.map((c) => (c.kind === 'segment' ? planOf(c.def) : undefined)),
    sourceHeads: heads,
    // `]` + member + `{` + head + 2 counts of up to 10 digits + `,"last":` + `}`
    room: 1 + longest(list) + 1 + longest(heads) + 20 + LAST[0] + 1 + PAST,
  };
  tables.set(guide, t);
  return t;
}

const KEY_END = pieceOf('},"transaction":');
const SPLIT_END = pieceOf('}}');

/** One document's bytes, and its claim id when it is one claim's. */
export interface WrittenDocument {
  bytes: Buffer;
  claimId?: string;
}

/** Writes the documents of one set (its tape, when of a supported guide) into one DocumentBuffer. */
export class DocumentWriter {
  private readonly out: DocumentBuffer;
  private readonly segments: SegmentWriter;
  /** The class table of ASCII and UTF-8 text, and of text read as latin1 (bytes over 0x7f written as two). */
  private readonly utf8Table: Uint8Array;
  private readonly latin1Table: Uint8Array;

  constructor(
    private readonly tx: TransactionSet,
    hint: number,
    /** Write a line break after each document (in the block, not in its bytes). */
    private readonly lineBreaks = false,
  ) {
    this.out = new DocumentBuffer(hint);
    this.segments = new SegmentWriter(this.out, tx.bytes, tx.delimiters);
    this.utf8Table = classTable(tx.delimiters, false);
    this.latin1Table = classTable(tx.delimiters, true);
  }

  /** NDJSON: the documents with a line break after each, as few pieces of the blocks as they take (lineBreaks). */
  readonly lines: Buffer[] = [];

  /** The document just written; with line breaks, the break goes after it and the lines take both. */
  private done(): WrittenDocument {
    const out = this.out;
    if (!this.lineBreaks) return { bytes: out.take() };
    out.byte(0x0a);
    const line = out.take();
    const last = this.lines[this.lines.length - 1];
    // a line that starts where the last one ended, in the same block, extends it
    if (last !== undefined && last.buffer === line.buffer && last.byteOffset + last.length === line.byteOffset) {
      this.lines[this.lines.length - 1] = Buffer.from(line.buffer, last.byteOffset, last.length + line.length);
    } else this.lines.push(line);
    return { bytes: line.subarray(0, line.length - 1) };
  }

  /** The class table for bytes [start, end) of the set: how its text reads. */
  private tableFor(start: number, end: number): Uint8Array {
    if (this.tx.isAscii) return this.utf8Table;
    return readsAsUtf8(this.tx.bytes, start, end, this.tx.decodesUtf8) ? this.utf8Table : this.latin1Table;
  }

  /** The set as one document: `head` is the JSON of its fields before `transaction`. */
  whole(head: string, tape: Tape, table: GuideTable): WrittenDocument {
    const out = this.out;
    out.begin();
    out.bytes(Buffer.from(`${head.slice(0, -1)},"transaction":`, 'utf8'));
    this.instance(tape, table, 0, undefined);
    out.byte(0x7d);
    return this.done();
  }

  /**
   * One document per claim (claim loop instances of `claimOrdinals`), each with its claim id
   * (`ids`, in claim order); `head` is the JSON of the fields before `transaction`, whose last
   * field is the key object.
   */
  claims(head: string, tape: Tape, table: GuideTable, cut: ClaimCut, ids: readonly string[], keep: (k: number) => boolean = () => true): WrittenDocument[] {
    const out = this.out;
    const headBytes = Buffer.from(`${head.slice(0, -2)},"claimId":`, 'utf8');
    const splitHead = Buffer.from(',"split":{"mode":"claim","index":', 'utf8');
    const splitCount = Buffer.from(`,"count":${cut.claims.length},"claimId":`, 'utf8');
    const docs: WrittenDocument[] = [];
    /**
     * The last document written, its chain of loop instances (root to claim) and where each lies
     * in it: the next claim shares the outer part of its chain (the same instances, with the same
     * children that hold no claim), so it copies what lies around the first instance that differs
     * and writes only that one.
     */
    let last: { bytes: Buffer; chain: number[]; from: number[]; to: number[]; transaction: number; end: number } | undefined;
    cut.claims.forEach((c, k) => {
      if (!keep(k)) return;
      const claimId = ids[k];
      out.begin();
      out.bytes(headBytes);
      out.string(claimId);
      out.piece(KEY_END);
      const transaction = out.length;
      const chain = cut.chainOf(c);
      let shared = 0;
      if (last !== undefined) while (shared < chain.length && shared < last.chain.length && chain[shared] === last.chain[shared]) shared++;
      // the first instances that differ must be siblings of one run (one name, side by side): then what lies around them is the same
      const reuse = last !== undefined && shared > 0 && shared < chain.length && shared < last.chain.length && cut.runOf(chain[shared]) === cut.runOf(last.chain[shared]);
      cut.chain(c, true);
      const from = this.chainFrom;
      const to = this.chainTo;
      if (reuse && last !== undefined) {
        out.bytes(last.bytes.subarray(last.transaction, last.from[shared]));
        this.depth = shared;
        this.instance(tape, table, chain[shared] * EVENT, cut);
        const delta = (to[shared] - from[shared]) - (last.to[shared] - last.from[shared]);
        out.bytes(last.bytes.subarray(last.to[shared], last.end));
        // the outer instances lie where they lay, moved by the heads' difference (claim ids differ in length) and, for their ends, by the new part's
        const shift = transaction - last.transaction;
        for (let d = 0; d < shared; d++) {
          from[d] = last.from[d] + shift;
          to[d] = last.to[d] + shift + delta;
        }
      } else {
        this.depth = 0;
        this.instance(tape, table, 0, cut);
      }
      cut.chain(c, false);
      const end = out.length;
      out.bytes(splitHead);
      out.count(k + 1);
      out.bytes(splitCount);
      out.string(claimId);
      out.piece(SPLIT_END);
      const doc = this.done();
      docs.push({ ...doc, claimId });
      last = { bytes: doc.bytes, chain, from: from.slice(0, chain.length), to: to.slice(0, chain.length), transaction, end };
    });
    return docs;
  }

  /** While a claim's document is written: the depth on its chain, and where each chain instance starts and ends (document offsets). */
  private depth = 0;
  private readonly chainFrom: number[] = [];
  private readonly chainTo: number[] = [];

  /** A set of no supported guide: `head` is the JSON of its fields before `segments`; every segment as sent. */
  plain(head: string, starts: readonly number[], ends: readonly number[]): WrittenDocument {
    const out = this.out;
    out.begin();
    out.bytes(Buffer.from(`${head.slice(0, -1)},"segments":[`, 'utf8'));
    for (let i = 0; i < starts.length; i++) {
      if (i > 0) out.byte(0x2c);
      this.segments.plain(i + 1, starts[i], ends[i], this.tableFor(starts[i], ends[i]));
    }
    out.byte(0x5d);
    out.byte(0x7d);
    return this.done();
  }

  /** A segment event `i` (SEGMENT or UNPLACED) of the tape. */
  private segment(ops: Int32Array, i: number, table: GuideTable): void {
    const head = ops[i];
    const start = ops[i + 1];
    const end = ops[i + 2];
    const classes = this.tableFor(start, end);
    if ((head & 3) === UNPLACED) this.segments.unplaced(head >> SHIFT, start, end, classes);
    else {
      const ord = head >> SHIFT;
      this.segments.segment(table.defs[ord] as SegmentDef, table.plans[ord] as Plan, start, end, classes);
    }
  }

  /** Writes the loop instance opened at tape index `e` (with `cut`: as a claim's document keeps it); returns the index past its CLOSE. */
  private instance(tape: Tape, table: GuideTable, e: number, cut: ClaimCut | undefined): number {
    if (cut === undefined || !cut.onChain(e / EVENT)) return this.body(tape, table, e, cut);
    const d = this.depth++;
    this.chainFrom[d] = this.out.length;
    const next = this.body(tape, table, e, cut);
    this.chainTo[d] = this.out.length;
    this.depth--;
    return next;
  }

  /** instance() itself. */
  private body(tape: Tape, table: GuideTable, e: number, cut: ClaimCut | undefined): number {
    const out = this.out;
    const ops = tape.ops;
    const head = ops[e];
    out.room(table.room);
    let o = out.o;
    out.buf[o++] = 0x7b;
    o = putPiece(out.view, o, table.sourceHeads[head >> SHIFT]);
    o = putCount(out.buf, o, ops[e + 1]);
    o = putPiece(out.view, o, LAST);
    o = putCount(out.buf, o, ops[e + 2]);
    out.buf[o++] = 0x7d;
    out.o = o;
    if ((head & IRREGULAR) !== 0) return this.irregular(tape, table, e, cut);
    const { repeatable, bare, list } = table;
    /** The ordinal of the last child written (-1: none yet). */
    let last = -1;
    for (let i = e + EVENT; ; ) {
      const h = ops[i];
      const kind = h & 3;
      if (kind === CLOSE) {
        out.room(2);
        if (last >= 0 && repeatable[last]) out.buf[out.o++] = 0x5d;
        out.buf[out.o++] = 0x7d;
        return i + EVENT;
      }
      if (kind === OPEN && cut !== undefined) {
        const to = cut.skipTo(i / EVENT);
        if (to >= 0) {
          i = (to + 1) * EVENT;
          continue;
        }
      }
      const ord = h >> SHIFT;
      out.room(table.room);
      if (last === ord) out.buf[out.o++] = 0x2c;
      else {
        if (last >= 0 && repeatable[last]) out.buf[out.o++] = 0x5d;
        out.o = putPiece(out.view, out.o, repeatable[ord] ? list[ord] : bare[ord]);
        last = ord;
      }
      if (kind === SEGMENT) {
        this.segment(ops, i, table);
        i += EVENT;
      } else i = this.instance(tape, table, i, cut);
    }
  }

  /**
   * An irregular instance (tape.ts): its children grouped by name in the order the names first
   * come, kept segments in one unrecognizedSegments list, a child sent more often than the guide
   * allows as a list. With `cut`, a name that holds the chain keeps only the chain's instance, and
   * one that holds another claim is left out.
   */
  private irregular(tape: Tape, table: GuideTable, e: number, cut: ClaimCut | undefined): number {
    const out = this.out;
    const ops = tape.ops;
    /** Children by name (ordinal; -1 for kept segments), in the order the names first come. */
    const groups = new Map<number, number[]>();
    let end = e + EVENT;
    for (let depth = 0; ; end += EVENT) {
      const kind = ops[end] & 3;
      if (kind === CLOSE) {
        if (depth === 0) break;
        depth--;
        continue;
      }
      if (depth === 0) {
        const key = kind === UNPLACED ? -1 : ops[end] >> SHIFT;
        const list = groups.get(key);
        if (list === undefined) groups.set(key, [end]);
        else list.push(end);
      }
      if (kind === OPEN) depth++;
    }
    for (const [key, children] of groups) {
      if (key < 0) {
        out.piece(UNRECOGNIZED);
        children.forEach((i, k) => {
          if (k > 0) out.byte(0x2c);
          this.segment(ops, i, table);
        });
        out.byte(0x5d);
        continue;
      }
      let kept = children;
      if (cut !== undefined && (ops[children[0]] & 3) === OPEN) {
        const chain = children.find((i) => cut.onChain(i / EVENT));
        if (chain !== undefined) kept = [chain];
        else if (children.some((i) => cut.holds(i / EVENT))) continue;
      }
      const many = table.repeatable[key] || children.length > 1;
      out.piece(many ? table.list[key] : table.bare[key]);
      kept.forEach((i, k) => {
        if (k > 0) out.byte(0x2c);
        if ((ops[i] & 3) === OPEN) this.instance(tape, table, i, cut);
        else this.segment(ops, i, table);
      });
      if (many) out.byte(0x5d);
    }
    out.byte(0x7d);
    return end + EVENT;
  }
}
