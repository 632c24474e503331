/**
 * Private PostgreSQL 15 clusters (Debian's `postgresql` package) for tests and development:
 * each one in its own directory, listening on 127.0.0.1 only, as a child of the caller that
 * dies with it. PostgreSQL refuses to run as root, so as root the server runs as the
 * package's `postgres` user (setpriv, which execs: the child is the server itself).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { POSTGRESQL, ensureSystemPackages } from '@ediflow/system-packages';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface StartPostgresOptions {
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Cluster directory (data/, socket, log); a new temp dir when omitted. Kept across restarts. */
  dir?: string;
  /** Database created on first start; default `ediflow`. */
  database?: string;
  /** Superuser created by initdb; default `ediflow` (trust on loopback: tests only). */
  user?: string;
  /** Durability off (fsync, synchronous_commit): for tests that restart it cleanly; default true. */
  fast?: boolean;
  /**
   * TLS with this certificate and key (PEM), and connections without TLS refused, as Amazon RDS
   * with `rds.force_ssl=1`. Applied when the cluster is created.
   */
  tls?: { certFile: string; keyFile: string };
  startTimeoutMs?: number;
}

export interface PostgresHandle {
  /** postgres://user@127.0.0.1:port/database */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Fast shutdown (SIGINT), then SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** SIGKILL (a crash). */
  kill(): Promise<void>;
  /** Starts the same cluster again. */
  start(): Promise<void>;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** uid and gid of the postgres user the package creates. */
function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** The command line that runs a PostgreSQL binary as the right user. */
function asServerUser(binary: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [path.join(PG_BIN, binary), args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', path.join(PG_BIN, binary), ...args]];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Whether the server accepts a connection and answers a startup message on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    // SSLRequest: a running server answers one byte ('N' or 'S').
    socket.on('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])));
    socket.on('data', () => done(true));
    socket.on('error', () => done(false));
  });
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: 'pipe' });
}

/** The server's certificate and key beside the cluster, readable by the server alone, and a first pg_hba rule refusing plain TCP. */
async function requireTls(dir: string, data: string, tls: { certFile: string; keyFile: string }): Promise<void> {
  await fs.copyFile(tls.certFile, path.join(dir, 'server.crt'));
  await fs.copyFile(tls.keyFile, path.join(dir, 'server.key'));
  await fs.chmod(path.join(dir, 'server.key'), 0o600);
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    for (const f of ['server.crt', 'server.key']) await fs.chown(path.join(dir, f), uid, gid);
  }
  const hba = path.join(data, 'pg_hba.conf');
  await fs.writeFile(hba, `hostnossl all all all reject\n${await fs.readFile(hba, 'utf8')}`);
}

/** Starts a private cluster (initdb on first start) and resolves when it accepts connections. */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresHandle> {
  await ensureSystemPackages([POSTGRESQL]);
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'ediflow-pg-')));
  const data = path.join(dir, 'data');
  const user = opts.user ?? 'ediflow';
  const database = opts.database ?? 'ediflow';
  const fast = opts.fast ?? true;
  const logFile = path.join(dir, 'postgres.log');
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    await fs.chown(dir, uid, gid);
  }
  const fresh = !(await fs.stat(path.join(data, 'PG_VERSION')).then(() => true, () => false));
  if (fresh) {
    const [cmd, args] = asServerUser('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    run(cmd, args);
    if (opts.tls) await requireTls(dir, data, opts.tls);
  }
  installExitHook();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const fd = openSync(logFile, 'a');
    const settings = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
    if (fast) settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    if (opts.tls) settings.push('-c', 'ssl=on', '-c', `ssl_cert_file=${path.join(dir, 'server.crt')}`, '-c', `ssl_key_file=${path.join(dir, 'server.key')}`);
    const [cmd, args] = asServerUser('postgres', settings);
    const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      if (await accepts(port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill('SIGKILL');
    await waitForExit(proc);
    const log = await fs.readFile(logFile, 'utf8').catch(() => '(no log)');
    throw new Error(`PostgreSQL on port ${port} did not start\n--- tail of ${logFile} ---\n${log.slice(-3000)}`);
  };

  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exit = waitForExit(proc);
    proc.kill(signal);
    if (signal === 'SIGKILL') return exit;
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(timer);
  };

  await launch();
  if (fresh && database !== 'postgres') {
    // Over the socket when TCP requires TLS: libpq would look for client certificates in the caller's home.
    const [cmd, args] = asServerUser('createdb', ['-h', opts.tls ? dir : '127.0.0.1', '-p', String(port), '-U', user, database]);
    run(cmd, args);
  }

  return {
    url: `postgres://${user}@127.0.0.1:${port}/${database}`,
    port,
    dir,
    stop: () => signalAndWait('SIGINT'),
    kill: () => signalAndWait('SIGKILL'),
    start: launch,
  };
}

/** Removes a cluster directory (after stop()). */
export async function removePostgresDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
