import { InvalidInputError } from '@ediflow/errors';
import type { Ta1NoteCode } from './codes';

/** Stable codes of fatal reading errors (the input cannot be read as X12 at all). */
export type X12FatalCode = 'X12_NOT_X12' | 'X12_UTF16' | 'X12_ENCODING' | 'X12_BAD_ISA' | 'X12_TRUNCATED_ISA';

/**
 * The input is not readable X12 (no ISA, an encoding it cannot read (EBCDIC, UTF-32), unreadable ISA).
 * `offset` is the byte offset in the input; `ta1Note` the TA105 code of an ISA that cannot be read
 * (no TA1 can be written for it: its sender and receiver are not known for sure).
 */
export class X12FormatError extends InvalidInputError {
  readonly offset: number;
  readonly ta1Note: Ta1NoteCode | undefined;
  constructor(code: X12FatalCode, message: string, offset: number, ta1Note?: Ta1NoteCode) {
    super(code, `${message} at byte ${offset}`, { details: ta1Note === undefined ? { offset } : { offset, ta1Note } });
    this.offset = offset;
    this.ta1Note = ta1Note;
  }
}
