import { MemoryBus, createBus, type Bus } from '@ediflow/bus';
import { AppError, ConfigError } from '@ediflow/errors';
import { commonEnvSchema, loadConfig, type CommonConfig, type Env } from '@ediflow/config';
import { silentLogger } from '@ediflow/logger';
import { createDeadLetterAdmin, createDeadLetterStore, type DeadLetterFilter, type DeadLetterSummary } from '@ediflow/notifier';
import { storeConfigFrom } from '@ediflow/runtime';
import { createObjectStore, type ObjectStore } from '@ediflow/store';
import type { Command } from '../command';
import { parseCommandArgs, runSubcommand, type Subcommand } from '../command';
import { UsageError, write, type CliIo } from '../io';

const HELP = `Usage: edi dlq list   [--partner P] [--subscription S] [--code C] [--since ISO] [--limit N] [--json]
       edi dlq replay (--id MESSAGE_ID ... | --partner P | --subscription S | --code C | --all)
                      [--since ISO] [--limit N] [--json]

The notifier's dead letters (callbacks that failed for good), read from the object store under
deadletters/notifier/. Filters combine (all given must match); --since is the dead-lettering time.

  list     one line per dead letter: time, message id, subscription, partner, code, attempts,
           replays (--json: the records without the envelope). --limit defaults to 1000.
  replay   sends each matching dead letter back to its endpoint queue as a fresh delivery
           (attempt 1, same envelope, same idempotency key); the record moves to
           deadletters-replayed/ after the broker's receipt. A filter (or --all) is required.
           Prints {"replayed":[..],"failed":[..]}; exit 1 when any failed.

Environment (as the services): STORE_KIND (embedded|s3), STORE_ROOT, S3_BUCKET, S3_REGION,
S3_ENDPOINT, S3_FORCE_PATH_STYLE; replay also BROKER_URL (+ BROKER_LOGIN, BROKER_PASSCODE).
Replay refuses BROKER_URL=memory: it must publish to the broker the notifier consumes.

Exit status: 0 ok, 1 failure (some replays failed, store unreadable), 2 usage error.`;

/** Where the dead letters and the broker come from; tests inject an embedded store and a MemoryBus. */
export interface DlqDeps {
  env?: Env;
  store?: (config: CommonConfig) => ObjectStore;
  bus?: (config: CommonConfig) => Bus;
}

const FILTER_OPTIONS = {
  partner: { type: 'string' },
  subscription: { type: 'string' },
  code: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function filterFrom(values: Record<string, string | boolean | undefined>): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (typeof values.partner === 'string') filter.partnerId = values.partner;
  if (typeof values.subscription === 'string') filter.subscriptionId = values.subscription;
  if (typeof values.code === 'string') filter.code = values.code;
  if (typeof values.since === 'string') {
    if (Number.isNaN(Date.parse(values.since))) throw new UsageError('dlq: --since must be an ISO date or date-time (e.g. 2026-11-23T10:00:00Z)');
    filter.since = values.since;
  }
  if (typeof values.limit === 'string') {
    const n = Number(values.limit);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('dlq: --limit must be a positive integer');
    filter.limit = n;
  }
  return filter;
}

function table(rows: DeadLetterSummary[]): string {
  const header = ['DEAD-LETTERED AT', 'MESSAGE ID', 'SUBSCRIPTION', 'PARTNER', 'CODE', 'ATTEMPTS', 'REPLAYS'];
  const cells = rows.map((r) => [r.deadLetteredAt, r.messageId, r.subscriptionId, r.partnerId, r.code, String(r.attempts), String(r.replays)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

function config(env: Env): CommonConfig {
  try {
    return loadConfig(commonEnvSchema, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`dlq: environment variable(s) ${err.message.split('\n').slice(1).map((l) => l.trim()).join('; ')}`);
    throw err;
  }
}

export function createDlqCommand(deps: DlqDeps = {}): Command {
  const openStore = deps.store ?? ((c: CommonConfig) => createObjectStore(storeConfigFrom(c)));
  const openBus = deps.bus ?? ((c: CommonConfig) => createBus(c.BROKER_URL, { login: c.BROKER_LOGIN, passcode: c.BROKER_PASSCODE, logger: silentLogger(), journalDir: c.BUS_DIR }));

  async function list(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, FILTER_OPTIONS);
    if (positionals.length > 0) throw new UsageError(`dlq list: unexpected argument '${positionals[0]}'`);
    const filter = filterFrom(values);
    const c = config(deps.env ?? process.env);
    // Listing never publishes (and works while the broker is down): an unconnected in-process bus stands in.
    const admin = createDeadLetterAdmin({ bus: new MemoryBus(), deadLetters: createDeadLetterStore(openStore(c)), clock: () => new Date(), logger: silentLogger() });
    const rows = await admin.list(filter);
    if (values.json === true) await write(io.stdout, `${JSON.stringify(rows, null, 2)}\n`);
    else await write(io.stdout, rows.length === 0 ? 'no dead letters match\n' : `${table(rows)}\n${rows.length} dead letter${rows.length === 1 ? '' : 's'}\n`);
    return 0;
  }

  async function replay(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { ...FILTER_OPTIONS, id: { type: 'string', multiple: true }, all: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`dlq replay: unexpected argument '${positionals[0]}' (message ids go after --id)`);
    const filter = filterFrom(values);
    const ids = values.id as unknown as string[] | undefined;
    if (ids !== undefined) filter.messageIds = ids;
    const selects = ids !== undefined || filter.partnerId !== undefined || filter.subscriptionId !== undefined || filter.code !== undefined;
    if (!selects && values.all !== true) throw new UsageError('dlq replay: say what to replay: --id, --partner, --subscription, --code, or --all');
    if (selects && values.all === true) throw new UsageError('dlq replay: --all cannot be combined with --id, --partner, --subscription or --code');
    const c = config(deps.env ?? process.env);
    if (c.BROKER_URL === 'memory' || c.BROKER_URL === 'memory://') {
      throw new UsageError(
        'dlq replay: BROKER_URL is memory: replay must publish to the bus the notifier consumes; set BROKER_URL to it (embedded with BUS_DIR, stomp://host:port, stomp+ssl://..., failover:(...))',
      );
    }
    const bus = openBus(c);
    try {
      await bus.connect();
    } catch (err) {
      if (err instanceof AppError && err.code === 'BUS_JOURNAL_LOCKED') {
        throw new UsageError(
          `dlq replay: ${err.message}: the pipeline is running; replay through its POST /admin/deadletters/replay (NOTIFIER_REPLAY_TOKEN), or stop it and run this again (the replay is delivered when it starts)`,
        );
      }
      throw err;
    }
    try {
      const admin = createDeadLetterAdmin({ bus, deadLetters: createDeadLetterStore(openStore(c)), clock: () => new Date(), logger: silentLogger() });
      const report = await admin.replay(filter);
      await write(
        io.stdout,
        values.json === true
          ? `${JSON.stringify(report, null, 2)}\n`
          : [
              `replayed ${report.replayed.length}, failed ${report.failed.length}`,
              ...report.replayed.map((r) => `  replayed ${r.messageId} -> ${r.subscriptionId}`),
              ...report.failed.map((f) => `  FAILED   ${f.messageId} -> ${f.subscriptionId}: ${f.code}`),
              '',
            ].join('\n'),
      );
      return report.failed.length > 0 ? 1 : 0;
    } finally {
      await bus.close();
    }
  }

  const subcommands: Record<string, Subcommand> = { list, replay };

  return {
    name: 'dlq',
    summary: "notifier dead letters: list, replay (to the notifier's broker)",
    run: (args, io) => runSubcommand('dlq', HELP, subcommands, args, io),
  };
}

export const dlqCommand: Command = createDlqCommand();
