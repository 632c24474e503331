import { createReadStream, statSync } from 'node:fs';
import { translateTransaction } from '@ediflow/hipaa';
import { readX12 } from '@ediflow/x12';
import { elapsed, type Job } from './types';

/**
 * Semantic translation: readX12 streaming, each transaction set through @ediflow/hipaa
 * translateTransaction (837P guide: loops, camelCase fields) and JSON.stringify of every
 * document to a null sink.
 */
export const hipaaTranslate: Job = async (params) => {
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
