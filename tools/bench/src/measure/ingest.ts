import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { noTracking } from '@ediflow/tracking';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore } from '@ediflow/store';
import { silentLogger } from '@ediflow/logger';
import { parseRegistry, staticRegistry } from '@ediflow/partners';
import { loadPrivateKey } from '@ediflow/pgp';
import { KEYS, fileIdFor } from '@ediflow/messages';
import { createIngest, createPgpDecryptor, prometheusIngestMetrics } from '@ediflow/ingest';

export interface IngestBenchOptions {
  /** A signed and encrypted file on disk. */
  cipherFile: string;
  /** Our private key (decrypts) and the partner's public key (verifies the signature), armored. */
  privateKeyArmored: string;
  partnerPublicKeyArmored: string;
  /** The ISA05/ISA06 of the plaintext (the partner must match it). */
  isaSender: { qualifier: string; id: string };
  /** Expected plaintext size; also the size cap. */
  plainBytes: number;
  /** Folder of the embedded store; a fresh temp folder (removed afterwards) by default. */
  storeRoot?: string;
}

export interface IngestBenchResult {
  /** processObject: read the upload, streaming decrypt + verify, store work/<id>/source.x12 and file.json, publish, archive. */
  ingestMs: number;
  plainBytes: number;
  cipherBytes: number;
}

/**
 * Runs ingest's whole path on one uploaded file (what `npm run bench` times): the upload is first
 * put into an embedded store under inbound/bench/ (not timed), then processObject is timed.
 */
export async function measureIngestFile(options: IngestBenchOptions): Promise<IngestBenchResult> {
  const root = options.storeRoot ?? (await mkdtemp(path.join(os.tmpdir(), 'ingest-bench-')));
  const store = new EmbeddedObjectStore({ root });
  const bus = new MemoryBus();
  await bus.connect();
  try {
    const privateKey = await loadPrivateKey(options.privateKeyArmored);
    const registry = parseRegistry({
      version: 1,
      partners: [{ id: 'bench', name: 'Bench', isaSenders: [options.isaSender], pgpPublicKeys: [options.partnerPublicKeyArmored], requireSignature: true }],
    });
    const ingest = createIngest({
      store,
      bus,
      decryptor: createPgpDecryptor({ privateKey, maxDecompressedBytes: options.plainBytes }),
      partners: staticRegistry(registry),
      alerts: { alert: async () => undefined },
      tracking: noTracking,
      logger: silentLogger(),
      metrics: prometheusIngestMetrics(new Registry()),
      clock: () => new Date(),
      bucket: 'bench',
      maxFileBytes: options.plainBytes,
    });
    const key = `${KEYS.inboundPrefix('bench')}file.pgp`;
    const { etag } = await store.put(key, createReadStream(options.cipherFile, { highWaterMark: 1024 * 1024 }));
    const info = await store.head(key);
    if (info === undefined) throw new Error('the bench upload is missing from the store');
    const t = performance.now();
    const outcome = await ingest.processObject({ key, size: info.size, etag, lastModified: info.lastModified });
    const ingestMs = performance.now() - t;
    if (outcome.outcome !== 'received' || outcome.fileId !== fileIdFor('bench', key, etag)) throw new Error(`bench file was ${outcome.outcome}`);
    const stored = await store.head(KEYS.source(outcome.fileId));
    if (stored?.size !== options.plainBytes) throw new Error('the stored plaintext has the wrong size');
    return { ingestMs, plainBytes: options.plainBytes, cipherBytes: info.size };
  } finally {
    await bus.close();
    if (options.storeRoot === undefined) await rm(root, { recursive: true, force: true });
  }
}
