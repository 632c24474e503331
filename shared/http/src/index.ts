import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '@ediflow/logger';
import { AppError, describeError } from '@ediflow/errors';

/** The release every workspace carries (they share one version); /healthz reports it. */
const VERSION = (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface HttpAppOptions {
  logger: Logger;
  /** Every check must be true for /readyz to answer 200 (e.g. broker connected, store reachable). */
  readiness: Record<string, ReadinessCheck>;
  /** A registry shared with the service's own metrics; a fresh one when omitted. */
  registry?: Registry;
  /** Collect Node process metrics (default true; false when several services share a process). */
  defaultMetrics?: boolean;
}

export interface HttpApp {
  app: Express;
  registry: Registry;
  /** Call after mounting the service's own routes: adds 404 and the error handler. */
  finish(): void;
  listen(port: number, host?: string): Promise<Server>;
  close(): Promise<void>;
}

/**
 * An express app with /healthz (process alive), /readyz (dependencies connected)
 * and /metrics (Prometheus). Services mount their own routes on `app`, then call finish().
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const app = express();
  app.disable('x-powered-by');
  let server: Server | undefined;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: VERSION });
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    for (const [name, check] of Object.entries(options.readiness)) {
      try {
        checks[name] = await check();
      } catch {
        checks[name] = false;
      }
    }
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks });
  });

  app.get('/metrics', async (_req, res) => {
    res.set('content-type', registry.contentType);
    res.send(await registry.metrics());
  });

  return {
    app,
    registry,
    finish() {
      app.use((_req, res) => {
        res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
      });
      // One error handler for HTTP: stable code, no stack, no input echoed back.
      app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
        const { code, message } = describeError(err);
        const status = err instanceof AppError ? (err.retryable ? 503 : 400) : 500;
        options.logger.error({ code, method: req.method, route: req.route?.path }, 'http request failed');
        res.status(status).json({ error: { code, message: status === 500 ? 'internal error' : message } });
      });
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host, () => {
          server = s;
          resolve(s);
        });
        s.once('error', reject);
      });
    },
    close() {
      const s = server;
      if (!s) return Promise.resolve();
      return new Promise((resolve) => {
        s.close(() => resolve());
        s.closeIdleConnections();
      });
    },
  };
}
