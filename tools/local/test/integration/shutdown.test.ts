/**
 * SIGTERM on the real `npm start` process (DESIGN.md invariant 7): with a file in
 * flight, the process stops taking work, finishes what it holds, and exits 0 within 25 s,
 * and the file's callback was delivered rather than dropped.
 */
import { waitFor } from '@ediflow/testkit';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(90_000);

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'lfh__demo.837');

describe('npm start under SIGTERM', () => {
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'ediflow-home-'));
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('when SIGTERM arrives with a file in flight, then the process finishes it and exits 0 within 25 s', async () => {
    const { STORE_ROOT: _ignored, ...inherited } = process.env;
    const env = { ...inherited, EDIFLOW_HOME: home, HTTP_PORT: '0', DEMO_SINK_PORT: '0', SFTP_PORT: '0', CONSOLE_PORT: '0', LOG_LEVEL: 'info', BROKER_URL: 'memory', STORE_KIND: 'embedded' };
    const child = spawn(process.execPath, [path.join(ROOT, 'tools/local/dist/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitForOutput = (needle: string, timeoutMs: number) =>
      waitFor(`"${needle}" in the output`, () => out.includes(needle), { timeoutMs, intervalMs: 50, detail: () => out });
    try {
      await waitForOutput('ediflow is running', 30_000);
      await promisify(execFile)(process.execPath, [path.join(ROOT, 'tools/local/dist/demo.js'), FIXTURE], { env });
      await waitForOutput('"msg":"file received"', 15_000);
      const started = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      const elapsed = Date.now() - started;
      expect({ code, withinBound: elapsed < 25_000 }).toEqual({ code: 0, withinBound: true });
      expect(out).toContain('"msg":"exiting"');
      const callbacks = (await readdir(path.join(home, 'callbacks'))).filter((f) => f.endsWith('.json'));
      expect(callbacks).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
