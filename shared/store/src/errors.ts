import { AppError, InvalidInputError, NotFoundError, UnavailableError } from '@ediflow/errors';

/** Stable error codes of the object store. Safe for logs and metric labels. */
export const STORE_NOT_FOUND = 'STORE_NOT_FOUND';
export const STORE_CONFLICT = 'STORE_CONFLICT';
export const STORE_UNAVAILABLE = 'STORE_UNAVAILABLE';
export const STORE_INVALID_KEY = 'STORE_INVALID_KEY';
export const STORE_FAILED = 'STORE_FAILED';

/**
 * A key as it may appear in messages and logs. Internal keys are built from ids and hold
 * no PHI, but an upload's key under inbound/<partnerId>/ ends in the partner's own file
 * name, which can: that part is left out.
 */
export function loggableKey(key: string): string {
  const m = /^(inbound\/[^/]+\/)./.exec(key);
  return m ? `${m[1]}[name]` : key;
}

/** The object does not exist. Not retryable. The message carries the key, less any partner file name. */
export class StoreNotFoundError extends NotFoundError {
  readonly key: string;
  constructor(key: string, options: { cause?: unknown } = {}) {
    super(STORE_NOT_FOUND, `object not found: ${loggableKey(key)}`, { ...options, details: { key: loggableKey(key) } });
    this.key = key;
  }
}

/** A create-only put (`ifNoneMatch`) found the key already there. Not retryable: someone else won. */
export class StoreConflictError extends AppError {
  readonly key: string;
  constructor(key: string, options: { cause?: unknown } = {}) {
    super(STORE_CONFLICT, `object already exists: ${loggableKey(key)}`, { ...options, retryable: false, details: { key: loggableKey(key) } });
    this.key = key;
  }
}

/** The store could not be reached or answered with a transient failure (network, 5xx, throttling). */
export class StoreUnavailableError extends UnavailableError {
  constructor(operation: string, key: string | undefined, options: { cause?: unknown } = {}) {
    const shown = key === undefined ? undefined : loggableKey(key);
    super(STORE_UNAVAILABLE, `object store unavailable during ${operation}${shown === undefined ? '' : `: ${shown}`}`, {
      ...options,
      details: { operation, key: shown },
    });
  }
}

/** The key (or list prefix) breaks the key rules (see `validateKey`). */
export class StoreInvalidKeyError extends InvalidInputError {
  constructor(reason: string) {
    super(STORE_INVALID_KEY, `invalid object key: ${reason}`);
  }
}

/** A non-transient failure the store reported (access denied, bad request, ...). Not retryable. */
export class StoreFailedError extends AppError {
  constructor(operation: string, key: string | undefined, options: { cause?: unknown; status?: number; awsCode?: string } = {}) {
    const shown = key === undefined ? undefined : loggableKey(key);
    super(STORE_FAILED, `object store request failed during ${operation}${shown === undefined ? '' : `: ${shown}`}`, {
      cause: options.cause,
      retryable: false,
      details: { operation, key: shown, status: options.status, awsCode: options.awsCode },
    });
  }
}
