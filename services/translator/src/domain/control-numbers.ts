import { createHash } from 'node:crypto';
import type { ControlNumberSource } from '@ediflow/x12';

/**
 * Control numbers for the acknowledgments of one file, derived from the file id: a
 * retry of the same file writes byte-identical acknowledgments (idempotent), and the
 * ISA13 of acknowledgments to one partner differ from file to file with high
 * probability. GS06 and ST02 only need to be unique inside their envelope.
 */
export function fileControlNumbers(fileId: string): ControlNumberSource {
  const digest = createHash('sha256').update(`ack:${fileId}`).digest();
  const isa13 = (digest.readUInt32BE(0) % 999_999_999) + 1;
  const next = { interchange: isa13, group: 1, transaction: 1 };
  return {
    next(kind) {
      const n = next[kind];
      next[kind] = kind === 'interchange' ? ((n % 999_999_999) + 1) : n + 1;
      return n;
    },
  };
}
