/**
 * Support for the crash suites: a callback receiver that keeps every delivery (duplicates
 * included), a file of many small 837P sets, processes that can be killed and started again,
 * and the check that every set arrived with one key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { generate837P } from '../../../bench/src/generate-837p';

export const ROOT = `${__dirname}/../../../..`;

export interface Delivery {
  key: string;
  /** ST02 of the set the callback carries. */
  st02: string;
}

/** A callback receiver that answers 204 and keeps every request, repeats included. */
export async function startRecordingSink(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: { controlNumber?: string; transaction?: { controlNumber?: string } } };
      deliveries.push({ key, st02: body.body?.controlNumber ?? body.body?.transaction?.controlNumber ?? '?' });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callbacks`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Writes an 837P of `sets` transaction sets (one claim each) and returns their ST02s. */
export async function write837(file: string, sets: number): Promise<string[]> {
  let text = '';
  // About 1.1 KB per one-claim set: generate a little more than needed, then cut after the wanted SE.
  for await (const part of generate837P({ targetBytes: sets * 1200 + 4000, claimsPerTransaction: 1, seed: 7 })) text += part;
  const st02s: string[] = [];
  const lines = text.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith('GE*') || line.startsWith('IEA*')) continue;
    if (st02s.length === sets && line.startsWith('ST*')) break;
    if (line.startsWith('ST*')) st02s.push(line.split('*')[2]);
    out.push(line);
  }
  if (st02s.length !== sets) throw new Error(`generated ${st02s.length} sets, wanted ${sets}`);
  out.push(`GE*${sets}*1~`, 'IEA*1*000000001~', '');
  await writeFile(file, out.join('\n'));
  return st02s;
}

/** A node process that can be killed and started again with the same command. */
export class Restartable {
  private child: ChildProcess | undefined;
  output = '';

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): void {
    const child = spawn(process.execPath, [this.script], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child = child;
  }

  /** Resolves with the exit code (null when killed by a signal) and how long the exit took. */
  async signal(signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return { code: child?.exitCode ?? null, ms: 0 };
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    return { code, ms: Date.now() - started };
  }

  async waitForOutput(needle: string, timeoutMs: number, from = 0): Promise<void> {
    await waitUntil(() => this.output.indexOf(needle, from) >= 0, timeoutMs, `"${needle}" from ${this.name}:\n${this.output.slice(-3000)}`);
  }
}

export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every set delivered at least once; every delivery of a set with one key, and no key shared by two sets. */
export function checkDeliveries(deliveries: Delivery[], st02s: string[]): { missing: string[]; keysPerSet: number[]; setsPerKey: number[]; duplicates: number } {
  const keysBySet = new Map<string, Set<string>>();
  const setsByKey = new Map<string, Set<string>>();
  for (const d of deliveries) {
    if (!keysBySet.has(d.st02)) keysBySet.set(d.st02, new Set());
    keysBySet.get(d.st02)!.add(d.key);
    if (!setsByKey.has(d.key)) setsByKey.set(d.key, new Set());
    setsByKey.get(d.key)!.add(d.st02);
  }
  return {
    missing: st02s.filter((s) => !keysBySet.has(s)),
    keysPerSet: [...new Set([...keysBySet.values()].map((k) => k.size))],
    setsPerKey: [...new Set([...setsByKey.values()].map((s) => s.size))],
    duplicates: deliveries.length - keysBySet.size,
  };
}
