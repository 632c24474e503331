import { InvalidInputError } from '@ediflow/errors';

/**
 * The bytes of a message body. A text body (binary false) travels without a
 * content-length on STOMP, so the frame ends at the first NUL: refuse it everywhere
 * so every Bus behaves the same.
 */
export function bodyBuffer(body: string | Buffer, binary: boolean): Buffer {
  const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  if (!binary && buffer.includes(0)) {
    throw new InvalidInputError('BUS_TEXT_HAS_NUL', 'a text message body cannot contain a NUL byte; publish it with binary: true');
  }
  return buffer;
}
