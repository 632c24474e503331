/**
 * documentsForEach on translation threads gives what documentsFor gives on the caller's thread:
 * the same events in the same order, the same documents byte for byte, verdicts, claim decisions
 * and 277CA input, for every corpus file and partner setting.
 */
import type { Worker } from 'node:worker_threads';
import { TranslationThreads, documentsFor, documentsForEach, type EachOptions, type SetEvent } from '@ediflow/hipaa';
import { readX12 } from '@ediflow/x12';
import { CLAIM_SETS, EXCHANGE_SETS, guideFiles, readCorpus, transactions } from '../corpus';

const FILES = [...guideFiles('valid', CLAIM_SETS), ...guideFiles('invalid', CLAIM_SETS), ...guideFiles('valid', EXCHANGE_SETS)];

const SETTINGS: EachOptions[] = [
  { lineBreaks: true },
  { split: 'claim', lineBreaks: true },
  { lenient: true, acknowledgments: ['277CA'] },
  { guideChecks: false, fileId: 'file-1' },
];

/** What a caller sees of one event: the documents as text, the rest as values. */
function seen(e: SetEvent): unknown {
  const set = e.set === undefined ? undefined : {
    ...e.set,
    documents: e.set.documents.map((d) => ({ claimId: d.claimId, text: d.bytes.toString('utf8') })),
    lines: e.set.lines === undefined ? undefined : Buffer.concat(e.set.lines).toString('utf8'),
  };
  return { type: e.event.type, transactionIndex: e.transactionIndex, set };
}

async function run(bytes: Buffer, options: EachOptions): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of documentsForEach(readX12([bytes]), options)) out.push(seen(e));
  return out;
}

describe('documentsForEach on translation threads', () => {
  const threads = new TranslationThreads(2);
  afterAll(async () => threads.close());

  it('when every corpus file is read on two threads, then the events, documents, verdicts and decisions equal those of the caller\'s thread', async () => {
    expect(FILES.length).toBeGreaterThan(40);
    for (const path of FILES) {
      const bytes = readCorpus(path);
      for (const setting of SETTINGS) {
        const inline = await run(bytes, { ...setting, threads: 1 });
        const threaded = await run(bytes, { ...setting, threads, inlineBytes: 0 });
        expect({ path, setting, events: threaded }).toEqual({ path, setting, events: inline });
      }
    }
  }, 120_000);

  it('when a file holds many sets, then they come back in the order read, each with its documents', async () => {
    const one = readCorpus(FILES.find((p) => p.startsWith('837P/')) ?? FILES[0]);
    const text = one.toString('latin1');
    const st = text.indexOf('ST');
    const ge = text.lastIndexOf('GE');
    const set = text.slice(st, ge);
    // one interchange of 60 copies of the set, the ST02/SE02 of each kept (the reader notes the repeats, the same on both paths)
    const many = Buffer.from(text.slice(0, st) + set.repeat(60) + text.slice(ge), 'latin1');
    const inline = await run(many, { threads: 1, lineBreaks: true });
    const threaded = await run(many, { threads, inlineBytes: 0, lineBreaks: true });
    expect(threaded.filter((e) => (e as { type: string }).type === 'transaction')).toHaveLength(60);
    expect(threaded).toEqual(inline);
  }, 60_000);

  it('when a thread dies while it holds a set, then that set fails with an error and the next set gets a new thread', async () => {
    const [t] = transactions(readCorpus(FILES[0]));
    const own = new TranslationThreads(1);
    try {
      const held = own.run(t.tx, t.ic, t.group, 1, undefined, {});
      const [worker] = (own as unknown as { workers: (Worker | undefined)[] }).workers;
      await worker?.terminate();
      await expect(held).rejects.toThrow(/translation thread stopped/);
      const again = await own.run(t.tx, t.ic, t.group, 1, undefined, {});
      const here = documentsFor(t.tx, { interchange: t.ic, group: t.group, transactionIndex: 1 });
      expect(again.documents.map((d) => d.bytes.toString('utf8'))).toEqual(here.documents.map((d) => d.bytes.toString('utf8')));
      expect(again.verdict).toEqual(here.verdict);
    } finally {
      await own.close();
    }
    await expect(own.run(t.tx, t.ic, t.group, 1, undefined, {})).rejects.toThrow(/closed/);
  }, 60_000);
});
