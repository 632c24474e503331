import { X12FormatError } from '@ediflow/x12';
import type { Command } from '../command';
import { parseCommandArgs, singleInput } from '../command';
import { openInput, write, type CliIo } from '../io';
import { buildReport, notX12Report, toCliReport, type CliReport } from './report';

const HELP = `Usage: edi validate [--show-values] [--compact] FILE|-

Checks envelopes (ISA/IEA, GS/GE, ST/SE: counts, control numbers, dates, codes) and the element
syntax of 997/999 segments, streaming. Prints a JSON report on stdout:
  {"valid","errorCount","warningCount",
   "interchanges":[{"controlNumber","version","ta1":{"ack","note"},"groups":[{..,"ack","transactions":[..]}]}],
   "issues":[{"severity","level","code","message","offset","interchange","group","transaction",
              "segmentId","segmentNumber","element","component","repetition", ..ack codes..}]}
  segmentNumber is the X12 segment position in the transaction set (ST = 1; 0 for envelope
  segments), offset the byte offset in the file.

Messages never contain element values. --show-values adds the offending element value ("value")
to element issues: it may contain PHI (patient data), so do not use it where the output is logged
or shared.

--compact   one-line JSON instead of indented.

Exit status: 0 valid, 1 not valid (or not X12 at all), 2 usage error (bad option, missing file).`;

async function runValidate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'show-values': { type: 'boolean' }, compact: { type: 'boolean' } });
  if (values.help === true) {
    await write(io.stdout, `${HELP}\n`);
    return 0;
  }
  const input = await openInput(singleInput(positionals, 'validate'), io);
  let report: CliReport;
  try {
    report = toCliReport(await buildReport(input.source), values['show-values'] === true);
  } catch (err) {
    if (!(err instanceof X12FormatError)) throw err;
    report = notX12Report(err);
  }
  await write(io.stdout, `${JSON.stringify(report, null, values.compact === true ? undefined : 2)}\n`);
  return report.valid ? 0 : 1;
}

export const validateCommand: Command = { name: 'validate', summary: 'envelope + syntax check, JSON report (exit 0 valid, 1 invalid)', run: runValidate };
