import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';
import { UsageError, write } from './io';

/** One `edi <name>` command. `run` returns the exit status (0 ok, 1 failure/invalid input, 2 usage). */
export interface Command {
  readonly name: string;
  /** One line for `edi --help`. */
  readonly summary: string;
  /** Runs the command; `--help` prints its full help text. */
  run(args: string[], io: CliIo): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with unknown options and missing values turned into UsageError. */
export function parseCommandArgs<O extends Options>(args: string[], options: O): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0].split('. To specify')[0]);
  }
}

/** Exactly one positional FILE (or '-'). */
export function singleInput(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UsageError(`${command}: missing FILE (use - for stdin)`);
  if (positionals.length > 1) throw new UsageError(`${command}: expected one FILE, got ${positionals.length}`);
  return positionals[0];
}

export type Subcommand = (args: string[], io: CliIo) => Promise<number>;

/**
 * `edi <command> <sub> ...`: runs the named subcommand; no subcommand prints the help to stderr
 * (exit 2), --help prints it to stdout (exit 0), an unknown one is a usage error.
 */
export async function runSubcommand(command: string, help: string, subcommands: Record<string, Subcommand>, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    await write(sub === undefined ? io.stderr : io.stdout, `${help}\n`);
    return sub === undefined ? 2 : 0;
  }
  const fn = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (fn === undefined) throw new UsageError(`${command}: unknown subcommand '${sub}' (${Object.keys(subcommands).join(', ')})`);
  return fn(rest, io);
}
