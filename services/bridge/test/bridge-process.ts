/** The bridge as a child process (dist/main.js) for integration tests: start, readiness, SIGKILL. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'services/bridge/dist/main.js');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export { waitFor } from '@ediflow/testkit';

export async function httpStatus(url: string): Promise<number> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Builds the bridge (tests run from sources; the child runs dist/). */
export function buildBridge(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'services/bridge'], { cwd: ROOT, stdio: 'pipe' });
}

export interface BridgeProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far (the last 200 KB). */
  log(): string;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  readyz(): Promise<number>;
  kill(): Promise<void>;
}

/** Spawns dist/main.js with the given routes file, HTTP port and extra environment. */
export function spawnBridge(routesFile: string, httpPort: number, env: Record<string, string> = {}): BridgeProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      BRIDGE_ROUTES_FILE: routesFile,
      HTTP_PORT: String(httpPort),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BRIDGE_HEARTBEAT_MS: '2000',
      BRIDGE_SEND_TIMEOUT_MS: '5000',
      BRIDGE_RECONNECT_MAX_DELAY_MS: '1000',
      BRIDGE_RETRY_MAX_DELAY_MS: '500',
      BRIDGE_CLOSE_TIMEOUT_MS: '2000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const collect = (chunk: Buffer): void => {
    text = (text + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    log: () => text,
    exited,
    readyz: () => httpStatus(`http://127.0.0.1:${httpPort}/readyz`),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Deterministic test body: text (UTF-8 with non-ASCII) or bytes (including NUL and 0xFF). */
export function bodyFor(id: string, binary: boolean): Buffer {
  const seed = createHash('sha256').update(id).digest();
  if (binary) return Buffer.concat([Buffer.from([0, 255, 0x0a, 0x0d]), seed, Buffer.alloc(seed[0] * 4, seed[1])]);
  return Buffer.from(`msg ${id} — é ü 漢字 ${seed.toString('hex').repeat(1 + (seed[0] % 8))}`, 'utf8');
}
