import type { Job } from './types';

export type { Job } from './types';

/**
 * Jobs the worker can run in a child process, by name. Each loads only its own module, so that a
 * job's peak RSS does not include the libraries of the others (all of them together are ~60 MB).
 * Add a section's jobs here.
 */
export const JOBS: Record<string, () => Promise<Job>> = {
  'x12-engine': async () => (await import('./x12.js')).x12Engine,
  'nodex12-parse': async () => (await import('./x12.js')).nodeX12Parse,
  'nodex12-stream': async () => (await import('./x12.js')).nodeX12Stream,
  'pgp-decrypt-stream': async () => (await import('./pgp.js')).pgpDecryptStream,
  'pgp-raw-decrypt': async () => (await import('./pgp.js')).pgpRawDecrypt,
  'ingest-file': async () => (await import('./ingest.js')).ingestFile,
  'bridge-throughput': async () => (await import('./bridge.js')).bridgeThroughput,
  'notifier-callbacks': async () => (await import('./notifier.js')).notifierCallbacks,
  'translator-file': async () => (await import('./translate.js')).translatorFile,
  'translator-store': async () => (await import('./translate.js')).translatorStore,
  'tracking-lookups': async () => (await import('./tracking.js')).trackingLookups,
  'pipeline-wall': async () => (await import('./pipeline.js')).pipelineWall,
};
