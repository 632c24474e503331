import { StoreInvalidKeyError } from './errors';

/** S3's limit on key length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * The key rules shared by every ObjectStore implementation, so a key that works
 * with the embedded store works on S3 and the other way round: a non-empty
 * `/`-separated path of at most 1024 UTF-8 bytes, with no empty, `.` or `..`
 * segment (so no leading or trailing `/`, no `//`), no backslash and no control
 * characters. Throws StoreInvalidKeyError (code STORE_INVALID_KEY).
 */
export function validateKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new StoreInvalidKeyError('empty');
  checkPath(key);
  for (const segment of key.split('/')) {
    if (segment.length === 0) throw new StoreInvalidKeyError('empty segment (leading, trailing or double slash)');
  }
}

/**
 * A list prefix is either empty or a key prefix: the same rules as a key, except
 * that it may end with `/` and its last segment may be partial.
 */
export function validatePrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new StoreInvalidKeyError('prefix is not a string');
  if (prefix.length === 0) return;
  checkPath(prefix);
  const segments = prefix.split('/');
  const last = segments.length - 1;
  segments.forEach((segment, i) => {
    if (segment.length === 0 && i !== last) {
      throw new StoreInvalidKeyError('empty segment (leading or double slash) in prefix');
    }
  });
}

function checkPath(path: string): void {
  if (Buffer.byteLength(path, 'utf8') > MAX_KEY_BYTES) throw new StoreInvalidKeyError(`longer than ${MAX_KEY_BYTES} bytes`);
  if (path.startsWith('/')) throw new StoreInvalidKeyError('absolute path');
  if (path.includes('\\')) throw new StoreInvalidKeyError('backslash');
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new StoreInvalidKeyError('control character');
  for (const segment of path.split('/')) {
    if (segment === '.' || segment === '..') throw new StoreInvalidKeyError('relative segment');
  }
}

/** Orders keys as S3 lists them: by the bytes of their UTF-8 encoding. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
