import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as OpenPgp from 'openpgp' with { 'resolution-mode': 'import' };
import { Registry } from 'prom-client';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore, type ObjectStore } from '@ediflow/store';
import { silentLogger } from '@ediflow/logger';
import { parseRegistry, staticRegistry } from '@ediflow/partners';
import { encryptBuffer, generateKeyPair, loadPrivateKey, loadPublicKeys } from '@ediflow/pgp';
import { fileIdFor } from '@ediflow/messages';
import { createIngest } from './domain/ingest-file';
import { createPgpDecryptor } from './adapters/pgp-decryptor';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- openpgp's CJS build with its ESM types (as in shared/pgp)
const openpgp = require('openpgp') as typeof OpenPgp;

export interface ThroughputOptions {
  /** Plaintext size of the test file. Default 64 MiB. */
  sizeBytes?: number;
  /** Where the pipeline stores; a fresh embedded store in a temp folder by default. */
  store?: ObjectStore;
}

export interface ThroughputResult {
  sizeBytes: number;
  cipherBytes: number;
  /** openpgp 6 decrypt + verify of the whole message in memory (no streaming, no store). */
  rawDecryptMs: number;
  rawDecryptMBps: number;
  /** ingest's path: read upload, streaming decrypt + verify, store work/<id>/source.x12, file.json, publish, archive. */
  ingestMs: number;
  ingestMBps: number;
  /** ingest / raw. */
  ratio: number;
}

/** Signed-and-encrypted X12-like bytes of the given size (an ISA header, then filler segments). */
function syntheticX12(size: number): Buffer {
  const isa = 'ISA*00*          *00*          *ZZ*BENCH          *ZZ*EDIFLOW        *240101*1200*^*00501*000000001*0*T*:~';
  const out = Buffer.alloc(size, 0x41);
  out.write(isa, 0, 'latin1');
  for (let i = isa.length + 79; i < size; i += 80) out[i] = 0x7e;
  return out;
}

/**
 * Measures ingest's decrypt + verify + store throughput on one file against openpgp's raw
 * in-memory decrypt of the same ciphertext (what `npm run bench` reports).
 */
export async function measureIngestThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const sizeBytes = options.sizeBytes ?? 64 * 1024 * 1024;
  const [platform, partner] = await Promise.all([
    generateKeyPair({ userId: { name: 'bench platform', email: 'platform@ediflow.invalid' } }),
    generateKeyPair({ userId: { name: 'bench partner', email: 'partner@ediflow.invalid' } }),
  ]);
  const platformKey = await loadPrivateKey(platform.privateKeyArmored);
  const partnerKey = await loadPrivateKey(partner.privateKeyArmored);
  const [platformPublic] = await loadPublicKeys([platform.publicKeyArmored]);
  const [partnerPublic] = await loadPublicKeys([partner.publicKeyArmored]);
  const cipher = Buffer.from(await encryptBuffer(syntheticX12(sizeBytes), { encryptionKeys: platformPublic, signingKeys: partnerKey }));

  let t = performance.now();
  const raw = await openpgp.decrypt({
    message: await openpgp.readMessage({ binaryMessage: cipher }),
    decryptionKeys: platformKey,
    verificationKeys: partnerPublic,
    expectSigned: true,
    format: 'binary',
  });
  const rawDecryptMs = performance.now() - t;
  if ((raw.data as Uint8Array).length !== sizeBytes) throw new Error('raw decrypt produced the wrong size');

  const root = options.store ? undefined : await mkdtemp(path.join(os.tmpdir(), 'ingest-bench-'));
  const store = options.store ?? new EmbeddedObjectStore({ root: root as string });
  const bus = new MemoryBus();
  await bus.connect();
  try {
    const ingest = createIngest({
      store,
      bus,
      decryptor: createPgpDecryptor({ privateKey: platformKey, maxDecompressedBytes: sizeBytes * 2 }),
      partners: staticRegistry(
        parseRegistry({ version: 1, partners: [{ id: 'bench', name: 'Bench', isaSenders: [{ qualifier: 'ZZ', id: 'BENCH' }], pgpPublicKeys: [partner.publicKeyArmored] }] }),
      ),
      alerts: { alert: async () => undefined },
      logger: silentLogger(),
      registry: new Registry(),
      clock: () => new Date(),
      bucket: 'bench',
      maxFileBytes: sizeBytes * 2,
    });
    const key = 'inbound/bench/file.pgp';
    const { etag } = await store.put(key, cipher);
    t = performance.now();
    const outcome = await ingest.processObject({ key, size: cipher.length, etag, lastModified: new Date() });
    const ingestMs = performance.now() - t;
    if (outcome.outcome !== 'received' || outcome.fileId !== fileIdFor('bench', key, etag)) throw new Error(`bench file was ${outcome.outcome}`);
    const mb = sizeBytes / (1024 * 1024);
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      sizeBytes,
      cipherBytes: cipher.length,
      rawDecryptMs: Math.round(rawDecryptMs),
      rawDecryptMBps: round(mb / (rawDecryptMs / 1000)),
      ingestMs: Math.round(ingestMs),
      ingestMBps: round(mb / (ingestMs / 1000)),
      ratio: Math.round((rawDecryptMs / ingestMs) * 100) / 100,
    };
  } finally {
    await bus.close();
    if (root) await rm(root, { recursive: true, force: true });
  }
}
