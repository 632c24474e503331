import type { Command } from '../command';

/**
 * The command registry. A command's module loads only when the command runs: partners and dlq
 * pull in @ediflow/ingest (AWS SDK, openpgp, ssh2) and @ediflow/notifier, and loading every
 * module took `edi --help` and each command's start from 0.17 s to 0.8 s.
 *
 * To add a command: write commands/<name>.ts exporting a Command, add its loader to MODULES and
 * an entry to COMMANDS (order = order in `edi --help`) with the module's own summary (a test
 * compares them).
 */
// require, not import(): under module node16 import() stays a real ES import, which jest's
// CommonJS runtime cannot run; require loads the module just as late.
/* eslint-disable @typescript-eslint/no-require-imports -- loaded when the command runs, see above */
const MODULES: Record<string, () => Command> = {
  parse: () => (require('./parse') as typeof import('./parse')).parseCommand,
  validate: () => (require('./validate') as typeof import('./validate')).validateCommand,
  ack: () => (require('./ack') as typeof import('./ack')).ackCommand,
  translate: () => (require('./translate') as typeof import('./translate')).translateCommand,
  generate: () => (require('./translate') as typeof import('./translate')).generateCommand,
  partners: () => (require('./partners') as typeof import('./partners')).partnersCommand,
  dlq: () => (require('./dlq') as typeof import('./dlq')).dlqCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The command `name` from its module (loaded now). */
export function loadCommand(name: string): Command {
  const load = MODULES[name];
  if (load === undefined) throw new Error(`no command module for ${name}`);
  return load();
}

const lazy = (name: string, summary: string): Command => ({ name, summary, run: (args, io) => loadCommand(name).run(args, io) });

export const COMMANDS: readonly Command[] = [
  lazy('parse', 'X12 file -> JSON (--ndjson: one line per transaction set)'),
  lazy('validate', 'envelope + syntax check, JSON report (exit 0 valid, 1 invalid)'),
  lazy('ack', 'print the TA1 / 999 / 997 acknowledgments for a file'),
  lazy('translate', 'X12 file -> semantic JSON per transaction set or claim (NDJSON)'),
  lazy('generate', 'semantic JSON (from translate) -> X12 with envelopes and counts'),
  lazy('partners', 'partner registry: validate, list, onboard <id> (AWS Transfer Family users)'),
  lazy('dlq', "notifier dead letters: list, replay (to the notifier's broker)"),
];

export function findCommand(name: string, commands: readonly Command[] = COMMANDS): Command | undefined {
  return commands.find((c) => c.name === name);
}
