import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface CallbackSinkOptions {
  dir: string;
  port: number;
  host?: string;
  /** Called once per stored callback (the demo prints a line). */
  onCallback?: (info: { id: string; file: string; type: string; summary: string; bytes: number }) => void;
  /** Checks the request's signature; a false answer gets 401. */
  verify?: (headers: Record<string, string>, body: string) => boolean;
}

/**
 * The demo's callback receiver: accepts JSON POSTs, writes each to <dir>/<Idempotency-Key>.json atomically
 * (the same key twice overwrites, as a receiver that dedupes would), answers 204.
 */
export async function startCallbackSink(options: CallbackSinkOptions): Promise<{ url: string; close(): Promise<void> }> {
  await mkdir(options.dir, { recursive: true });
  let partCounter = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
        const id = headers['idempotency-key'] ?? '';
        if (req.method !== 'POST' || !/^[A-Za-z0-9._:-]{1,200}$/.test(id)) {
          res.writeHead(400).end();
          return;
        }
        if (options.verify && !options.verify(headers, body)) {
          res.writeHead(401).end();
          return;
        }
        let type = 'unknown';
        let summary = '';
        try {
          const parsed = JSON.parse(body) as { type?: string; body?: { transactionSet?: string; controlNumber?: string } };
          type = parsed.type ?? type;
          // Transaction set id and control number only: no element values from the claim.
          if (parsed.body?.transactionSet) summary = `${parsed.body.transactionSet} ST02=${parsed.body.controlNumber ?? '?'}`;
        } catch {
          res.writeHead(400).end();
          return;
        }
        const file = path.join(options.dir, `${id.replace(/:/g, '_')}.json`);
        // Write then rename, so a reader never sees half a callback.
        const part = `${file}.${process.pid}.${(partCounter += 1)}.part`;
        await writeFile(part, body);
        await rename(part, file);
        options.onCallback?.({ id, file, type, summary, bytes: Buffer.byteLength(body) });
        res.writeHead(204).end();
      })().catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/callbacks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
