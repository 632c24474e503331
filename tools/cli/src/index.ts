/**
 * @ediflow/cli - the `edi` command-line tool. The binary is bin/edi.js -> dist/main.js; commands are
 * modules in commands/, listed in the registry (commands/index.ts).
 */
export { runCli } from './cli';
export type { Command } from './command';
export { parseCommandArgs, singleInput } from './command';
export { COMMANDS, findCommand, loadCommand } from './commands';
export { UsageError, openInput, write, wantsProgress, ProgressBar, DEFAULT_PROGRESS_THRESHOLD } from './io';
export type { CliIo, Input, OutStream } from './io';
export { toCliReport, buildReport, issueLine, reportText } from './commands/report';
export type { CliIssue, CliReport } from './commands/report';
export { createPartnersCommand, partnersCommand, type PartnersDeps } from './commands/partners';
export { createDlqCommand, dlqCommand, type DlqDeps } from './commands/dlq';
export { createTrackCommand, trackCommand, type TrackDeps } from './commands/track';
