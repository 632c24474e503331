import { X12FormatError, generateAcks, sequentialControlNumbers } from '@ediflow/x12';
import type { Command } from '../command';
import { parseCommandArgs, singleInput } from '../command';
import { UsageError, openInput, write, type CliIo } from '../io';
import { buildReport } from './report';

const HELP = `Usage: edi ack [--ta1 always|errors|requested] [--control-number N] [--now ISO-DATE] FILE|-

Validates the file (like edi validate) and prints its acknowledgments: a TA1 per interchange, a 999
for 5010 groups, a 997 for 4010 groups, each in its own ISA/GS envelope with sender and receiver
swapped.

--ta1 WHEN          always; errors (only when the interchange has errors); requested (default:
                    errors, or when ISA14 = 1).
--control-number N  first ISA13/GS06/ST02 to use (default 1).
--now ISO-DATE      date and time written in the envelopes (default: now).

Exit status: 0 printed, 1 the input is not X12 (no acknowledgment possible), 2 usage error.`;

const TA1_POLICY = { always: 'always', errors: 'errors', requested: 'errorsOrRequested' } as const;

async function runAck(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ta1: { type: 'string' }, 'control-number': { type: 'string' }, now: { type: 'string' } });
  if (values.help === true) {
    await write(io.stdout, `${HELP}\n`);
    return 0;
  }
  const ta1 = (values.ta1 as string | undefined) ?? 'requested';
  if (!(ta1 in TA1_POLICY)) throw new UsageError(`ack: --ta1 must be always, errors or requested`);
  const start = Number((values['control-number'] as string | undefined) ?? '1');
  if (!Number.isInteger(start) || start < 1 || start > 999_999_999) throw new UsageError('ack: --control-number must be an integer from 1 to 999999999');
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now as string);
    if (Number.isNaN(now.getTime())) throw new UsageError('ack: --now must be an ISO date, e.g. 2024-01-31T12:00:00Z');
  }
  const input = await openInput(singleInput(positionals, 'ack'), io);
  let report;
  try {
    report = await buildReport(input.source);
  } catch (err) {
    if (!(err instanceof X12FormatError)) throw err;
    await write(io.stderr, `edi ack: ${input.name} is not X12 (${err.code}): no acknowledgment can be addressed\n`);
    return 1;
  }
  const clock = (): Date => now ?? io.now?.() ?? new Date();
  const acks = generateAcks(report, { controlNumbers: sequentialControlNumbers(start), clock, ta1: TA1_POLICY[ta1 as keyof typeof TA1_POLICY] });
  await write(io.stdout, (acks.ta1 ?? '') + (acks.ack999 ?? '') + (acks.ack997 ?? ''));
  return 0;
}

export const ackCommand: Command = { name: 'ack', summary: 'print the TA1 / 999 / 997 acknowledgments for a file', run: runAck };
