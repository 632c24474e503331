import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReportBuilder, readX12, writeTransactionJson } from '@ediflow/x12';
import { X12Parser } from 'node-x12';
import { elapsed, type Job } from './types';

/** ediflow: readX12 streaming + ReportBuilder envelope checks + writeTransactionJson to a null sink. */
export const x12Engine: Job = async (params) => {
  const file = params.file as string;
  const chunkBytes = (params.chunkBytes as number | undefined) ?? 1024 * 1024;
  const start = process.hrtime.bigint();
  const builder = new ReportBuilder();
  let segments = 0;
  let jsonBytes = 0;
  let sets = 0;
  const nullSink = (bytes: Buffer): void => {
    jsonBytes += bytes.length;
  };
  for await (const e of readX12(createReadStream(file, { highWaterMark: chunkBytes }))) {
    builder.add(e);
    if (e.type === 'transaction') {
      sets++;
      segments += e.transaction.segmentCount;
      writeTransactionJson(e.transaction, nullSink);
    } else if (e.type === 'interchangeStart' || e.type === 'interchangeEnd' || e.type === 'groupStart' || e.type === 'groupEnd') segments++;
  }
  const report = builder.report();
  const seconds = elapsed(start);
  if (!report.valid) throw new Error(`the generated file is not valid: ${report.errorCount} errors`);
  return { seconds, bytes: statSync(file).size, segments, jsonBytes, sets };
};

interface NodeX12Tree {
  functionalGroups: { transactions: { segments: unknown[] }[] }[];
}

/** node-x12: the whole file as a string, X12Parser.parse into its object model. */
export const nodeX12Parse: Job = async (params) => {
  const file = params.file as string;
  const start = process.hrtime.bigint();
  const text = readFileSync(file, 'utf8');
  const tree = new X12Parser(true).parse(text) as unknown as NodeX12Tree;
  const seconds = elapsed(start);
  let segments = 4; // ISA, GS, GE, IEA
  for (const g of tree.functionalGroups) for (const t of g.transactions) segments += t.segments.length + 2; // + ST, SE
  return { seconds, bytes: statSync(file).size, segments };
};

/** node-x12: the file streamed through its X12Parser Transform, each segment object consumed. */
export const nodeX12Stream: Job = async (params) => {
  const file = params.file as string;
  const start = process.hrtime.bigint();
  let segments = 0;
  await pipeline(
    createReadStream(file, { highWaterMark: 1024 * 1024 }),
    new X12Parser(),
    new Writable({
      objectMode: true,
      write(_segment, _enc, cb) {
        segments++;
        cb();
      },
    }),
  );
  return { seconds: elapsed(start), bytes: statSync(file).size, segments };
};
