import { Readable, Writable } from 'node:stream';
import type { CliIo } from '@ediflow/cli';

export const ISA = 'ISA*00*          *00*          *ZZ*TESTSENDER     *ZZ*TESTRECEIVER   *240101*1200*^*00501*000000001*1*T*:~';

/** A small interchange: one group with the given transaction sets (ST..SE text without the envelope). */
export function interchange(sets: string[], opts: { ge01?: number } = {}): string {
  return `${ISA}\nGS*HC*SENDERCODE*RECEIVERCODE*20240101*1200*1*X*005010X222A1~\n${sets.join('')}GE*${opts.ge01 ?? sets.length}*1~\nIEA*1*000000001~\n`;
}

/** A transaction set with `n` BHT-like body segments; `se01` overrides the count. */
export function set(control: string, opts: { se01?: number; body?: string[] } = {}): string {
  const body = opts.body ?? ['BHT*0019*00*REF1*20240101*1200*CH', 'NM1*41*2*TEST SUBMITTER*****46*SUB01'];
  return [`ST*837*${control}*005010X222A1`, ...body, `SE*${opts.se01 ?? body.length + 2}*${control}`].map((s) => `${s}~\n`).join('');
}

export interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

/** CliIo with collecting stdout/stderr and the given stdin text. */
export function capture(options: { stdin?: string; tty?: boolean; threshold?: number; now?: () => Date } = {}): Captured {
  const outParts: Buffer[] = [];
  const errParts: Buffer[] = [];
  const sink = (parts: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        parts.push(Buffer.from(chunk));
        cb();
      },
    });
  const stderr = sink(errParts) as Writable & { isTTY?: boolean; columns?: number };
  if (options.tty === true) {
    stderr.isTTY = true;
    stderr.columns = 80;
  }
  const io: CliIo = {
    stdout: sink(outParts),
    stderr,
    stdin: Readable.from(options.stdin !== undefined ? [Buffer.from(options.stdin, 'latin1')] : []),
    progressThresholdBytes: options.threshold,
    now: options.now,
  };
  return { io, out: () => Buffer.concat(outParts).toString('utf8'), err: () => Buffer.concat(errParts).toString('utf8') };
}
