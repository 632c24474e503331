/**
 * Private RabbitMQ 3.10 instances (Debian's `rabbitmq-server`) for tests and development:
 * STOMP and AMQP 1.0 (plugins rabbitmq_stomp and rabbitmq_amqp1_0) on free loopback ports,
 * each instance with its own node name, Erlang cookie, epmd, data and config directory
 * (RABBITMQ_* variables), users and virtual hosts from a definitions file. No system
 * service: the broker and its epmd are child processes of the caller, killed when it exits.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exitsWithin, freePort, isPortFree, stompProbe, waitForExit, type BrokerHandle } from '@ediflow/activemq';
import { RABBITMQ, ensureSystemPackages } from '@ediflow/system-packages';

export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
export const RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';

export interface RabbitUser {
  name: string;
  password: string;
}

export interface StartRabbitOptions {
  /** Instance directory (config, data, logs, cookie); a new temp dir when omitted. */
  dir?: string;
  /** Node name prefix (letters, digits, - and _); "ediflow" when omitted. */
  name?: string;
  /** Users, each with every permission on every virtual host; default guest/guest. */
  users?: RabbitUser[];
  /** Virtual hosts; default ["/"]. */
  vhosts?: string[];
  /** How long to wait for STOMP CONNECT; default 90 s. */
  startTimeoutMs?: number;
  /** How long stop() waits for a graceful exit before SIGKILL; default 20 s. */
  stopTimeoutMs?: number;
}

/** Like an ActiveMQ handle (stop, kill, start: the same contract), with an AMQP port and rabbitmqctl. */
export interface RabbitHandle extends Omit<BrokerHandle, 'url'> {
  /** stomp://127.0.0.1:PORT */
  readonly stompUrl: string;
  /** amqp://127.0.0.1:PORT (AMQP 1.0; the port also speaks AMQP 0-9-1) */
  readonly amqpUrl: string;
  readonly amqpPort: number;
  /** Runs rabbitmqctl against this node (e.g. ['add_user', 'u', 'p']); resolves with its output. */
  ctl(args: string[]): Promise<string>;
}

export async function ensureRabbitMQ(): Promise<void> {
  await ensureSystemPackages([RABBITMQ]);
}

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)), 4-byte salt. */
export function passwordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256').update(Buffer.concat([salt, Buffer.from(password, 'utf8')])).digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** The definitions file: users (administrators), virtual hosts, full permissions for every user on each. */
export function definitions(users: RabbitUser[], vhosts: string[]): object {
  return {
    users: users.map((u) => ({ name: u.name, password_hash: passwordHash(u.password), hashing_algorithm: 'rabbit_password_hashing_sha256', tags: ['administrator'] })),
    vhosts: vhosts.map((name) => ({ name })),
    permissions: users.flatMap((u) => vhosts.map((vhost) => ({ user: u.name, vhost, configure: '.*', write: '.*', read: '.*' }))),
  };
}

/** rabbitmq.conf: listeners on loopback only, the definitions, console logging of warnings. */
export function rabbitConf(ports: { amqp: number; stomp: number }, definitionsFile: string): string {
  return [
    `listeners.tcp.1 = 127.0.0.1:${ports.amqp}`,
    `stomp.listeners.tcp.1 = 127.0.0.1:${ports.stomp}`,
    'loopback_users = none',
    `load_definitions = ${definitionsFile}`,
    'log.console = true',
    'log.console.level = warning',
    'log.file = false',
    '',
  ].join('\n');
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Brokers (and their epmd) must not outlive the process that started them.
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts one RabbitMQ and resolves when a STOMP CONNECT to its default virtual host succeeds. */
export async function startRabbitMQ(opts: StartRabbitOptions = {}): Promise<RabbitHandle> {
  await ensureRabbitMQ();
  const name = opts.name ?? 'ediflow';
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error('RabbitMQ node name must match [A-Za-z0-9_-]+');
  const users = opts.users ?? [{ name: 'guest', password: 'guest' }];
  const vhosts = opts.vhosts ?? ['/'];
  const dir = opts.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), `rabbitmq-${name}-`)));
  const [amqpPort, stompPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const node = `${name}-${process.pid}-${amqpPort}@localhost`;
  await fs.mkdir(path.join(dir, 'mnesia'), { recursive: true });
  await fs.mkdir(path.join(dir, 'log'), { recursive: true });
  const definitionsFile = path.join(dir, 'definitions.json');
  await fs.writeFile(definitionsFile, JSON.stringify(definitions(users, vhosts)), { mode: 0o600 });
  const confFile = path.join(dir, 'rabbitmq.conf');
  await fs.writeFile(confFile, rabbitConf({ amqp: amqpPort, stomp: stompPort }, definitionsFile));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: dir, // the Erlang cookie lives here
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: confFile,
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_ENABLED_PLUGINS: 'rabbitmq_stomp,rabbitmq_amqp1_0',
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  const outFile = path.join(dir, 'broker.out');
  const startTimeoutMs = opts.startTimeoutMs ?? 90_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 20_000;
  installExitHook();

  let broker: ChildProcess | undefined;
  let epmd: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    if (broker && broker.exitCode === null && broker.signalCode === null) throw new Error('broker is already running');
    // After a kill the VM may hold its sockets a moment longer than its start script lives.
    const freeBy = Date.now() + 15_000;
    while (!(await isPortFree(stompPort)) || !(await isPortFree(amqpPort))) {
      if (Date.now() > freeBy) throw new Error(`port ${stompPort} or ${amqpPort} on 127.0.0.1 is already in use`);
      await sleep(200);
    }
    const fd = openSync(outFile, 'a');
    // Its own epmd on a private port, so nothing outlives the caller. Each child leads its own
    // process group: the broker's start script, the Erlang VM and its helpers go down together.
    if (!epmd || epmd.exitCode !== null || epmd.signalCode !== null) {
      epmd = spawn('epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], { env, detached: true, stdio: ['ignore', fd, fd] });
      live.add(epmd);
      const e = epmd;
      e.once('exit', () => live.delete(e));
    }
    const proc = spawn(RABBITMQ_SERVER, [], { env, cwd: dir, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    broker = proc;
    live.add(proc);
    let exited = false;
    proc.once('exit', () => {
      exited = true;
      live.delete(proc);
    });
    const deadline = Date.now() + startTimeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline && !exited) {
      try {
        await stompProbe(stompPort, 2000, { host: vhosts[0], login: users[0].name, passcode: users[0].password });
        return;
      } catch (err) {
        lastError = err;
      }
      await sleep(250);
    }
    if (!exited) {
      killGroup(proc, 'SIGKILL');
      await waitForExit(proc);
    }
    const log = await fs.readFile(outFile, 'utf8').then((t) => t.slice(-3000), () => '(no log)');
    throw new Error(
      `RabbitMQ "${node}" (STOMP ${stompPort}) did not start: ${exited ? `it exited (code ${String(proc.exitCode)})` : `no STOMP CONNECT within ${startTimeoutMs} ms`}; ` +
        `last probe: ${String(lastError)}\n--- tail of ${outFile} ---\n${log}`,
    );
  };

  const signalAndWait = async (signal: NodeJS.Signals, boundMs: number): Promise<void> => {
    const proc = broker;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exit = waitForExit(proc);
    if (signal === 'SIGKILL') killGroup(proc, 'SIGKILL');
    else proc.kill(signal);
    if (!(await exitsWithin(proc, boundMs))) killGroup(proc, 'SIGKILL');
    await exit;
    // Whatever of the group is left (the VM after its script was killed).
    killGroup(proc, 'SIGKILL');
  };

  const stopEpmd = async (): Promise<void> => {
    const e = epmd;
    if (!e || e.exitCode !== null || e.signalCode !== null) return;
    const exit = waitForExit(e);
    killGroup(e, 'SIGKILL');
    await exit;
  };

  await launch();

  return {
    stompUrl: `stomp://127.0.0.1:${stompPort}`,
    amqpUrl: `amqp://127.0.0.1:${amqpPort}`,
    stompPort,
    amqpPort,
    dir,
    get pid(): number {
      return broker?.pid ?? -1;
    },
    stop: async () => {
      await signalAndWait('SIGTERM', stopTimeoutMs);
      await stopEpmd();
    },
    kill: () => signalAndWait('SIGKILL', 0),
    start: launch,
    ctl: (args) =>
      new Promise((resolve, reject) => {
        execFile(RABBITMQCTL, ['-n', node, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`rabbitmqctl ${args[0] ?? ''} failed: ${stderr.trim() || err.message}`));
          else resolve(stdout);
        });
      }),
  };
}

/** Removes an instance directory (after stop()). */
export async function removeRabbitDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
