import { measureIngestThroughput } from '@ediflow/ingest';
import type { Job } from './types';

/**
 * Ingest end to end on one signed + encrypted file: openpgp's raw in-memory decrypt of the
 * ciphertext, then ingest's pipeline (streaming decrypt + verify, store work/<id>/source.x12,
 * file.json, publish FileReceived, archive) on an embedded store, in the same process.
 */
export const ingestThroughput: Job = async (params) => {
  const sizeBytes = params.sizeBytes as number;
  const r = await measureIngestThroughput({ sizeBytes });
  return {
    seconds: r.ingestMs / 1000,
    bytes: r.sizeBytes,
    cipherBytes: r.cipherBytes,
    rawDecryptMs: r.rawDecryptMs,
    rawDecryptMBps: r.rawDecryptMBps,
    ingestMs: r.ingestMs,
    ingestMBps: r.ingestMBps,
    ratio: r.ratio,
  };
};
