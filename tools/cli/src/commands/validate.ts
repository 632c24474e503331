import { X12FormatError } from '@ediflow/x12';
import type { Command } from '../command';
import { parseCommandArgs, singleInput } from '../command';
import { openInput, write, type CliIo } from '../io';
import { buildReport, notX12Report, reportText, toCliReport, type CliReport } from './report';

const HELP = `Usage: edi validate [--json [--compact]] [--show-values] FILE|-

Checks the file as the translator service does, streaming: envelopes (ISA/IEA, GS/GE, ST/SE:
counts, control numbers, dates, codes), X12 syntax, and each transaction set of a supported
guide against its implementation guide (required and not-used segments and elements, loops,
code lists, lengths, dates, balancing). The same checks make the 999 of edi ack.

Prints one line per issue, in file order, then the verdict:
  error ISA13 000000907 GS06 1 ST02 0021 segment CLM #26 (file segment 28, byte 784) loop 2300
        element CLM06 [IK304 8 IK403 7] GUIDE_ELEMENT: CLM06 in loop 2300: code value not in the guide
  FILE: invalid (1 error, 0 warnings)
#26 is the segment's position in its transaction set (ST = 1), "file segment" its number in the
file (the first ISA = 1), byte its offset; the codes in brackets are what the TA1 (TA105), 999
(IK502, IK304, IK403) and AK9 (AK905) carry for it.

--json      the same as one JSON report:
  {"valid","errorCount","warningCount",
   "interchanges":[{"controlNumber","version","ta1":{"ack","note"},"groups":[{..,"ack","transactions":[..]}]}],
   "issues":[{"severity","level","code","message","offset","interchange","group","transaction",
              "segmentId","segmentNumber","fileSegmentNumber","loopId","elementRef","element",
              "component","repetition", ..ack codes..}]}
--compact   with --json: one-line JSON instead of indented.

Messages never contain element values. --show-values adds the offending element value to element
issues: it may contain PHI (patient data), so do not use it where the output is logged or shared.

Exit status: 0 valid, 1 not valid (or not X12 at all), 2 usage error (bad option, missing file).`;

async function runValidate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, 'show-values': { type: 'boolean' }, compact: { type: 'boolean' } });
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
  if (values.json === true) await write(io.stdout, `${JSON.stringify(report, null, values.compact === true ? undefined : 2)}\n`);
  else await write(io.stdout, reportText(report, input.name));
  return report.valid ? 0 : 1;
}

export const validateCommand: Command = { name: 'validate', summary: 'envelope, syntax and guide checks: one line per issue or --json (exit 0 valid, 1 invalid)', run: runValidate };
