import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';
import { UsageError } from './io';

/** One `edi <name>` command. `run` returns the exit status (0 ok, 1 failure/invalid input, 2 usage). */
export interface Command {
  readonly name: string;
  /** One line for `edi --help`. */
  readonly summary: string;
  /** Full help text for `edi <name> --help`. */
  readonly help: string;
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
