/**
 * npm run postgres -- [--port N] [--dir DIR]
 * Runs one private PostgreSQL 15 in the foreground until Ctrl-C / SIGTERM. Data is kept in
 * var/postgres (git-ignored) unless --dir says otherwise, so it survives a restart.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startPostgres, type StartPostgresOptions } from './index';

function parseArgs(argv: string[]): StartPostgresOptions {
  const opts: StartPostgresOptions = { fast: false };
  for (let i = 0; i < argv.length; i += 1) {
    const [arg, value] = [argv[i], argv[i + 1]];
    if (arg === '--port' && value !== undefined) {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be 1..65535, got ${value}`);
      opts.port = port;
      i += 1;
    } else if (arg === '--dir' && value !== undefined) {
      opts.dir = value;
      i += 1;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run postgres -- [--port N (5432)] [--dir DIR (var/postgres)]\n');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  opts.port ??= 5432;
  opts.dir ??= path.resolve('var', 'postgres');
  await mkdir(opts.dir, { recursive: true });
  const pg = await startPostgres(opts);
  process.stdout.write(`PostgreSQL is up: ${pg.url} (data in ${pg.dir})\nPoint tracking at it with:\n  TRACKING_DATABASE_URL=${pg.url} npm start\nPress Ctrl-C to stop.\n`);
  const stop = () => {
    void pg.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`postgres: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
