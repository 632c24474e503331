/**
 * Fuzzing: 10,000+ mutations of the corpus files (truncation, swapped delimiters, random bytes,
 * inserted bytes, removed / duplicated / swapped segments) plus one 10 MB segment. Every input must
 * end in a result or an X12FormatError (no other exception, no hang); when there is an interchange,
 * the report gives acknowledgments that this engine reads back as valid X12; the streaming reader
 * (random chunk sizes) agrees with the whole-buffer parse; and the model serializes back to the
 * input bytes. Deterministic (fixed seed).
 */
import { writeFileSync } from 'node:fs';
import { X12FormatError, X12Reader, ReportBuilder, generateAcks, parseX12Document, sequentialControlNumbers, serialize, validate } from '@ediflow/x12';
import type { X12Event, X12Issue } from '@ediflow/x12';
import { corpusFile, manifest } from '../corpus';
import { seededRandom as rng } from '@ediflow/testkit';

const SEED = 0x5eed1234;
const MUTATIONS = 10_000;
/** Per-input bound (ms) for corpus-sized inputs; a hang would also hit the jest timeout. */
const PER_INPUT_MS = 5_000;

const random = rng(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(a: readonly T[]): T => a[int(a.length)];

/** The segment terminator of a file (the byte after ISA16), or '~'. */
function terminator(b: Buffer): number {
  const at = b.indexOf('ISA');
  return at >= 0 && b.length > at + 105 ? b[at + 105] : 0x7e;
}

function splitSegments(b: Buffer): Buffer[] {
  const t = terminator(b);
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === t) {
      out.push(b.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

type Mutation = (b: Buffer) => Buffer;

const MUTATORS: Record<string, Mutation> = {
  truncate: (b) => b.subarray(0, int(b.length)),
  randomBytes: (b) => {
    if (b.length === 0) return b;
    const c = Buffer.from(b);
    for (let k = 1 + int(8); k > 0; k--) c[int(c.length)] = int(256);
    return c;
  },
  insertBytes: (b) => {
    const at = int(b.length);
    const junk = Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256)));
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
  },
  swapDelimiters: (b) => {
    // exchange two of the four delimiters everywhere in the file (or only in the ISA)
    const at = Math.max(0, b.indexOf('ISA'));
    if (b.length < at + 106) return b;
    const d = [b[at + 3], b[at + 82], b[at + 104], b[at + 105]];
    const x = pick(d);
    const y = pick(d);
    const c = Buffer.from(b);
    const from = random() < 0.5 ? 0 : at + 106; // 0: everywhere; else: the body only (ISA disagrees)
    for (let i = from; i < c.length; i++) {
      if (c[i] === x) c[i] = y;
      else if (c[i] === y) c[i] = x;
    }
    return c;
  },
  removeSegment: (b) => {
    const s = splitSegments(b);
    if (s.length === 0) return b;
    s.splice(int(s.length), 1);
    return Buffer.concat(s);
  },
  duplicateSegment: (b) => {
    const s = splitSegments(b);
    if (s.length === 0) return b;
    const i = int(s.length);
    s.splice(i, 0, s[i]);
    return Buffer.concat(s);
  },
  swapSegments: (b) => {
    const s = splitSegments(b);
    if (s.length === 0) return b;
    const i = int(s.length);
    const j = int(s.length);
    [s[i], s[j]] = [s[j], s[i]];
    return Buffer.concat(s);
  },
};

const ackOptions = (): Parameters<typeof generateAcks>[1] => ({ controlNumbers: sequentialControlNumbers(1), clock: () => new Date(Date.UTC(2024, 0, 2, 3, 4)), ta1: 'always' });

/** ISA05-08 and GS02-03 of an acknowledgment echo the partner's ids, which may be as invalid as they were in the input. */
const ECHOED: Record<string, number[]> = { ISA: [5, 6, 7, 8], GS: [2, 3] };
function echoed(i: X12Issue): boolean {
  return i.segment !== undefined && i.element !== undefined && (ECHOED[i.segment.id] ?? []).includes(i.element.position);
}

/** A comparable summary of the whole-buffer and streaming results. */
function eventSummary(events: X12Event[]): string {
  return events
    .map((e) => {
      if (e.type === 'transaction') return `T${e.transaction.setId}/${e.transaction.controlNumber}/${e.transaction.segmentCount}/${e.transaction.issues.map((i) => i.code).join(',')}`;
      if (e.type === 'interchangeEnd') return `I${e.interchange.issues.map((i) => i.code).join(',')}`;
      if (e.type === 'groupEnd') return `G${e.group.issues.map((i) => i.code).join(',')}`;
      if (e.type === 'issue') return `F${e.issue.code}`;
      return e.type[0];
    })
    .join(' ');
}

function read(input: Buffer, chunkSizes: () => number): { events: X12Event[] } {
  const reader = new X12Reader();
  const events: X12Event[] = [];
  for (let i = 0; i < input.length; ) {
    const n = Math.max(1, chunkSizes());
    events.push(...reader.push(input.subarray(i, i + n)));
    i += n;
  }
  events.push(...reader.end());
  return { events };
}

interface Outcome {
  kind: 'result' | 'formatError';
  interchanges: number;
  acks: number;
}

/** Runs one input through every path. Throws (fails the test) on anything but a result or an X12FormatError. */
function exercise(input: Buffer, stream: boolean): Outcome {
  let doc;
  try {
    doc = parseX12Document(input);
  } catch (err) {
    if (err instanceof X12FormatError) {
      if (stream) expect(() => read(input, () => 1 + int(64))).toThrow(X12FormatError);
      return { kind: 'formatError', interchanges: 0, acks: 0 };
    }
    throw err;
  }
  // lossless: the model gives back the input bytes
  const back = serialize(doc.interchanges);
  if (!back.equals(input)) {
    let at = 0;
    while (at < back.length && back[at] === input[at]) at++;
    throw new Error(`serialize differs from the input at byte ${at} (input ${input.length} bytes, output ${back.length})`);
  }
  const report = validate(doc);
  let acks = 0;
  if (doc.interchanges.length > 0) {
    const out = generateAcks(report, ackOptions());
    expect(out.ta1).toBeDefined();
    for (const text of [out.ta1, out.ack999, out.ack997]) {
      if (text === undefined) continue;
      acks++;
      // our own acknowledgments are valid X12, except echoed partner ids that were invalid in the input
      const ack = validate(parseX12Document(text));
      const bad = ack.interchanges
        .flatMap((i) => i.issues.concat(...i.groups.flatMap((g) => g.issues.concat(...g.transactions.map((t) => t.issues)))))
        .concat(ack.fileIssues)
        .filter((i) => i.severity === 'error' && !echoed(i));
      if (bad.length > 0) throw new Error(`generated acknowledgment is not valid: ${JSON.stringify(bad.map((i) => `${i.code}: ${i.message}`))}`);
    }
  }
  if (stream) {
    // streaming with random chunk sizes sees the same structure and issues, and its report gives the same verdict
    const whole = read(input, () => input.length);
    const streamed = read(input, () => 1 + int(random() < 0.5 ? 8 : 4096));
    const a = eventSummary(whole.events);
    const b = eventSummary(streamed.events);
    if (a !== b) {
      let at = 0;
      while (a[at] === b[at]) at++;
      throw new Error(`streamed events differ: whole ...${a.slice(Math.max(0, at - 60), at + 60)}... streamed ...${b.slice(Math.max(0, at - 60), at + 60)}...`);
    }
    const builder = new ReportBuilder();
    for (const e of streamed.events) builder.add(e);
    expect(builder.report().errorCount).toBe(report.errorCount);
  }
  return { kind: 'result', interchanges: doc.interchanges.length, acks };
}

describe('fuzzing the engine with mutated corpus files', () => {
  const files = manifest().map((r) => ({ path: r.path, bytes: corpusFile(r.path) }));

  it(`when ${MUTATIONS} mutations are read, then each ends in a result or an X12FormatError, with acknowledgments, in bounded time`, () => {
    const names = Object.keys(MUTATORS);
    const counts = { result: 0, formatError: 0, acks: 0, streamed: 0 };
    const byMutator: Record<string, number> = {};
    let slowest = 0;
    const started = Date.now();
    for (let n = 0; n < MUTATIONS; n++) {
      const file = pick(files);
      let input = file.bytes;
      const applied: string[] = [];
      for (let k = 1 + (random() < 0.25 ? 1 : 0); k > 0; k--) {
        const name = pick(names);
        applied.push(name);
        input = MUTATORS[name](input);
      }
      const stream = n % 4 === 0;
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = exercise(input, stream);
      } catch (err) {
        if (process.env.FUZZ_DUMP !== undefined) writeFileSync(process.env.FUZZ_DUMP, input); // replay aid: FUZZ_DUMP=/tmp/case.x12
        // name the case so it can be replayed (mutation number, file, mutators): no file content in the message
        throw new Error(`mutation #${n} (${applied.join('+')}) of ${file.path}: ${(err as Error).message}`);
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      expect(ms).toBeLessThan(PER_INPUT_MS);
      counts[outcome.kind]++;
      counts.acks += outcome.acks;
      if (stream) counts.streamed++;
      for (const a of applied) byMutator[a] = (byMutator[a] ?? 0) + 1;
    }
    // the mix exercised both outcomes and every mutator
    expect(counts.result + counts.formatError).toBe(MUTATIONS);
    expect(counts.result).toBeGreaterThan(MUTATIONS / 2);
    expect(counts.formatError).toBeGreaterThan(0);
    expect(Object.keys(byMutator).sort()).toEqual(names.sort());
    process.stdout.write(`fuzz: ${MUTATIONS} inputs in ${Date.now() - started} ms, slowest ${slowest.toFixed(1)} ms, ${JSON.stringify(counts)}, mutators ${JSON.stringify(byMutator)}\n`);
  }, 120_000);

  it('when one segment is 10 MB long, then it is read, validated and acknowledged in bounded time, whole or streamed', () => {
    const base = files.find((f) => f.path.startsWith('837P/') && f.bytes.includes('NM1*IL'))!;
    const at = base.bytes.indexOf('NM1*IL');
    const big = Buffer.alloc(10 * 1024 * 1024, 'A');
    const input = Buffer.concat([base.bytes.subarray(0, at + 7), big, base.bytes.subarray(at + 7)]);
    const t0 = performance.now();
    const outcome = exercise(input, true);
    const ms = performance.now() - t0;
    expect(outcome).toMatchObject({ kind: 'result', interchanges: 1 });
    expect(outcome.acks).toBeGreaterThan(0);
    expect(ms).toBeLessThan(15_000);
  }, 60_000);
});
