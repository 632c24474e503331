import { fork } from 'node:child_process';
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
