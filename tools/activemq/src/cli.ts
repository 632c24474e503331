/**
 * npm run broker -- [--port N] [--name NAME] [--dir DIR] [--tls]
 * Runs one local ActiveMQ in the foreground until Ctrl-C / SIGTERM. Data is kept in
 * var/activemq/<name> (git-ignored) unless --dir says otherwise, so persistent
 * messages survive a restart of the command. --tls: STOMP over TLS with client
 * certificates, on throwaway certificates made at each start in <dir>/tls.
 */
import path from 'node:path';
import { startBroker, type StartBrokerOptions } from './index';

const DEFAULT_PORT = 61613;
const DEFAULT_TLS_PORT = 61614;

function parseArgs(argv: string[]): StartBrokerOptions {
  const opts: StartBrokerOptions = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--port' && value !== undefined) {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be 1..65535, got ${value}`);
      opts.stompPort = port;
      i += 1;
    } else if (arg === '--name' && value !== undefined) {
      opts.name = value;
      i += 1;
    } else if (arg === '--dir' && value !== undefined) {
      opts.dir = value;
      i += 1;
    } else if (arg === '--tls') {
      opts.tls = true;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run broker -- [--port N (61613, 61614 with --tls)] [--name NAME (dev)] [--dir DIR (var/activemq/NAME)] [--tls]\n');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  opts.name ??= opts.tls === true ? 'dev-tls' : 'dev';
  opts.stompPort ??= opts.tls === true ? DEFAULT_TLS_PORT : DEFAULT_PORT;
  opts.dir ??= path.resolve('var', 'activemq', opts.name);
  process.stdout.write('starting ActiveMQ...\n');
  const broker = await startBroker(opts);
  const certs = broker.certificates;
  process.stdout.write(
    `ActiveMQ is up: ${broker.url} (pid ${broker.pid}, data in ${broker.dir})\n` +
      (certs
        ? 'It requires client certificates (mutual TLS). A bridge endpoint for it (routes file):\n' +
          `  ${JSON.stringify({ urls: [broker.url], tls: { caFile: certs.caFile, certFile: certs.certFile, keyFile: certs.keyFile, servername: 'localhost' } })}\n` +
          `Throwaway certificates in ${certs.dir} (made at this start, valid 7 days).\n`
        : `Point the services at it with:\n  BROKER_URL=${broker.url} npm start\n`) +
      'Press Ctrl-C to stop.\n',
  );
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping ActiveMQ...\n');
    broker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
