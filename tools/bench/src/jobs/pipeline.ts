import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@ediflow/activemq';
import { KEYS } from '@ediflow/messages';
import { EmbeddedObjectStore } from '@ediflow/store';
import { startSink } from './sink';
import type { Job } from './types';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const START = join(ROOT, 'tools/local/dist/start.js');
const DEMO = join(ROOT, 'tools/local/dist/demo.js');

/** Tracking events applied so far, by kind, from the process's /metrics (no database query). */
async function eventsApplied(api: string): Promise<Record<string, number>> {
  const res = await fetch(`${api}/metrics`);
  if (!res.ok) throw new Error(`/metrics: HTTP ${res.status}`);
  const byKind: Record<string, number> = {};
  for (const m of (await res.text()).matchAll(/^tracking_events_total\{([^}]*)\} (\d+)/gm)) {
    const kind = /kind="([^"]+)"/.exec(m[1])?.[1] ?? '';
    byKind[kind] = (byKind[kind] ?? 0) + Number(m[2]);
  }
  return byKind;
}

/**
 * Waits until tracking holds the file with all its claims and delivered callbacks: it watches the
 * applied-event counters (an 837 and a 999 claims event per set, a callback event per delivery),
 * which cost the database nothing, then checks the file's record through the API. Resolves to
 * that moment, or at the deadline to what the file's record held then.
 */
async function trackingComplete(api: string, token: string, sets: number, claims: number, deadline: number): Promise<{ at?: number; claims: number }> {
  const get = async (path: string): Promise<unknown> => {
    const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`tracking ${path}: HTTP ${res.status}`);
    return res.json();
  };
  const held = async (): Promise<{ claims: number; done: boolean }> => {
    const list = (await get('/v1/files?partner=demo-partner&limit=1')) as { items: Array<{ fileId: string }> };
    if (list.items.length === 0) return { claims: 0, done: false };
    const file = (await get(`/v1/files/${list.items[0].fileId}`)) as { claims: number; transactionSets: unknown[]; callbacks: Array<{ outcome: string }> };
    const delivered = file.callbacks.filter((c) => c.outcome === 'delivered').length;
    return { claims: file.claims, done: file.claims >= claims && file.transactionSets.length >= sets && delivered >= sets };
  };
  while (Date.now() < deadline) {
    const applied = await eventsApplied(api);
    if ((applied.claims ?? 0) >= 2 * sets && (applied.callback ?? 0) >= sets) {
      const now = performance.now();
      const h = await held();
      if (h.done) return { at: now, claims: h.claims };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { claims: (await held()).claims };
}

function waitForOutput(child: ChildProcess, needle: string, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`npm start did not say "${needle}" in ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes(needle)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolvePromise();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${String(code)}):\n${out.slice(-2000)}`)));
  });
}

/**
 * The whole `npm start` process (embedded bus, store and tracking on PGlite), as a user runs it:
 * started in a fresh home, the file encrypted and signed as the demo partner (not timed), then
 * timed from the moment the encrypted upload is in inbound/demo-partner/ to the last set's
 * callback at a receiver on 127.0.0.1. `tracking` sets TRACKING_EVENTS; with `trackedWaitSeconds`
 * it then waits (at most that long) until the tracking API holds all the file's claims and callbacks.
 */
export const pipelineWall: Job = async (params) => {
  const file = params.file as string;
  const sets = params.sets as number;
  const claims = params.claims as number;
  const tracking = params.tracking as boolean;
  const home = await mkdtemp(join(params.tmpDir as string, 'pipeline-home-'));
  const sink = await startSink();
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const subscriptions = join(home, 'subscriptions.json');
    await writeFile(subscriptions, JSON.stringify({ version: 1, subscriptions: [{ id: 'bench-sink', partnerId: 'demo-partner', url: sink.url }] }));
    const { STORE_ROOT: _s, BUS_DIR: _b, BROKER_URL: _u, ...inherited } = process.env;
    const env = {
      ...inherited,
      EDIFLOW_HOME: home,
      HTTP_PORT: String(port),
      DEMO_SINK_PORT: '0',
      CONSOLE_PORT: '0',
      SFTP_PORT: '0',
      LOG_LEVEL: 'warn',
      NOTIFIER_SUBSCRIPTIONS_FILE: subscriptions,
      TRACKING_EVENTS: String(tracking),
    };
    child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    await waitForOutput(child, 'ediflow is running', 120_000);
    const encrypted = join(home, 'upload.pgp');
    await promisify(execFile)(process.execPath, [DEMO, '--out', encrypted, file], { env, maxBuffer: 1 << 20 });
    // The upload lands in inbound/ as the SFTP server leaves it; the clock starts once it is there.
    await new EmbeddedObjectStore({ root: join(home, 'store') }).put(`${KEYS.inboundPrefix('demo-partner')}claims.pgp`, createReadStream(encrypted));
    const start = performance.now();
    const deadline = Date.now() + 900_000;
    while (sink.received.size < sets) {
      if (Date.now() > deadline) throw new Error(`${sink.received.size} of ${sets} callbacks after 900 s`);
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const last = Math.max(...sink.received.values());
    const result = { seconds: (last - start) / 1000, bytes: params.bytes as number, callbacks: sink.received.size };
    const waitS = (params.trackedWaitSeconds as number | undefined) ?? 0;
    if (!tracking || waitS <= 0) return result;
    const token = (await readFile(join(home, 'keys', 'tracking-api.token'), 'utf8')).trim();
    const complete = await trackingComplete(`http://127.0.0.1:${port}`, token, sets, claims, Date.now() + waitS * 1000);
    return { ...result, trackedClaims: complete.claims, ...(complete.at !== undefined ? { trackedSeconds: (complete.at - start) / 1000 } : {}) };
  } finally {
    child?.kill('SIGKILL');
    await sink.close();
    await rm(home, { recursive: true, force: true });
  }
};
