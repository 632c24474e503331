import { fork, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What a measurement job reports back; maxRssMb is the child's own peak RSS (process.resourceUsage().maxRSS). */
export interface JobResult {
  seconds: number;
  bytes: number;
  maxRssMb: number;
  [metric: string]: number;
}

/**
 * Runs a job of the worker (worker.ts, registry in jobs/) in its own Node process, so that its
 * peak RSS is its alone. Rejects when the child fails, is killed (e.g. out of memory) or times out.
 */
export function runJob(job: string, params: Record<string, unknown>, options: { timeoutMs?: number; maxOldSpaceMb?: number } = {}): Promise<JobResult> {
  const execArgv = options.maxOldSpaceMb !== undefined ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : [];
  const child = fork(join(__dirname, 'worker.js'), [job, JSON.stringify(params)], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    let result: JobResult | undefined;
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure = `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    child.on('message', (m: { ok: boolean; result?: JobResult; error?: string }) => {
      if (m.ok) result = m.result;
      else failure = m.error;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else reject(new Error(failure ?? `${job} exited with ${signal ?? code}${/heap out of memory/i.test(stderr) ? ' (out of memory)' : ''}`));
    });
  });
}

/**
 * Runs each measurement `rounds` times, taking turns (a, b, a, b, ...; every run a fresh process
 * when the thunk calls runJob), and keeps per measurement its fastest run, with the highest peak RSS
 * of its runs and the slowest run's seconds (`slowestSeconds`). On a shared machine other tenants
 * only ever slow a run down (runs of the same code differ by up to half here), so the fastest of
 * several is the truest figure of the code; taking turns keeps a slow spell from landing on one
 * side of a comparison only. A measurement with a failed run gives that run's error.
 */
export async function fastestOf(rounds: number, measurements: Array<() => Promise<JobResult>>): Promise<Array<JobResult | string>> {
  const runs: JobResult[][] = measurements.map(() => []);
  const failed: Array<string | undefined> = measurements.map(() => undefined);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < measurements.length; i++) {
      if (failed[i] !== undefined) continue;
      try {
        runs[i].push(await measurements[i]());
      } catch (err) {
        failed[i] = (err as Error).message;
      }
    }
  }
  return runs.map((list, i) => {
    const error = failed[i];
    if (error !== undefined) return error;
    const best = list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return {
      ...best,
      maxRssMb: Math.max(...list.map((r) => r.maxRssMb)),
      slowestSeconds: Math.max(...list.map((r) => r.seconds)),
      runs: list.length,
    };
  });
}

/**
 * Runs `edi` of the checkout `root` with `args` as a whole process (node startup included), its
 * stdout to /dev/null, and times it from spawn to exit; `file` is the input whose size the
 * result reports. Rejects when the command exits other than `expectStatus` or times out; then the
 * message gives the highest RSS seen (VmHWM, read every 250 ms on Linux), as a process killed for
 * its memory reports nothing itself.
 */
export function runCli(root: string, args: string[], file: string, options: { timeoutMs?: number; expectStatus?: number } = {}): Promise<JobResult> {
  const started = process.hrtime.bigint();
  // the compiled runner, whether this module runs from dist/ or (in tests) from src/
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'cli-run.js'), root, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let report = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-2000);
  });
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
    report += d.toString('utf8');
  });
  let peakKb = 0;
  const sample = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm !== null) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // gone already, or not Linux
    }
  }, 250);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sample);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== (options.expectStatus ?? 0) || report === '') {
        const seen = peakKb > 0 ? ` (peak RSS seen ${Math.round(peakKb / 1024)} MB)` : '';
        reject(new Error(`edi ${args.join(' ')} exited with ${signal ?? code}${seen}${stderr === '' ? '' : `: ${stderr.split('\n')[0]}`}`));
        return;
      }
      resolve({ seconds, bytes: statSync(file).size, maxRssMb: (JSON.parse(report) as { maxRssMb: number }).maxRssMb });
    });
  });
}
