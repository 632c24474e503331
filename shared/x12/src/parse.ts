import type { Interchange } from './model';
import type { X12Issue } from './issues';
import { X12Reader } from './reader';
import type { ReadOptions, X12Event } from './reader';

export interface ParseResult {
  interchanges: Interchange[];
  /** File-level issues (content outside interchanges, missing final terminator). */
  fileIssues: X12Issue[];
}

function toBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
}

/**
 * Parse a whole buffer synchronously into the lossless model. A string input is taken as latin1 bytes
 * (each char one byte). Throws X12FormatError when the input is not X12.
 */
export function parseX12Document(input: Uint8Array | string, options: Omit<ReadOptions, 'retain'> = {}): ParseResult {
  const reader = new X12Reader({ ...options, retain: true });
  const interchanges: Interchange[] = [];
  const fileIssues: X12Issue[] = [];
  const collect = (events: X12Event[]): void => {
    for (const e of events) {
      if (e.type === 'interchangeStart') interchanges.push(e.interchange);
      else if (e.type === 'issue') fileIssues.push(e.issue);
    }
  };
  collect(reader.push(toBytes(input)));
  collect(reader.end());
  return { interchanges, fileIssues };
}

/** Parse a whole buffer synchronously; returns the interchanges (see parseX12Document for file-level issues). */
export function parseX12(input: Uint8Array | string, options: Omit<ReadOptions, 'retain'> = {}): Interchange[] {
  return parseX12Document(input, options).interchanges;
}

/**
 * Read X12 from a stream of byte chunks (a Node Readable is an AsyncIterable<Buffer>; string chunks are taken as latin1). Yields events as
 * soon as they are complete; a transaction set is yielded when its SE arrives. Groups and transaction
 * sets are not kept in their parents unless `retain` is set, so memory is bounded by the largest
 * transaction set.
 */
export async function* readX12(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options: ReadOptions = {}): AsyncGenerator<X12Event, void, undefined> {
  const reader = new X12Reader(options);
  for await (const chunk of source) {
    const events = reader.push(chunk);
    for (let i = 0; i < events.length; i++) yield events[i];
  }
  const events = reader.end();
  for (let i = 0; i < events.length; i++) yield events[i];
}
