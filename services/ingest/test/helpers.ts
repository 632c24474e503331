import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as OpenPgp from 'openpgp' with { 'resolution-mode': 'import' };
import { Registry } from 'prom-client';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore, readAll, type ObjectStore } from '@ediflow/store';
import { createLogger, memoryDestination } from '@ediflow/logger';
import { createLogAlerts } from '@ediflow/alerts';
import { parseRegistry, staticRegistry, type PartnerRegistryInput } from '@ediflow/partners';
import { encryptBuffer, generateKeyPair, loadPrivateKey, loadPublicKeys, type PrivateKey, type PublicKey } from '@ediflow/pgp';
import { decodeEnvelope, DESTINATIONS, type Envelope } from '@ediflow/messages';
import { createPgpDecryptor, createIngestService, type IngestServiceDeps } from '@ediflow/ingest';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- openpgp's CJS build with its ESM types (as in shared/pgp)
export const openpgp = require('openpgp') as typeof OpenPgp;

export interface Party {
  privateKey: PrivateKey;
  publicKey: PublicKey;
  publicArmored: string;
}

export async function makeParty(name: string): Promise<Party> {
  const pair = await generateKeyPair({ userId: { name, email: `${name}@example.test` } });
  const privateKey = await loadPrivateKey(pair.privateKeyArmored);
  const [publicKey] = await loadPublicKeys([pair.publicKeyArmored]);
  return { privateKey, publicKey, publicArmored: pair.publicKeyArmored };
}

export interface Parties {
  platform: Party;
  partner: Party;
  stranger: Party;
}

export const makeParties = async (): Promise<Parties> => {
  const [platform, partner, stranger] = await Promise.all([makeParty('platform'), makeParty('partner'), makeParty('stranger')]);
  return { platform, partner, stranger };
};

/** A small X12 interchange from `sender` (ISA06), with a patient name in it so PHI checks have something to look for. */
export function x12(sender = 'ACME', receiver = 'EDIFLOW', extraBytes = 0): Buffer {
  const pad = (s: string) => s.padEnd(15, ' ');
  const isa = `ISA*00*          *00*          *ZZ*${pad(sender)}*ZZ*${pad(receiver)}*240101*1200*^*00501*000000001*0*T*:~`;
  const body = `GS*HC*${sender}*${receiver}*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~NM1*IL*1*DOE*JOHN****MI*W123456789~SE*3*0001~GE*1*1~`;
  const filler = extraBytes > 0 ? `${'N3*'.padEnd(extraBytes, 'X')}~` : '';
  return Buffer.from(`${isa}${body}${filler}IEA*1*000000001~`, 'latin1');
}

/** Encrypts to the platform and (unless signer is null) signs. */
export async function seal(plain: Uint8Array, to: Party, signer: Party | null): Promise<Buffer> {
  return Buffer.from(await encryptBuffer(plain, { encryptionKeys: to.publicKey, ...(signer ? { signingKeys: signer.privateKey } : {}) }));
}

export const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGz0fH0xkzK1lOj9m6q3r2w3B0mZ9bW3Y3b9YbJk0Q1a acme';

export function registryInput(p: Parties, overrides: Record<string, unknown> = {}): PartnerRegistryInput {
  return {
    version: 1,
    partners: [
      {
        id: 'acme',
        name: 'Acme Clinic',
        isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }],
        pgpPublicKeys: [p.partner.publicArmored],
        sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: [SSH_KEY] }],
        ...overrides,
      },
    ],
  };
}

export interface Harness {
  store: ObjectStore;
  bus: MemoryBus;
  registry: Registry;
  logs: ReturnType<typeof memoryDestination>;
  /** FileReceived envelopes delivered so far. */
  received: Envelope[];
  root: string;
  bucket: string;
  /** Waits until the bus has delivered everything published so far. */
  settle(): Promise<void>;
  text(key: string): Promise<string | undefined>;
  bytes(key: string): Promise<Buffer | undefined>;
  /** ingest_files_total{outcome, code} */
  count(outcome: string, code: string): Promise<number>;
  alerts(): Record<string, unknown>[];
  close(): Promise<void>;
  service(extra?: Partial<IngestServiceDeps>): ReturnType<typeof createIngestService>;
}

export async function harness(p: Parties, registryDoc: PartnerRegistryInput, options: { maxFileBytes?: number; store?: ObjectStore } = {}): Promise<Harness> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ingest-test-'));
  const store = options.store ?? new EmbeddedObjectStore({ root });
  const bus = new MemoryBus();
  await bus.connect();
  const received: Envelope[] = [];
  await bus.subscribe(DESTINATIONS.fileReceived, async (m) => {
    received.push(decodeEnvelope(m.body));
  });
  const registry = new Registry();
  const logs = memoryDestination();
  const logger = createLogger({ service: 'ingest-test', level: 'info', destination: logs });
  const bucket = 'ediflow-test';
  const maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  const partners = staticRegistry(parseRegistry(registryDoc));
  const decryptor = createPgpDecryptor({ privateKey: p.platform.privateKey, maxDecompressedBytes: maxFileBytes });
  const services: Array<ReturnType<typeof createIngestService>> = [];
  const bytes = async (key: string) => ((await store.head(key)) ? readAll((await store.get(key)).body) : undefined);
  return {
    store,
    bus,
    registry,
    logs,
    received,
    root,
    bucket,
    settle: async () => {
      await bus.drain(5000);
    },
    bytes,
    text: async (key) => (await bytes(key))?.toString('utf8'),
    async count(outcome, code) {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'ingest_files_total');
      const values = (metric as { values?: Array<{ value: number; labels: Record<string, string> }> } | undefined)?.values ?? [];
      return values.filter((v) => v.labels.outcome === outcome && v.labels.code === code).reduce((a, v) => a + v.value, 0);
    },
    alerts: () => logs.lines().filter((l) => l.alert !== undefined),
    service(extra = {}) {
      const s = createIngestService({
        store,
        bus,
        logger,
        registry,
        partners,
        decryptor,
        alerts: createLogAlerts(logger),
        bucket,
        maxFileBytes,
        pollIntervalMs: 100,
        concurrency: 4,
        ...extra,
      });
      services.push(s);
      return s;
    },
    async close() {
      await Promise.all(services.map((s) => s.stop()));
      await bus.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A signed, encrypted message of `megabytes` MB of zeros, zlib-compressed: about 1 KB per MB. */
export async function bomb(p: Parties, megabytes: number): Promise<Buffer> {
  const zeros = new Uint8Array(1024 * 1024);
  let sent = 0;
  const binary = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent === megabytes) c.close();
      else {
        c.enqueue(zeros);
        sent += 1;
      }
    },
  });
  const message = await openpgp.createMessage({ binary, format: 'binary' });
  const encrypted = await openpgp.encrypt({
    message,
    encryptionKeys: p.platform.publicKey,
    signingKeys: p.partner.privateKey,
    format: 'binary',
    config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
  });
  const chunks: Uint8Array[] = [];
  for await (const c of encrypted as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  return Buffer.concat(chunks);
}
