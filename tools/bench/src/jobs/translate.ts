import { createReadStream, statSync } from 'node:fs';
import { guideValidator, semanticClaimsJsonBytes, translateTransaction, writeSemanticJson } from '@ediflow/hipaa';
import { ReportBuilder, readX12 } from '@ediflow/x12';
import { elapsed, type Job } from './types';

/**
 * Semantic translation as the translator service and `edi translate` do it: readX12
 * streaming, each transaction set written by @ediflow/hipaa writeSemanticJson (837P guide:
 * loops, camelCase fields) straight to JSON bytes, to a null sink.
 */
export const hipaaTranslate: Job = async (params) => {
  const file = params.file as string;
  const start = process.hrtime.bigint();
  let sets = 0;
  let untranslated = 0;
  let jsonBytes = 0;
  const sink = (bytes: Buffer): void => {
    jsonBytes += bytes.length; // the null sink
  };
  for await (const e of readX12(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
    if (e.type !== 'transaction') continue;
    sets++;
    if (writeSemanticJson(e.transaction, { interchange: e.interchange, group: e.group, transactionIndex: sets }, sink) === undefined) untranslated++;
  }
  const seconds = elapsed(start);
  if (sets === 0 || untranslated > 0) throw new Error(`translation failed: ${untranslated} of ${sets} transaction sets had no guide`);
  return { seconds, bytes: statSync(file).size, sets, documents: sets, jsonBytes };
};

/**
 * One document per claim (split 'claim', what the translator service publishes for a partner that
 * splits) written from the bytes by @ediflow/hipaa semanticClaimsJsonBytes, to a null sink.
 */
export const hipaaTranslateClaims: Job = async (params) => {
  const file = params.file as string;
  const start = process.hrtime.bigint();
  let sets = 0;
  let documents = 0;
  let jsonBytes = 0;
  for await (const e of readX12(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
    if (e.type !== 'transaction') continue;
    sets++;
    const claims = semanticClaimsJsonBytes(e.transaction, { interchange: e.interchange, group: e.group, transactionIndex: sets });
    if (claims === undefined) throw new Error(`set ${sets} did not split per claim`);
    documents += claims.length;
    for (const c of claims) jsonBytes += c.bytes.length; // the null sink
  }
  const seconds = elapsed(start);
  if (documents === 0) throw new Error('no claim documents');
  return { seconds, bytes: statSync(file).size, sets, documents, jsonBytes };
};

/**
 * The same documents through the object tree: translateTransaction, then JSON.stringify of
 * each document (the tree lenient mode's decisions and the 277CA are made on), for comparison.
 */
export const hipaaTranslateTree: Job = async (params) => {
  const file = params.file as string;
  const start = process.hrtime.bigint();
  let sets = 0;
  let documents = 0;
  let untranslated = 0;
  let jsonBytes = 0;
  let stringifyNs = 0n;
  for await (const e of readX12(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
    if (e.type !== 'transaction') continue;
    sets++;
    const result = translateTransaction(e.transaction, { interchange: e.interchange, group: e.group, transactionIndex: sets });
    if (result.guide === undefined) untranslated++;
    for (const doc of result.documents) {
      documents++;
      const t = process.hrtime.bigint();
      const json = JSON.stringify(doc);
      stringifyNs += process.hrtime.bigint() - t;
      jsonBytes += Buffer.byteLength(json); // the null sink
    }
  }
  const seconds = elapsed(start);
  if (sets === 0 || untranslated > 0) throw new Error(`translation failed: ${untranslated} of ${sets} transaction sets had no guide`);
  return { seconds, bytes: statSync(file).size, sets, documents, jsonBytes, stringifySeconds: Number(stringifyNs) / 1e9 };
};

/**
 * Validation as the translator service's first pass makes it: envelopes, X12 syntax and the
 * implementation guide (ReportBuilder with guideValidator) over readX12's events.
 */
export const hipaaValidate: Job = async (params) => {
  const file = params.file as string;
  const start = process.hrtime.bigint();
  const builder = new ReportBuilder({ validators: [guideValidator()] });
  let sets = 0;
  for await (const e of readX12(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
    builder.add(e);
    if (e.type === 'transaction') sets++;
  }
  const report = builder.report();
  const seconds = elapsed(start);
  if (sets === 0 || report.errorCount > 0) throw new Error(`validation found ${report.errorCount} errors in ${sets} transaction sets of a valid file`);
  return { seconds, bytes: statSync(file).size, sets };
};
