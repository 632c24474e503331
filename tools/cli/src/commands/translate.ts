import { readFile } from 'node:fs/promises';
import { AppError } from '@ediflow/errors';
import { DEFAULT_THREADS, documentProblems, documentsForEach, toX12, type SemanticDocument, type X12Document } from '@ediflow/hipaa';
import { ReportBuilder, readX12, sequentialControlNumbers } from '@ediflow/x12';
import type { Command } from '../command';
import { parseCommandArgs, singleInput } from '../command';
import { UsageError, openInput, write, type CliIo } from '../io';
import { issueLine, readOptions, toCliReport } from './report';

const TRANSLATE_HELP = `Usage: edi translate [--split transaction|claim] [--no-validate] [--file-id ID] [--threads N] FILE|-

Reads an X12 file (or stdin with -) and prints one semantic JSON document per line (NDJSON):
loop-aware JSON for the HIPAA 5010 guides (837P/I/D, 835, 277CA, 270/271, 276/277, 278 request
and response, 834, 820, 999) and, for legacy partners, the 4010 ones (837P/I/D, 835, 270/271,
276/277, 834; their documents say "legacy": true), with the envelope context (ISA01-16,
GS01-08) and segment numbers. The guide is found by ST03, then GS08 (errata releases too), then
for a 4010 interchange by the set id; other transaction sets print a generic document: the
envelope context, the segments and why no guide reads them (guideReason, and a note on stderr),
an element that holds a component or repetition separator as the list of its repetitions, each
the list of its components (EB03 30^33 [["30"],["33"]], SV101 HC:99213 [["HC","99213"]]).
These are the documents the translator service publishes; edi generate writes them back.
Streaming: memory is bounded by the largest transaction set (a few sets with --threads).

--split claim   one document per 837 claim (2300) or 835 claim payment (2100)
--no-validate   skip the checks (by default, the envelope, syntax and guide errors of edi
                validate go to stderr, one line per issue with its place and codes, never a value)
--file-id ID    the file id the documents name as their source (as the service's fileId)
--threads N     translate the sets of a large input on N threads, this one among them (1: only
                it; 0, the default: the cores, at most 4, on 4 cores or more, else 1); the
                output is the same

Exit status: 0 every set valid, 1 guide or syntax errors were found (documents still printed)
or the input is not X12, 2 usage error.`;

async function runTranslate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { split: { type: 'string' }, 'no-validate': { type: 'boolean' }, 'file-id': { type: 'string' }, threads: { type: 'string' } });
  if (values.help === true) {
    await write(io.stdout, `${TRANSLATE_HELP}\n`);
    return 0;
  }
  const split = (values.split ?? 'transaction') as string;
  if (split !== 'transaction' && split !== 'claim') throw new UsageError(`translate: --split must be transaction or claim, not ${split}`);
  const fileId = values['file-id'] as string | undefined;
  const threads = values.threads === undefined || values.threads === '0' ? DEFAULT_THREADS : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) throw new UsageError('translate: --threads must be a whole number from 0 to 64');
  const input = await openInput(singleInput(positionals, 'translate'), io);
  const validating = values['no-validate'] !== true;
  // the same report as edi validate: each set's verdict is the one its documents were written with
  const builder = validating ? new ReportBuilder() : undefined;
  const events = documentsForEach(readX12(input.source, readOptions()), { split, guideChecks: validating, lineBreaks: true, threads, ...(fileId === undefined ? {} : { fileId }) });
  // sets read as generic segments, by reason: the first of each is noted, the others counted
  const generic = new Map<string, number>();
  for await (const { event, set, transactionIndex } of events) {
    builder?.add(event, set?.verdict);
    if (event.type === 'transaction' && set?.guideReason !== undefined) {
      const seen = generic.get(set.guideReason) ?? 0;
      generic.set(set.guideReason, seen + 1);
      if (seen === 0) await write(io.stderr, `note: set ${transactionIndex} (ST02 ${event.transaction.controlNumber}) read as generic segments: ${set.guideReason}\n`);
    }
    // the documents, each on its line, as written (no copy)
    for (const line of set?.lines ?? []) await write(io.stdout, line);
  }
  for (const [reason, count] of generic) {
    if (count > 1) await write(io.stderr, `note: ${count - 1} more set${count > 2 ? 's' : ''} read as generic segments: ${reason}\n`);
  }
  if (builder === undefined) return 0;
  const report = toCliReport(builder.report(), false);
  for (const issue of report.issues) if (issue.severity === 'error') await write(io.stderr, `${issueLine(issue)}\n`);
  return report.valid ? 0 : 1;
}

export const translateCommand: Command = {
  name: 'translate',
  summary: 'X12 file -> semantic JSON per transaction set or claim (NDJSON)',
  run: runTranslate,
};

const GENERATE_HELP = `Usage: edi generate [--new-control-numbers [--control-number N] [--now ISO-DATE]] FILE.json|-

Reads documents as edi translate prints them (one per line, or one JSON array): semantic
documents of a supported guide and generic documents (segments) alike, and prints X12 with
the envelope they carry: ISA01-16, GS01-08 and the ISA13/GS06/ST02 control numbers as sent,
consecutive documents of one interchange in one ISA and of one group in one GS (as translate
printed them, in order), SE01/GE01/IEA01 counted. The delimiters are the documents' own, so
translate | generate gives the interchanges back segment for segment.

--new-control-numbers   each document in an interchange of its own, with new control numbers
                        counting up from --control-number (default 1), ISA09/10 and GS04/05 from
                        --now (default the clock), ISA01-04 empty
--control-number N      the first new control number (only with --new-control-numbers)
--now ISO-DATE          the date and time of the new envelopes (only with --new-control-numbers)

Documents of a set split per claim (translate --split claim) are refused unless new control
numbers are asked for: the set they came from cannot be written back as sent from one claim;
with --new-control-numbers each claim becomes a set of its own.

Every document is checked first (semantic: the keys its guide defines, string values; generic:
segment ids, string elements or lists of repetitions of components); a problem is named by
document number and JSON Pointer, and then nothing is printed.

Exit status: 0 done, 1 a document cannot be written (not a document, does not match its guide
or shape, split per claim), 2 usage error.`;

async function readDocuments(path: string, io: CliIo): Promise<unknown[] | undefined> {
  let text: string;
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of io.stdin as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  try {
    const trimmed = text.trim();
    return trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]) : trimmed.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } catch {
    return undefined;
  }
}

const isDocument = (d: unknown): d is X12Document =>
  typeof d === 'object' && d !== null && ('guide' in d ? 'transaction' in d : 'segments' in d);

async function runGenerate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'new-control-numbers': { type: 'boolean' }, 'control-number': { type: 'string' }, now: { type: 'string' } });
  if (values.help === true) {
    await write(io.stdout, `${GENERATE_HELP}\n`);
    return 0;
  }
  const path = singleInput(positionals, 'generate');
  const renew = values['new-control-numbers'] === true;
  if (!renew && (values['control-number'] !== undefined || values.now !== undefined)) {
    throw new UsageError('generate: --control-number and --now go with --new-control-numbers (without it the documents keep their envelope)');
  }
  const start = values['control-number'] === undefined ? 1 : Number(values['control-number']);
  if (!Number.isInteger(start) || start < 1 || start > 999_999_999) throw new UsageError('generate: --control-number must be a whole number from 1 to 999999999');
  const now = values.now === undefined ? new Date() : new Date(values.now as string);
  if (Number.isNaN(now.getTime())) throw new UsageError('generate: --now must be an ISO date');
  const docs = await readDocuments(path, io);
  if (docs === undefined) {
    await write(io.stderr, 'generate: input is not JSON (one document per line, or an array)\n');
    return 1;
  }
  const bad = docs.findIndex((d) => !isDocument(d));
  if (bad >= 0) {
    await write(io.stderr, `generate: document ${bad + 1} is not a document of edi translate (neither guide and transaction, nor segments)\n`);
    return 1;
  }
  const documents = docs as X12Document[];
  // every document is written (toX12 checks each) before any is printed: no partial output
  let x12: string;
  try {
    x12 = toX12(documents, renew ? { controlNumbers: sequentialControlNumbers(start), clock: () => now } : {});
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const n = Number(err.details.document);
    if (err.code === 'HIPAA_SPLIT_DOCUMENT') {
      await write(io.stderr, `generate: ${err.message}\n`);
      return 1;
    }
    if (!(err.code === 'HIPAA_DOCUMENT_INVALID' || err.code === 'HIPAA_GUIDE_UNSUPPORTED') || !Number.isInteger(n)) throw err;
    // the error's message holds the places on one line; here one per line
    const d = documents[n - 1] as Partial<SemanticDocument>;
    const what = d.guide === undefined ? 'the generic document shape' : `its guide (${String(d.guide)})`;
    await write(io.stderr, `generate: document ${n} does not match ${what}:\n${documentProblems(d, 10, { keptEnvelope: !renew }).map((p) => `  ${p}\n`).join('')}`);
    return 1;
  }
  await write(io.stdout, x12);
  return 0;
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'documents of translate (semantic or generic) -> X12, envelopes as carried, counts',
  run: runGenerate,
};
