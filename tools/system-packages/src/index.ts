/**
 * The Debian packages that tests and local runs need (ActiveMQ, RabbitMQ, PostgreSQL, Chromium), installed by the
 * project itself: once per machine, one caller at a time. Jest's global setup, the
 * broker starter and `npm run system-packages` all go through ensureSystemPackages, so
 * two callers that start at once (two brokers, two test runs) never run apt-get side by
 * side: the second waits for the first and then finds the packages installed.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SystemPackage {
  /** Debian package name. */
  name: string;
  /** What needs it, for the message a non-root user gets. */
  purpose: string;
  /** Whether it is installed (a file it provides is there). */
  installed(): boolean;
}

export const ACTIVEMQ: SystemPackage = {
  name: 'activemq',
  purpose: 'ActiveMQ 5.17, the broker of the integration tests and of npm start with BROKER_URL',
  installed: () => existsSync('/usr/share/activemq/bin/activemq.jar'),
};

export const OPENSSH_CLIENT: SystemPackage = {
  name: 'openssh-client',
  purpose: 'the OpenSSH sftp client that the embedded SFTP server is tested with',
  installed: () => existsSync('/usr/bin/sftp'),
};

export const POSTGRESQL: SystemPackage = {
  name: 'postgresql',
  purpose: 'PostgreSQL 15, the tracking database of the integration tests (Amazon RDS in AWS)',
  installed: () => existsSync('/usr/lib/postgresql/15/bin/postgres'),
};

export const RABBITMQ: SystemPackage = {
  name: 'rabbitmq-server',
  purpose: 'RabbitMQ 3.10 with its STOMP and AMQP 1.0 plugins, a broker kind the bridge integration tests run against',
  installed: () => existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server'),
};

export const CHROMIUM: SystemPackage = {
  name: 'chromium',
  purpose: 'the headless browser (driven by playwright-core) of the console\'s browser tests',
  installed: () => existsSync('/usr/bin/chromium'),
};

/** Everything `npm test` needs from the system, installed in one go before any server starts. */
export const TEST_PACKAGES: readonly SystemPackage[] = [ACTIVEMQ, OPENSSH_CLIENT, POSTGRESQL, RABBITMQ, CHROMIUM];

/** Installs packages by name; rejects with what went wrong. */
export type Installer = (names: string[]) => Promise<void>;

export class MissingSystemPackagesError extends Error {
  constructor(readonly packages: SystemPackage[]) {
    super(
      `missing system packages: ${packages.map((p) => `${p.name} (${p.purpose})`).join('; ')}. ` +
        `This user is not root; install them once with: sudo apt-get update && sudo apt-get install -y ${packages.map((p) => p.name).join(' ')}`,
    );
    this.name = 'MissingSystemPackagesError';
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const collect = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${String(code)}: ${tail}`))));
  });
}

/**
 * apt-get update, then install. apt's own lock is waited for (DPkg::Lock::Timeout) in case
 * something outside the project holds it; callers inside the project are serialised by the
 * lock in ensureSystemPackages.
 */
export const aptInstaller: Installer = async (names) => {
  const wait = ['-o', 'DPkg::Lock::Timeout=600'];
  await run('apt-get', [...wait, 'update', '-qq']);
  await run('apt-get', [...wait, 'install', '-y', '-qq', ...names]);
};

export interface EnsureOptions {
  /** Directory whose creation is the machine-wide lock; default <tmpdir>/ediflow-system-packages.lock. */
  lockDir?: string;
  installer?: Installer;
  /** Whether this process may install (root); default from process.getuid(). */
  canInstall?: boolean;
  /** How long to wait for another caller's install; default 20 minutes. */
  waitTimeoutMs?: number;
  pollMs?: number;
  /** Progress lines (what is installed, who is waited for). */
  log?: (line: string) => void;
}

export const DEFAULT_LOCK_DIR = path.join(os.tmpdir(), 'ediflow-system-packages.lock');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock: mkdir is atomic, so one caller wins; the winner writes its pid. A lock whose
 * owner process is gone (killed mid-install) is taken over; one without an owner file yet is
 * given a grace period for its creator to write it.
 */
async function acquire(lockDir: string, timeoutMs: number, pollMs: number, log: (line: string) => void): Promise<() => Promise<void>> {
  const ownerFile = path.join(lockDir, 'owner');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(ownerFile, String(process.pid));
      return () => fs.rm(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await fs.readFile(ownerFile, 'utf8').catch(() => ''), 10);
    const stale = Number.isInteger(owner)
      ? !isAlive(owner)
      : await fs.stat(lockDir).then((s) => Date.now() - s.mtimeMs > 10_000, () => false);
    if (stale) {
      log(`taking over ${lockDir} from a caller that is gone`);
      await fs.rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`waiting for another install (pid ${Number.isInteger(owner) ? owner : '?'}) to finish`);
      announced = true;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the system package lock ${lockDir}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Makes sure every package is installed. Nothing happens when they are; otherwise, under the
 * machine-wide lock, the ones still missing are installed in one call. A non-root caller gets
 * MissingSystemPackagesError with the command to run.
 */
export async function ensureSystemPackages(packages: readonly SystemPackage[], opts: EnsureOptions = {}): Promise<void> {
  if (packages.every((p) => p.installed())) return;
  const log = opts.log ?? ((line: string) => process.stderr.write(`system-packages: ${line}\n`));
  const canInstall = opts.canInstall ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  if (!canInstall) throw new MissingSystemPackagesError(packages.filter((p) => !p.installed()));
  const release = await acquire(opts.lockDir ?? DEFAULT_LOCK_DIR, opts.waitTimeoutMs ?? 20 * 60_000, opts.pollMs ?? 250, log);
  try {
    const missing = packages.filter((p) => !p.installed());
    if (missing.length === 0) return;
    log(`installing ${missing.map((p) => p.name).join(' ')} (once for this machine)`);
    await (opts.installer ?? aptInstaller)(missing.map((p) => p.name));
    const still = missing.filter((p) => !p.installed());
    if (still.length > 0) throw new Error(`installed ${still.map((p) => p.name).join(' ')} but ${still.length === 1 ? 'it is' : 'they are'} still not found`);
  } finally {
    await release();
  }
}
