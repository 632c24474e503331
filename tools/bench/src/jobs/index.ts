import { bridgeThroughput } from './bridge';
import { ingestThroughput } from './ingest';
import { notifierCallbacks } from './notifier';
import { pgpDecryptStream, pgpRawDecrypt } from './pgp';
import { hipaaTranslate } from './translate';
import type { Job } from './types';
import { nodeX12Parse, nodeX12Stream, x12Engine } from './x12';

export type { Job } from './types';

/** Jobs the worker can run in a child process, by name. Add a section's jobs here. */
export const JOBS: Record<string, Job> = {
  'x12-engine': x12Engine,
  'nodex12-parse': nodeX12Parse,
  'nodex12-stream': nodeX12Stream,
  'pgp-decrypt-stream': pgpDecryptStream,
  'pgp-raw-decrypt': pgpRawDecrypt,
  'ingest-throughput': ingestThroughput,
  'bridge-throughput': bridgeThroughput,
  'notifier-callbacks': notifierCallbacks,
  'hipaa-translate': hipaaTranslate,
};
