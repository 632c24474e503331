import { describeError } from '@ediflow/errors';
import type { Command } from './command';
import { COMMANDS, findCommand } from './commands';
import { UsageError, write, type CliIo } from './io';

function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: edi <command> [options] FILE|-',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'FILE is a path, or - for stdin (parse, validate, ack). `edi <command> --help` describes a command.',
    'partners, routes and dlq have subcommands: `edi partners --help`, `edi routes --help`, `edi dlq --help`.',
    'Exit status: 0 ok, 1 invalid or unreadable input, 2 usage error.',
    'Inputs over 50 MB show a progress bar on stderr when it is a terminal.',
    '',
  ].join('\n');
}

/** Runs `edi <args>` and returns the exit status; never throws (unexpected errors -> status 1, message on stderr). */
export async function runCli(args: string[], io: CliIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      await write(name === undefined ? io.stderr : io.stdout, mainHelp(commands));
      return name === undefined ? 2 : 0;
    }
    const command = findCommand(name, commands);
    if (command === undefined) throw new UsageError(`unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')})`);
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      await write(io.stderr, `edi: ${err.message}\nRun 'edi ${name !== undefined && findCommand(name, commands) !== undefined ? `${name} ` : ''}--help' for usage.\n`);
      return 2;
    }
    const { code, message } = describeError(err);
    await write(io.stderr, `edi: ${code}: ${message}\n`);
    return 1;
  }
}
