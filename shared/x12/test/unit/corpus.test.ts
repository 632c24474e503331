import { X12Reader, parseX12Document, readX12, serialize, validate } from '@ediflow/x12';
import type { Interchange, X12Event } from '@ediflow/x12';
import { NOT_PARSEABLE, chunks, corpusFile, manifest } from '../corpus';
import { syntheticInterchange } from '../synthetic';

const rows = manifest();
const parseable = rows.filter((r) => !NOT_PARSEABLE.has(r.path));

/** A compact, comparable summary of an event stream. */
function summary(events: X12Event[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case 'interchangeStart':
        return `ISA ${e.interchange.header.controlNumber} @${e.interchange.offset}`;
      case 'groupStart':
        return `GS ${e.group.controlNumber}`;
      case 'transaction':
        return `TX ${e.transaction.setId}/${e.transaction.controlNumber} n=${e.transaction.segmentCount} @${e.transaction.offset} ${e.transaction.issues.map((i) => i.code).join(',')} ${e.transaction.text.length}`;
      case 'groupEnd':
        return `GE ${e.group.issues.map((i) => i.code).join(',')}`;
      case 'interchangeEnd':
        return `IEA ${e.interchange.issues.map((i) => i.code).join(',')}`;
      case 'segment':
        return `SEG ${e.segment.id} @${e.segment.offset}`;
      case 'issue':
        return `ISSUE ${e.issue.code} @${e.issue.offset ?? ''}`;
      default:
        return 'unknown';
    }
  });
}

function readAll(bytes: Uint8Array, size: number, retain: boolean): { events: X12Event[]; interchanges: Interchange[] } {
  const reader = new X12Reader({ retain });
  const events: X12Event[] = [];
  for (const c of chunks(bytes, size)) events.push(...reader.push(c));
  events.push(...reader.end());
  const interchanges = events.flatMap((e) => (e.type === 'interchangeStart' ? [e.interchange] : []));
  return { events, interchanges };
}

describe('corpus round trip', () => {
  it.each(parseable.map((r) => [r.path]))('when %s is parsed and serialized, then the bytes are identical', (path) => {
    const bytes = corpusFile(path);
    const doc = parseX12Document(bytes);
    expect(doc.interchanges.length).toBeGreaterThan(0);
    expect(serialize(doc.interchanges).equals(bytes)).toBe(true);
  });

  it.each(parseable.map((r) => [r.path]))('when %s is fed in 1-byte chunks, then events and model equal the whole-buffer read', (path) => {
    const bytes = corpusFile(path);
    const whole = readAll(bytes, bytes.length, true);
    const tiny = readAll(bytes, bytes.length > 50_000 ? 7 : 1, true);
    expect(summary(tiny.events)).toEqual(summary(whole.events));
    expect(serialize(tiny.interchanges).equals(bytes)).toBe(true);
  });

  it.each(parseable.map((r) => [r.path]))('when the segments of %s are built and serialized, then the bytes are identical', (path) => {
    const bytes = corpusFile(path);
    const doc = parseX12Document(bytes);
    let count = 0;
    for (const ic of doc.interchanges) for (const g of ic.groups) for (const t of g.transactions) count += t.segments.length;
    expect(serialize(doc.interchanges).equals(bytes)).toBe(true);
    const declared = doc.interchanges.flatMap((ic) => ic.groups.flatMap((g) => g.transactions.map((t) => t.segmentCount)));
    expect(count).toBe(declared.reduce((a, b) => a + b, 0));
  });

  it('when a file is read as a stream of chunks, then transactions come out before the end of input', async () => {
    const bytes = Buffer.from(syntheticInterchange({ transactions: 200 }), 'latin1');
    let fed = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const c of chunks(bytes, 4096)) {
        fed += c.length;
        yield c;
      }
    }
    let fedAtFirstTransaction = -1;
    let transactions = 0;
    for await (const e of readX12(source())) {
      if (e.type === 'transaction') {
        transactions++;
        if (fedAtFirstTransaction < 0) fedAtFirstTransaction = fed;
      }
    }
    expect(transactions).toBe(200);
    expect(fedAtFirstTransaction).toBeGreaterThan(0);
    expect(fedAtFirstTransaction).toBeLessThan(bytes.length / 10);
  });

  it('when a multi-megabyte file is read whole and in large chunks, then events and bytes are the same as in small chunks', () => {
    // larger than the reader's string block (960 KiB) and its 1 MiB stream chunks, with a 2 MB transaction set across blocks
    const big = 'NM1*41*2*TEST SUBMITTER*****46*FAKE01~\n'.repeat(50_000);
    const text = syntheticInterchange({ transactions: 6000 }).replace(/SE\*(\d+)\*0003~/, (_m, n: string) => `${big}SE*${Number(n) + 50_000}*0003~`);
    const bytes = Buffer.from(text, 'latin1');
    expect(bytes.length).toBeGreaterThan(3_000_000);
    const reference = summary(readAll(bytes, 4093, true).events);
    for (const size of [bytes.length, 1024 * 1024, 1024 * 1024 + 17]) {
      const r = readAll(bytes, size, true);
      expect(summary(r.events)).toEqual(reference);
      expect(serialize(r.interchanges).equals(bytes)).toBe(true);
    }
  });

  it('when validated, then the files the manifest calls valid and that are clean have no errors', () => {
    // files whose envelopes really are clean (others break SE01 counts, fixed-width ISA, IEA/GE control numbers; see README)
    const clean = ['270/lfh__demo.270', '271/kartik__271_active_response.x12', '834/lfh__add-dependent.834', '835/lfh__managed-care.835', '837P/lfh__demo.837', '837I/vscodex12__complete.edi', '999/staedi__simple999.edi', '997/staedi__simple997-multiple-interchanges.edi', '276/tigershark__TEST 276 TXNs.txt'];
    for (const path of clean) {
      const report = validate(parseX12Document(corpusFile(path)));
      expect({ path, errors: report.errorCount }).toEqual({ path, errors: 0 });
    }
  });
});
