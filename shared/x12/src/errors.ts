import { InvalidInputError } from '@ediflow/errors';

/** Stable codes of fatal reading errors (the input cannot be read as X12 at all). */
export type X12FatalCode = 'X12_NOT_X12' | 'X12_UTF16' | 'X12_ENCODING' | 'X12_BAD_ISA' | 'X12_TRUNCATED_ISA';

/** The input is not readable X12 (no ISA, an encoding it cannot read (EBCDIC, UTF-32), unreadable ISA). `offset` is the byte offset in the input. */
export class X12FormatError extends InvalidInputError {
  readonly offset: number;
  constructor(code: X12FatalCode, message: string, offset: number) {
    super(code, `${message} at byte ${offset}`, { details: { offset } });
    this.offset = offset;
  }
}
