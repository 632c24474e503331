import type { Command } from '../command';

/**
 * The command registry. A command's module loads only when the command runs: partners and dlq
 * pull in @ediflow/ingest (AWS SDK, openpgp, ssh2) and @ediflow/notifier, whose loading would
 * slow every command's start several times over (tools/cli/README.md).
 *
 * To add a command: write commands/<name>.ts exporting a Command and add a row here (order =
 * order in `edi --help`) with the module's own summary (a test compares them).
 *
 * require, not import(): under module node16 import() stays a real ES import, which jest's
 * CommonJS runtime cannot run; require loads the module just as late.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded when the command runs, see above */
const REGISTRY: ReadonlyArray<{ name: string; summary: string; load: () => Command }> = [
  { name: 'parse', summary: 'X12 file -> JSON (--ndjson: one line per transaction set)', load: () => (require('./parse') as typeof import('./parse')).parseCommand },
  { name: 'validate', summary: 'envelope, syntax and guide checks: one line per issue or --json (exit 0 valid, 1 invalid)', load: () => (require('./validate') as typeof import('./validate')).validateCommand },
  { name: 'ack', summary: 'print the TA1 / 999 / 997 acknowledgments for a file', load: () => (require('./ack') as typeof import('./ack')).ackCommand },
  { name: 'translate', summary: 'X12 file -> semantic JSON per transaction set or claim (NDJSON)', load: () => (require('./translate') as typeof import('./translate')).translateCommand },
  { name: 'generate', summary: 'documents of translate (semantic or generic) -> X12, envelopes as carried, counts', load: () => (require('./translate') as typeof import('./translate')).generateCommand },
  { name: 'partners', summary: 'partner registry: validate, list, onboard <id> (AWS Transfer Family users)', load: () => (require('./partners') as typeof import('./partners')).partnersCommand },
  { name: 'routes', summary: 'bridge routes file: validate [FILE], schema', load: () => (require('./routes') as typeof import('./routes')).routesCommand },
  { name: 'track', summary: 'tracking: file <id>, files, claim <id>, search (over the tracking API)', load: () => (require('./track') as typeof import('./track')).trackCommand },
  { name: 'dlq', summary: "notifier dead letters: list, replay (to the notifier's broker)", load: () => (require('./dlq') as typeof import('./dlq')).dlqCommand },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The command `name` from its module (loaded now). */
export function loadCommand(name: string): Command {
  const entry = REGISTRY.find((e) => e.name === name);
  if (entry === undefined) throw new Error(`no command module for ${name}`);
  return entry.load();
}

export const COMMANDS: readonly Command[] = REGISTRY.map(({ name, summary, load }) => ({ name, summary, run: (args, io) => load().run(args, io) }));

export function findCommand(name: string, commands: readonly Command[] = COMMANDS): Command | undefined {
  return commands.find((c) => c.name === name);
}
