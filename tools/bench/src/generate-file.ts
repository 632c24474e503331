import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Zero-padded decimal, as control numbers and synthetic ids are written. */
export const pad = (v: string | number, n: number): string => String(v).padStart(n, '0');

/** The segment terminator of the generated files: `~` and a newline (default), or `~` alone. */
export const terminator = (newlines: boolean | undefined): string => (newlines === false ? '~' : '~\n');

/** ISA and GS of a generated file: one interchange, one group of `functionalId` for `guide`, synthetic parties. */
export function envelopeHeader(functionalId: string, guide: string, t: string, isa13 = '000000001'): string {
  return (
    `ISA*00*          *00*          *ZZ*BENCHSUBMITTER *ZZ*BENCHRECEIVER  *240101*1200*^*00501*${isa13}*0*T*:${t}` +
    `GS*${functionalId}*BENCHSUBMITTER*BENCHRECEIVER*20240101*1200*1*X*${guide}${t}`
  );
}

/** GE and IEA closing what envelopeHeader opened, for `sets` transaction sets. */
export function envelopeTrailer(sets: number, t: string, isa13 = '000000001'): string {
  return `GE*${sets}*1${t}IEA*1*${isa13}${t}`;
}

/** Writes generated text to `path` as it comes (backpressure kept), returning the number of bytes. */
export async function writeGenerated(path: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<number> {
  const out = createWriteStream(path);
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return size;
}

/** What generateInterchange needs to know of a transaction set's shape. */
export interface InterchangeShape {
  functionalId: string;
  setId: string;
  guide: string;
  /** Units (members, subscribers) per ST/SE; Infinity: one set. */
  perSet: number;
  /** The segments between ST and the first unit; called once at the start of each set. */
  head(stControl: string): string[];
  /** The next unit's segments, and how many units it counts for (a family: its members). */
  unit(): { segments: string[]; count: number };
}

/**
 * Yields one interchange of about `size.targetBytes` (one ISA/GS, `size.newlines` as in terminator): sets of `perSet` units each, every
 * set closed by an SE with its segment count. Text is yielded in chunks of about 64 KB, so a set
 * of any size is never held whole; a unit is never split across sets.
 */
export async function* generateInterchange(size: { targetBytes: number; newlines?: boolean }, shape: InterchangeShape): AsyncGenerator<string> {
  const t = terminator(size.newlines);
  const header = envelopeHeader(shape.functionalId, shape.guide, t);
  yield header;
  let written = header.length;
  let st = 0;
  while (written < size.targetBytes) {
    st += 1;
    const stControl = pad(st, 4);
    const head = [`ST*${shape.setId}*${stControl}*${shape.guide}`, ...shape.head(stControl)];
    let segments = head.length;
    let text = head.join(t) + t;
    for (let inSet = 0; inSet < shape.perSet && (inSet === 0 || written + text.length < size.targetBytes); ) {
      const unit = shape.unit();
      inSet += unit.count;
      segments += unit.segments.length;
      text += unit.segments.join(t) + t;
      if (text.length >= 65536) {
        written += text.length;
        yield text;
        text = '';
      }
    }
    text += `SE*${segments + 1}*${stControl}${t}`;
    written += text.length;
    yield text;
  }
  yield envelopeTrailer(st, t);
}
