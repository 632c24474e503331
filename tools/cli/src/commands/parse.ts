import { readX12, transactionToJsonBytes, type Segment } from '@ediflow/x12';
import type { Command } from '../command';
import { parseCommandArgs, singleInput } from '../command';
import { openInput, write, type CliIo } from '../io';

const HELP = `Usage: edi parse [--ndjson] FILE|-

Reads an X12 file (or stdin with -) and prints it as JSON, streaming (memory bounded by the
largest transaction set).

Default output, one JSON document:
  {"interchanges":[{"header":{..},"delimiters":{..},"isa":[..],
    "groups":[{"gs":[..],"transactions":[<set>, ..],"ge":[..]}, ..],"iea":[..]}]}
  <set> = {"setId","controlNumber","implementationRef","delimiters","segments":[["ST","837","0001"],..]}
  Every segment is an array of its raw element texts (elements[0] is the segment id; components and
  repetitions stay inside the element text with the interchange's delimiters), so all element data is
  kept. Segments outside a transaction set appear in order as {"segment":[..]} inside "groups" or
  "transactions". Line breaks between segments are not kept.

--ndjson   one line per transaction set: <set> with "interchange" (ISA13) and "group" (GS06) added.

Exit status: 0 done, 1 the input is not X12, 2 usage error (bad option, missing file).`;

const seg = (s: Segment): string => JSON.stringify(s.elements);

/** Prepends fields to a transaction JSON object ("{..." -> "{"a":..,...). */
function withContext(json: Buffer, fields: string): Buffer {
  return Buffer.concat([Buffer.from(`{${fields},`, 'latin1'), json.subarray(1), Buffer.from('\n')]);
}

async function runParse(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ndjson: { type: 'boolean' } });
  if (values.help === true) {
    await write(io.stdout, `${HELP}\n`);
    return 0;
  }
  const input = await openInput(singleInput(positionals, 'parse'), io);
  const out = io.stdout;
  if (values.ndjson === true) {
    for await (const e of readX12(input.source)) {
      if (e.type !== 'transaction') continue;
      const ctx = `"interchange":${JSON.stringify(e.interchange.header.controlNumber)},"group":${JSON.stringify(e.group.controlNumber)}`;
      await write(out, withContext(transactionToJsonBytes(e.transaction), ctx));
    }
    return 0;
  }
  // one document, written as events arrive; `first` tracks the comma of each open array
  const first: boolean[] = [];
  const item = async (text: string | Buffer): Promise<void> => {
    if (!first[first.length - 1]) await write(out, ',');
    first[first.length - 1] = false;
    await write(out, text);
  };
  first.push(true);
  // the opening is written with the first event, so that input that is not X12 prints nothing on stdout
  let opened = false;
  for await (const e of readX12(input.source)) {
    if (!opened) {
      await write(out, '{"interchanges":[');
      opened = true;
    }
    switch (e.type) {
      case 'interchangeStart': {
        const ic = e.interchange;
        await item(`{"header":${JSON.stringify(ic.header)},"delimiters":${JSON.stringify(ic.delimiters)},"isa":${seg(ic.isa)},"groups":[`);
        first.push(true);
        break;
      }
      case 'groupStart':
        await item(`{"gs":${seg(e.group.gs)},"transactions":[`);
        first.push(true);
        break;
      case 'transaction':
        await item(transactionToJsonBytes(e.transaction));
        break;
      case 'segment':
        await item(`{"segment":${seg(e.segment)}}`);
        break;
      case 'groupEnd':
        first.pop();
        await write(out, `]${e.group.ge !== undefined ? `,"ge":${seg(e.group.ge)}` : ''}}`);
        break;
      case 'interchangeEnd':
        first.pop();
        await write(out, `]${e.interchange.iea !== undefined ? `,"iea":${seg(e.interchange.iea)}` : ''}}`);
        break;
      default:
    }
  }
  await write(out, opened ? ']}\n' : '{"interchanges":[]}\n');
  return 0;
}

export const parseCommand: Command = { name: 'parse', summary: 'X12 file -> JSON (--ndjson: one line per transaction set)', run: runParse };
