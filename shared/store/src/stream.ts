import type { Readable } from 'node:stream';
import { StoreNotFoundError } from './errors';
import type { Body, ObjectStore } from './port';

/** Reads a whole stream into memory. For tests and small objects only: production paths stream. */
export async function readAll(stream: Readable | AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks);
}

/** An in-memory body as bytes, or undefined when the body is a stream. */
export function bodyBytes(body: Body): Buffer | undefined {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

/**
 * A small JSON object (a record, a marker), parsed, with its etag; undefined when the key does
 * not exist. The caller vouches for the shape.
 */
export async function readJson<T>(store: ObjectStore, key: string): Promise<{ value: T; etag: string } | undefined> {
  try {
    const { body, info } = await store.get(key);
    return { value: JSON.parse((await readAll(body)).toString('utf8')) as T, etag: info.etag };
  } catch (err) {
    if (err instanceof StoreNotFoundError) return undefined;
    throw err;
  }
}
