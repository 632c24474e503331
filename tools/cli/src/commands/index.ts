import type { Command } from '../command';
import { ackCommand } from './ack';
import { dlqCommand } from './dlq';
import { parseCommand } from './parse';
import { partnersCommand } from './partners';
import { validateCommand } from './validate';
import { generateCommand, translateCommand } from './translate';

/**
 * The command registry. To add a command: write commands/<name>.ts exporting a Command and
 * list it here (order = order in `edi --help`).
 */
export const COMMANDS: readonly Command[] = [parseCommand, validateCommand, ackCommand, translateCommand, generateCommand, partnersCommand, dlqCommand];

export function findCommand(name: string, commands: readonly Command[] = COMMANDS): Command | undefined {
  return commands.find((c) => c.name === name);
}
