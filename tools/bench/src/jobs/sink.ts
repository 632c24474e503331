import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Sink {
  url: string;
  /** Receive time (ms, performance.now()) per idempotency key, first arrival only. */
  received: Map<string, number>;
  close(): Promise<void>;
}

/** A callback receiver on 127.0.0.1 that reads the body and answers 204 (after `delayMs` when set). */
export async function startSink(delayMs = 0): Promise<Sink> {
  const received = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      if (!received.has(key)) received.set(key, performance.now());
      const answer = (): void => {
        res.statusCode = 204;
        res.end();
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
