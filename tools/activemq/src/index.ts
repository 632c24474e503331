/**
 * Local ActiveMQ 5.17 instances (Debian's `activemq` package) for tests and development.
 * Each broker gets its own directory (conf + data) and one STOMP connector on a loopback
 * port; several run side by side. Brokers are child processes of the caller and are
 * killed when the caller exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { ACTIVEMQ, ensureSystemPackages } from '@ediflow/system-packages';
import { makeTestCertificates, type TestCertificates } from './tls';

export { makeTestCertificates, type TestCertificates } from './tls';

export const ACTIVEMQ_HOME = '/usr/share/activemq';
export const ACTIVEMQ_JAR = path.join(ACTIVEMQ_HOME, 'bin', 'activemq.jar');
export const SAMPLE_CONF_DIR = '/etc/activemq/instances-available/main';

export interface StartBrokerOptions {
  /** STOMP port on 127.0.0.1; a free port when omitted. */
  stompPort?: number;
  /** Instance directory (conf/, data/, broker.out); a new temp dir when omitted. */
  dir?: string;
  /** Broker name (letters, digits, - and _); "localhost" when omitted. */
  name?: string;
  /** JVM max heap, e.g. "256m" (default). */
  maxHeap?: string;
  /**
   * CPUs the JVM may run on (taskset list, e.g. "0" or "0-1"); all when omitted. The benchmark gives
   * each of its two brokers its own core, as separate hosts would have.
   */
  cpus?: string;
  /** How long to wait for STOMP CONNECT to succeed; default 60 s. */
  startTimeoutMs?: number;
  /** How long stop() waits for a graceful exit before SIGKILL; default 15 s. */
  stopTimeoutMs?: number;
  /**
   * STOMP over TLS (stomp+ssl) instead of plaintext, with mutual TLS: throwaway certificates
   * are made in `<dir>/tls` at start (see makeTestCertificates) and are on the handle.
   */
  tls?: boolean;
}

export interface BrokerHandle {
  /** stomp://127.0.0.1:PORT, or stomp+ssl://127.0.0.1:PORT with tls */
  readonly url: string;
  /** The certificates of a TLS broker (CA, client certificate and key for the clients). */
  readonly certificates?: TestCertificates;
  readonly stompPort: number;
  readonly dir: string;
  /** Pid of the running JVM (of the last start). */
  readonly pid: number;
  /** SIGTERM, then SIGKILL after the stop bound. Resolves when the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL (a crash). Resolves when the process has exited. */
  kill(): Promise<void>;
  /** Starts the broker again on the same port and data dir: persistent messages survive. */
  start(): Promise<void>;
}

/** Makes sure ActiveMQ is installed: installs Debian's package when root (one caller at a time), otherwise says what to install. */
export async function ensureActiveMQ(): Promise<void> {
  await ensureSystemPackages([ACTIVEMQ]);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
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

/** Whether nothing listens on 127.0.0.1:port right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The broker's TLS stores (PKCS#12) and their password, for a stomp+ssl connector that requires client certificates. */
export interface BrokerXmlTls {
  keyStore: string;
  trustStore: string;
  password: string;
}

/**
 * The jars the statistics plugin's JSON answers need (`transformation:jms-map-json`): installed with
 * Debian's activemq package but not on its class path, so each instance links them into its lib/.
 */
export const STATISTICS_JARS = ['xstream.jar', 'jettison.jar', 'xpp3.jar'].map((jar) => path.join('/usr/share/java', jar));

/**
 * activemq.xml from the Debian sample: one STOMP connector (TLS with client certificates when `tls` is given),
 * scheduler on, a named broker, and the statistics plugin (queue sizes, consumers, enqueue and dequeue counts
 * over STOMP, read by the console).
 */
export function brokerXml(sample: string, stompPort: number, name: string, tls?: BrokerXmlTls): string {
  // Tolerant inactivity monitoring: the broker allows 3x the client's heart-beat before closing.
  const connector =
    `<transportConnector name="stomp" uri="${tls ? 'stomp+ssl' : 'stomp'}://127.0.0.1:${stompPort}` +
    `?transport.hbGracePeriodMultiplier=3.0${tls ? '&amp;needClientAuth=true' : ''}"/>`;
  let xml = sample.replace(
    /<transportConnectors>[\s\S]*?<\/transportConnectors>/,
    `<transportConnectors>\n            ${connector}\n        </transportConnectors>`,
  );
  if (xml === sample) throw new Error('sample activemq.xml has no <transportConnectors> element');
  xml = xml.replace(/<broker(\s)/, `<broker schedulerSupport="true"$1`);
  xml = xml.replace(/brokerName="[^"]*"/, `brokerName="${name}"`);
  const plugin = '<statisticsBrokerPlugin/>';
  xml = /<plugins>/.test(xml)
    ? xml.replace(/<plugins>/, `<plugins>\n            ${plugin}`)
    : xml.replace(/(<broker\s[^>]*>)/, `$1\n        <plugins>\n            ${plugin}\n        </plugins>`);
  if (tls) {
    const store = (kind: 'key' | 'trust', file: string): string =>
      `${kind}Store="file:${file}" ${kind}StorePassword="${tls.password}" ${kind}StoreType="PKCS12"`;
    xml = xml.replace(/(<broker\s[^>]*>)/, `$1\n        <sslContext><sslContext ${store('key', tls.keyStore)} ${store('trust', tls.trustStore)}/></sslContext>`);
  }
  return xml;
}

/** Sends a STOMP CONNECT (host "localhost" unless given, optional credentials; over TLS when given) and resolves when CONNECTED comes back. */
export function stompProbe(
  port: number,
  timeoutMs = 2000,
  connect: { host?: string; login?: string; passcode?: string; tls?: tls.ConnectionOptions } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect.tls ? tls.connect({ host: '127.0.0.1', port, ...connect.tls }) : net.connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => finish(new Error('STOMP CONNECT timed out')), timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.on(connect.tls ? 'secureConnect' : 'connect', () => {
      const credentials = connect.login === undefined ? '' : `login:${connect.login}\npasscode:${connect.passcode ?? ''}\n`;
      socket.write(`CONNECT\naccept-version:1.2\nhost:${connect.host ?? 'localhost'}\n${credentials}heart-beat:0,0\n\n\0`);
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.startsWith('CONNECTED')) {
        socket.end('DISCONNECT\n\n\0');
        finish();
      } else if (received.includes('\0')) {
        finish(new Error(`STOMP CONNECT answered with ${received.split('\n')[0]}`));
      }
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('connection closed before CONNECTED')));
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Brokers must not outlive the process that started them.
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function tail(file: string, bytes = 3000): Promise<string> {
  try {
    const text = await fs.readFile(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '(no log)';
  }
}

/** Resolves when the child process has exited (at once when it already has). */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Whether the child exits within the bound. */
export async function exitsWithin(child: ChildProcess, boundMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const exited = await Promise.race([
    waitForExit(child).then(() => true),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), boundMs);
    }),
  ]);
  clearTimeout(timer);
  return exited;
}

/** Starts one broker and resolves when a STOMP CONNECT on its port succeeds. */
export async function startBroker(opts: StartBrokerOptions = {}): Promise<BrokerHandle> {
  await ensureActiveMQ();
  const name = opts.name ?? 'localhost';
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error('broker name must match [A-Za-z0-9_-]+');
  const stompPort = opts.stompPort ?? (await freePort());
  const dir = opts.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), `activemq-${name}-`)));
  const confDir = path.join(dir, 'conf');
  const dataDir = path.join(dir, 'data');
  await fs.mkdir(confDir, { recursive: true });
  await fs.mkdir(dataDir, { recursive: true });
  const sample = await fs.readFile(path.join(SAMPLE_CONF_DIR, 'activemq.xml'), 'utf8');
  const certificates = opts.tls ? await makeTestCertificates(path.join(dir, 'tls')) : undefined;
  const xmlTls = certificates && { keyStore: certificates.keyStore, trustStore: certificates.trustStore, password: certificates.storePassword };
  await fs.writeFile(path.join(confDir, 'activemq.xml'), brokerXml(sample, stompPort, name, xmlTls));
  const libDir = path.join(dir, 'lib');
  await fs.mkdir(libDir, { recursive: true });
  for (const jar of STATISTICS_JARS) {
    await fs.symlink(jar, path.join(libDir, path.basename(jar))).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  const probeTls: tls.ConnectionOptions | undefined = certificates && {
    ca: await fs.readFile(certificates.caFile),
    cert: await fs.readFile(certificates.certFile),
    key: await fs.readFile(certificates.keyFile),
    servername: 'localhost',
  };
  // Debian's ActiveMQ logs through log4j 1.2: send INFO and up to broker.out.
  const log4j = path.join(confDir, 'log4j.properties');
  await fs.writeFile(
    log4j,
    [
      'log4j.rootLogger=INFO, out',
      'log4j.logger.org.springframework=WARN',
      'log4j.logger.org.apache.xbean=WARN',
      'log4j.appender.out=org.apache.log4j.ConsoleAppender',
      'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.out.layout.ConversionPattern=%d{ISO8601} %-5p %c{1} - %m%n',
      '',
    ].join('\n'),
  );
  const outFile = path.join(dir, 'broker.out');
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;
  installExitHook();

  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) throw new Error('broker is already running');
    // Otherwise the readiness probe could succeed against someone else's broker.
    if (!(await isPortFree(stompPort))) throw new Error(`port ${stompPort} on 127.0.0.1 is already in use`);
    const fd = openSync(outFile, 'a');
    const java = [
      `-Xmx${opts.maxHeap ?? '256m'}`,
      '-Xms64m',
      '-XX:+UseSerialGC',
      `-Dactivemq.home=${ACTIVEMQ_HOME}`,
      `-Dactivemq.base=${dir}`,
      `-Dactivemq.conf=${confDir}`,
      `-Dactivemq.data=${dataDir}`,
      `-Dlog4j.configuration=file:${log4j}`,
      '-jar',
      ACTIVEMQ_JAR,
      'start',
      `xbean:file:${path.join(confDir, 'activemq.xml')}`,
    ];
    const [cmd, args] = opts.cpus === undefined ? ['java', java] : ['taskset', ['-c', opts.cpus, 'java', ...java]];
    const proc = spawn(cmd, args, { cwd: dir, detached: false, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + startTimeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (exited) break;
      try {
        await stompProbe(stompPort, 2000, { tls: probeTls });
        return;
      } catch (err) {
        lastError = err;
      }
      await sleep(250);
    }
    if (!exited) {
      proc.kill('SIGKILL');
      await waitForExit(proc);
    }
    const why = exited ? `the broker exited (code ${String(proc.exitCode)})` : `no STOMP CONNECT within ${startTimeoutMs} ms`;
    throw new Error(
      `ActiveMQ "${name}" on port ${stompPort} did not start: ${why}; last probe: ${String(lastError)}\n` +
        `--- tail of ${outFile} ---\n${await tail(outFile)}`,
    );
  };

  const signalAndWait = async (signal: NodeJS.Signals, boundMs: number): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exit = waitForExit(proc);
    proc.kill(signal);
    if (signal === 'SIGKILL') return exit;
    if (!(await exitsWithin(proc, boundMs))) {
      proc.kill('SIGKILL');
      await exit;
    }
  };

  await launch();

  return {
    url: `${certificates ? 'stomp+ssl' : 'stomp'}://127.0.0.1:${stompPort}`,
    certificates,
    stompPort,
    dir,
    get pid(): number {
      return child?.pid ?? -1;
    },
    stop: () => signalAndWait('SIGTERM', stopTimeoutMs),
    kill: () => signalAndWait('SIGKILL', 0),
    start: launch,
  };
}

/** Removes a broker directory (after stop()). */
export async function removeBrokerDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
