import { readFile } from 'node:fs/promises';
import { AppError } from '@ediflow/errors';
import { DEFAULT_THREADS, documentProblems, documentsForEach, toX12, type SemanticDocument } from '@ediflow/hipaa';
import { ReportBuilder, readX12, sequentialControlNumbers } from '@ediflow/x12';
import type { Command } from '../command';
import { parseCommandArgs, singleInput } from '../command';
import { UsageError, openInput, write, type CliIo } from '../io';
import { issueLine, readOptions, toCliReport } from './report';

const TRANSLATE_HELP = `Usage: edi translate [--split transaction|claim] [--no-validate] [--file-id ID] [--threads N] FILE|-

Reads an X12 file (or stdin with -) and prints one semantic JSON document per line (NDJSON):
loop-aware JSON for the HIPAA 5010 guides (837P/I/D, 835, 277CA, 270/271, 276/277, 278 request
and response, 834, 820, 999), with the envelope context and segment numbers; other transaction
sets print their envelope context, their segments and why no guide reads them (guideReason, and
a note on stderr). These are the documents the translator service publishes.
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
  for await (const { event, set, transactionIndex } of events) {
    builder?.add(event, set?.verdict);
    if (event.type === 'transaction' && set?.guideReason !== undefined) {
      await write(io.stderr, `note: set ${transactionIndex} (ST02 ${event.transaction.controlNumber}) read as generic segments: ${set.guideReason}\n`);
    }
    // the documents, each on its line, as written (no copy)
    for (const line of set?.lines ?? []) await write(io.stdout, line);
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

const GENERATE_HELP = `Usage: edi generate [--control-number N] [--now ISO-DATE] FILE.json|-

Reads semantic JSON documents (as edi translate prints them: one per line, or one JSON array)
and prints X12: each document in its own interchange, with SE01/GE01/IEA01 counted and control
numbers counting up from --control-number (default 1). The delimiters are the document's own.

Every document is checked against its guide first (keys the guide defines, string values); a
problem is named by document number and JSON Pointer, and then nothing is printed.

Exit status: 0 done, 1 a document is not a semantic document of a supported guide or does not
match it, 2 usage error.`;

async function runGenerate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'control-number': { type: 'string' }, now: { type: 'string' } });
  if (values.help === true) {
    await write(io.stdout, `${GENERATE_HELP}\n`);
    return 0;
  }
  const path = singleInput(positionals, 'generate');
  const start = values['control-number'] === undefined ? 1 : Number(values['control-number']);
  if (!Number.isInteger(start) || start < 1 || start > 999_999_999) throw new UsageError('generate: --control-number must be a whole number from 1 to 999999999');
  const now = values.now === undefined ? new Date() : new Date(values.now as string);
  if (Number.isNaN(now.getTime())) throw new UsageError('generate: --now must be an ISO date');
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
  let docs: unknown[];
  try {
    const trimmed = text.trim();
    docs = trimmed.startsWith('[') ? (JSON.parse(trimmed) as unknown[]) : trimmed.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } catch {
    await write(io.stderr, 'generate: input is not JSON (one document per line, or an array)\n');
    return 1;
  }
  // every document is written (toX12 checks it against its guide) before any is printed: no partial output
  const controlNumbers = sequentialControlNumbers(start);
  const x12: string[] = [];
  for (const [i, doc] of docs.entries()) {
    const d = doc as Partial<SemanticDocument>;
    if (typeof d !== 'object' || d === null || d.guide === undefined || d.transaction === undefined) {
      await write(io.stderr, `generate: document ${i + 1} is not a semantic document (no guide or transaction)\n`);
      return 1;
    }
    try {
      x12.push(toX12(d as SemanticDocument, { controlNumbers, clock: () => now }));
    } catch (err) {
      if (!(err instanceof AppError && (err.code === 'HIPAA_DOCUMENT_INVALID' || err.code === 'HIPAA_GUIDE_UNSUPPORTED'))) throw err;
      // the error's message holds the places on one line; here one per line
      await write(io.stderr, `generate: document ${i + 1} does not match its guide (${String(d.guide)}):\n${documentProblems(d).map((p) => `  ${p}\n`).join('')}`);
      return 1;
    }
  }
  for (const text of x12) await write(io.stdout, text);
  return 0;
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'semantic JSON (from translate) -> X12 with envelopes and counts',
  run: runGenerate,
};
