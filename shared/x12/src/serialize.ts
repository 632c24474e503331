/**
 * Serializer back to X12. Each segment is written as lead + text + terminator,
 * and an untouched transaction set as its exact text, so an unmodified model
 * gives back the input bytes exactly.
 */
import type { FunctionalGroup, Interchange, Segment } from './model';
import { TransactionSet } from './model';

type Part = Segment | TransactionSet;

/** Parts of an interchange in file order: segments and transaction sets (ISA .. IEA). */
function interchangeParts(ic: Interchange): Part[] {
  const out: Part[] = [ic.isa];
  const items: { index: number; parts: Part[] }[] = [];
  for (const s of ic.loose) items.push({ index: s.index, parts: [s] });
  for (const g of ic.groups) items.push({ index: g.gs.index, parts: groupParts(g) });
  items.sort((a, b) => a.index - b.index);
  for (const it of items) for (const p of it.parts) out.push(p);
  if (ic.iea !== undefined) out.push(ic.iea);
  return out;
}

function groupParts(g: FunctionalGroup): Part[] {
  const inner: Part[] = [...g.transactions, ...g.loose];
  inner.sort((a, b) => a.index - b.index);
  const out: Part[] = [g.gs, ...inner];
  if (g.ge !== undefined) out.push(g.ge);
  return out;
}

/** All segments of an interchange in file order (ISA .. IEA); builds the segments of every transaction set. */
export function interchangeSegments(ic: Interchange): Segment[] {
  const out: Segment[] = [];
  for (const p of interchangeParts(ic)) {
    if (p instanceof TransactionSet) for (const s of p.segments) out.push(s);
    else out.push(p);
  }
  return out;
}

/** All segments of a group in file order (GS .. GE). */
export function groupSegments(g: FunctionalGroup): Segment[] {
  const out: Segment[] = [];
  for (const p of groupParts(g)) {
    if (p instanceof TransactionSet) for (const s of p.segments) out.push(s);
    else out.push(p);
  }
  return out;
}

/** Accumulates text runs of one encoding and turns them into buffers. */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  private text = '';
  private enc: 'utf8' | 'latin1' = 'latin1';

  add(s: string, enc: 'utf8' | 'latin1'): void {
    if (enc !== this.enc || this.text.length > 1 << 20) this.flush();
    this.enc = enc;
    this.text += s;
  }

  raw(b: Buffer): void {
    this.flush();
    this.chunks.push(b);
  }

  flush(): void {
    if (this.text !== '') this.chunks.push(Buffer.from(this.text, this.enc));
    this.text = '';
  }

  /** The bytes, in a buffer of their own (never a transaction set's `bytes`). */
  result(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

function addSegment(sink: ByteSink, s: Segment): void {
  if (s.latin1) {
    sink.add(s.lead, 'latin1');
    sink.add(s.raw, 'latin1');
    sink.add(s.term, 'latin1');
  } else if (s.term.length > 0 && s.term.charCodeAt(0) > 0x7f) {
    // a non-ASCII terminator is one byte of the ISA (latin1), whatever the encoding of the segment text
    sink.add(s.lead + s.raw, 'utf8');
    sink.add(s.term, 'latin1');
  } else sink.add(s.lead + s.raw + s.term, 'utf8');
}

function addTransaction(sink: ByteSink, t: TransactionSet): void {
  if (t.materialized) for (const s of t.segments) addSegment(sink, s);
  else {
    sink.add(t.lead, 'latin1');
    sink.raw(t.bytes);
  }
}

/** Serialize one transaction set (ST..SE) to bytes. */
export function serializeTransaction(tx: TransactionSet): Buffer {
  const sink = new ByteSink();
  addTransaction(sink, tx);
  return sink.result();
}

/** Serialize interchanges to bytes (a BOM is written where the input had one). Unmodified input gives the same bytes. */
export function serialize(interchanges: readonly Interchange[]): Buffer {
  const sink = new ByteSink();
  for (const ic of interchanges) {
    if (ic.bom) sink.raw(Buffer.from([0xef, 0xbb, 0xbf]));
    for (const p of interchangeParts(ic)) {
      if (p instanceof TransactionSet) addTransaction(sink, p);
      else addSegment(sink, p);
    }
    if (ic.trailer !== '') sink.add(ic.trailer, 'latin1');
  }
  return sink.result();
}

/** Serialize interchanges to a string (each char one byte for latin1 text; use `serialize` for exact bytes). */
export function serializeToString(interchanges: readonly Interchange[]): string {
  return serialize(interchanges).toString('latin1');
}
