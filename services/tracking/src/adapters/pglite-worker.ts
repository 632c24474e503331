/**
 * PGlite on a worker thread. PGlite is PostgreSQL compiled to WASM: a query runs on the thread
 * that owns it and holds that thread for its whole duration. In `npm start` the tracking
 * database shares the process with ingest, the translator and the notifier, so it gets a thread
 * of its own; the services' thread only posts each query and awaits its answer.
 */
import { Worker } from 'node:worker_threads';

/** What the Kysely driver needs of a PGlite instance. */
export interface PgliteLike {
  readonly waitReady: Promise<void>;
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const db = new PGlite(workerData.dir);
db.waitReady.then(
  () => parentPort.postMessage({ ready: true }),
  (err) => parentPort.postMessage({ ready: false, error: { message: String((err && err.message) || err) } }),
);
parentPort.on('message', async (m) => {
  if (m.close) {
    await db.close().catch(() => undefined);
    parentPort.postMessage({ id: m.id });
    return;
  }
  try {
    const r = await db.query(m.sql, m.params);
    parentPort.postMessage({ id: m.id, rows: r.rows, affectedRows: r.affectedRows });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { message: String((err && err.message) || err), code: err && err.code, detail: err && err.detail } });
  }
});
`;

interface Reply {
  id?: number;
  ready?: boolean;
  rows?: unknown[];
  affectedRows?: number;
  error?: { message: string; code?: string; detail?: string };
}

function errorOf(e: NonNullable<Reply['error']>): Error {
  return Object.assign(new Error(e.message), e.code !== undefined ? { code: e.code } : {}, e.detail !== undefined ? { detail: e.detail } : {});
}

/** A PGlite database in `dir`, owned by a worker thread; queries are answered in order. */
export function pgliteInWorker(dir: string): PgliteLike {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dir, pglite: require.resolve('@electric-sql/pglite') } });
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  let markReady!: (err?: Error) => void;
  const waitReady = new Promise<void>((resolve, reject) => {
    markReady = (err) => (err ? reject(err) : resolve());
  });
  const failAll = (err: Error) => {
    failure ??= err;
    markReady(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: Reply) => {
    if (m.ready !== undefined) {
      markReady(m.error ? errorOf(m.error) : undefined);
      return;
    }
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p || m.id === undefined) return;
    pending.delete(m.id);
    if (m.error) p.reject(errorOf(m.error));
    else p.resolve(m);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the tracking database thread exited (${code})`)));

  const send = (message: Record<string, unknown>): Promise<Reply> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  };
  return {
    waitReady,
    async query<R>(sql: string, params?: unknown[]) {
      const r = await send({ sql, params: params ?? [] });
      return { rows: (r.rows ?? []) as R[], affectedRows: r.affectedRows };
    },
    async close() {
      if (!failure) await send({ close: true }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
