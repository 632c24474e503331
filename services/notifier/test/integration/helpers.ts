import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { MemoryBus } from '@ediflow/bus';
import { EmbeddedObjectStore, type ObjectStore } from '@ediflow/store';
import { silentLogger } from '@ediflow/logger';
import { DESTINATIONS, publishEnvelope, contentDigestOf, transactionIdFor, type Envelope } from '@ediflow/messages';
import { createNotifier, verifyWebhook, type Notifier, type NotifierDeps } from '@ediflow/notifier';

export const SECRET = `whsec_${Buffer.from('integration-test-secret-32-bytes').toString('base64')}`;

/** What a test receiver does with one request. */
export type Reaction =
  | { status: number; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { drop: true }
  | { reset: true };

export interface ReceivedRequest {
  key: string;
  webhookId: string;
  verified: boolean;
  json: unknown;
  headers: IncomingMessage['headers'];
  /** Arrival time (ms). */
  at: number;
}

/**
 * A callback receiver on loopback that behaves like a careful subscriber: verifies the
 * signature, and processes each Idempotency-Key once (repeats are answered 200 and
 * not processed again). `react(key, n)` decides the answer for the n-th request of a key.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** Keys processed: a 2xx answer was started (the client may not have read all of it: `drop`). */
  readonly processed = new Set<string>();
  readonly attempts = new Map<string, number>();
  private readonly sockets = new Set<import('node:net').Socket>();
  /** TCP connections accepted (keep-alive shows as far fewer connections than requests). */
  connections = 0;
  private server?: Server;
  url = '';

  constructor(private readonly react: (key: string, n: number, req: IncomingMessage) => Reaction, private readonly secrets: string[] = [SECRET]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.connections += 1;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const key = String(req.headers['idempotency-key'] ?? '');
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    const verified = verifyWebhook({ headers: req.headers, body, secrets: this.secrets }).ok;
    this.requests.push({ key, webhookId: String(req.headers['webhook-id'] ?? ''), verified, json: JSON.parse(body.toString('utf8')), headers: req.headers, at: Date.now() });
    const reaction = this.react(key, n, req);
    if ('hang' in reaction) return; // never answers; the client times out
    if ('reset' in reaction) {
      req.socket.destroy(); // connection closed before any answer
      return;
    }
    if ('drop' in reaction) {
      this.processed.add(key);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    if (reaction.delayMs) await new Promise((r) => setTimeout(r, reaction.delayMs));
    if (reaction.status >= 200 && reaction.status < 300) this.processed.add(key);
    res.writeHead(reaction.status, { 'content-type': 'application/json', ...reaction.headers });
    res.end('{"ok":true}');
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}


export interface World {
  bus: MemoryBus;
  store: ObjectStore;
  registry: Registry;
  logger: ReturnType<typeof silentLogger>;
  close(): Promise<void>;
}

export async function world(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'notifier-it-'));
  const bus = new MemoryBus();
  await bus.connect();
  return {
    bus,
    store: new EmbeddedObjectStore({ root: dir }),
    registry: new Registry(),
    logger: silentLogger(),
    async close() {
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Publishes `count` TransactionTranslated messages for a partner; returns their ids. */
export async function publishTransactions(w: World, count: number, options: { partnerId?: string; inlineLimitBytes?: number; set?: string; tag?: string } = {}): Promise<string[]> {
  const partnerId = options.partnerId ?? 'acme-health';
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = transactionIdFor({ partnerId, interchangeControlNumber: `${options.tag ?? 'T'}${i}`, groupControlNumber: '1', transactionControlNumber: String(1000 + i), transactionIndex: 1, contentDigest: contentDigestOf(Buffer.from(`${i}`)) });
    const envelope: Envelope = {
      type: 'TransactionTranslated',
      version: 1,
      id,
      fileId: `file-${options.tag ?? 'T'}`,
      partnerId,
      occurredAt: new Date().toISOString(),
      body: { transactionSet: options.set ?? '837', claim: { patientControlNumber: `PCN-SECRET-${i}`, totalCharge: 100 + i } },
    };
    await publishEnvelope({ bus: w.bus, store: w.store, inlineLimitBytes: options.inlineLimitBytes }, DESTINATIONS.transactionTranslated, envelope);
    ids.push(id);
  }
  return ids;
}

export async function countKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list(prefix)) keys.push(o.key);
  return keys;
}

export async function readJson<T>(store: ObjectStore, key: string): Promise<T> {
  const { body } = await store.get(key);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

/** A subscription document entry with HMAC auth from the test env. */
export function hmacSub(id: string, url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, partnerId: 'acme-health', url, auth: [{ type: 'hmac', secrets: [{ env: 'HOOK_SECRET' }] }], ...extra };
}
export const TEST_ENV = { HOOK_SECRET: SECRET };

/** createNotifier on the world's bus, store, logger and registry. */
export function notifierIn(w: World, deps: Omit<NotifierDeps, 'bus' | 'store' | 'logger' | 'registry'> & { logger?: NotifierDeps['logger'] }): Notifier {
  return createNotifier({ bus: w.bus, store: w.store, logger: w.logger, registry: w.registry, ...deps });
}
