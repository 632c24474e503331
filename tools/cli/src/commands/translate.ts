import { readFile } from 'node:fs/promises';
import { AppError } from '@ediflow/errors';
import { documentProblems, guideValidator, semanticClaimsJsonBytes, toX12, translateTransaction, writeSemanticJson, type SemanticDocument } from '@ediflow/hipaa';
import { ReportBuilder, readX12, sequentialControlNumbers, transactionToJsonBytes } from '@ediflow/x12';
import type { Command } from '../command';
import { parseCommandArgs, singleInput } from '../command';
import { UsageError, openInput, write, type CliIo } from '../io';

const TRANSLATE_HELP = `Usage: edi translate [--split transaction|claim] [--no-validate] FILE|-

Reads an X12 file (or stdin with -) and prints one semantic JSON document per line (NDJSON):
loop-aware JSON for 837P, 837I, 837D, 835 and 277CA (005010X222A1, X223A2, X224A2, X221A1,
X214), with the envelope context and segment numbers; other transaction sets print their
envelope context and segments. Streaming: memory is bounded by the largest transaction set.

--split claim   one document per 837 claim (2300) or 835 claim payment (2100)
--no-validate   skip the implementation-guide checks (by default, syntax and guide errors
                go to stderr, one line per issue with its place and code, never a value)

Exit status: 0 every set valid, 1 guide or syntax errors were found (documents still printed)
or the input is not X12, 2 usage error.`;

const NEWLINE = Buffer.from('\n');

async function runTranslate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { split: { type: 'string' }, 'no-validate': { type: 'boolean' } });
  if (values.help === true) {
    await write(io.stdout, `${TRANSLATE_HELP}\n`);
    return 0;
  }
  const split = (values.split ?? 'transaction') as string;
  if (split !== 'transaction' && split !== 'claim') throw new UsageError(`translate: --split must be transaction or claim, not ${split}`);
  const input = await openInput(singleInput(positionals, 'translate'), io);
  const builder = values['no-validate'] === true ? undefined : new ReportBuilder({ validators: [guideValidator()] });
  let errors = 0;
  let position = 0;
  for await (const e of readX12(input.source)) {
    const report = builder?.add(e);
    if (e.type === 'interchangeStart') position = 0;
    if (e.type !== 'transaction') continue;
    position += 1;
    for (const issue of report?.issues ?? []) {
      if (issue.severity !== 'error') continue;
      errors += 1;
      const where = issue.segment ? ` segment ${issue.segment.id} #${issue.segment.position}${issue.element ? ` element ${issue.element.position}` : ''}` : '';
      await write(io.stderr, `ST02 ${e.transaction.controlNumber}:${where} ${issue.code}: ${issue.message}\n`);
    }
    const ctx = { interchange: e.interchange, group: e.group, transactionIndex: position };
    if (split === 'transaction') {
      // One document per set: written from the bytes (the same text as JSON.stringify of the
      // document) and passed on as bytes: decoding it to a string and back cost ~0.1 s per 10 MB.
      const parts: Buffer[] = [];
      if (writeSemanticJson(e.transaction, ctx, (bytes) => parts.push(Buffer.from(bytes))) !== undefined) {
        parts.push(NEWLINE);
        for (const part of parts) await write(io.stdout, part);
        continue;
      }
    } else {
      // one document per claim, written from the bytes as well (undefined: the set's guide does not split per claim)
      const claims = semanticClaimsJsonBytes(e.transaction, ctx);
      if (claims !== undefined) {
        for (const doc of claims) await write(io.stdout, Buffer.concat([doc.bytes, NEWLINE]));
        continue;
      }
    }
    const result = translateTransaction(e.transaction, ctx, { split });
    if (result.guide === undefined) {
      const ctx = `{"interchange":${JSON.stringify(e.interchange.header.controlNumber)},"group":${JSON.stringify(e.group.controlNumber)},`;
      await write(io.stdout, Buffer.concat([Buffer.from(ctx), transactionToJsonBytes(e.transaction).subarray(1), Buffer.from('\n')]));
      continue;
    }
    for (const doc of result.documents) await write(io.stdout, `${JSON.stringify(doc)}\n`);
  }
  return errors > 0 ? 1 : 0;
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
