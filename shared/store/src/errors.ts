import { AppError, InvalidInputError, NotFoundError, UnavailableError } from '@ediflow/errors';

/** Stable error codes of the object store. Safe for logs and metric labels. */
export const STORE_NOT_FOUND = 'STORE_NOT_FOUND';
export const STORE_CONFLICT = 'STORE_CONFLICT';
export const STORE_UNAVAILABLE = 'STORE_UNAVAILABLE';
export const STORE_INVALID_KEY = 'STORE_INVALID_KEY';
export const STORE_FAILED = 'STORE_FAILED';

/** The object does not exist. Not retryable. Keys hold no PHI, so the key is in the message. */
export class StoreNotFoundError extends NotFoundError {
  readonly key: string;
  constructor(key: string, options: { cause?: unknown } = {}) {
    super(STORE_NOT_FOUND, `object not found: ${key}`, { ...options, details: { key } });
    this.key = key;
  }
}

/** A create-only put (`ifNoneMatch`) found the key already there. Not retryable: someone else won. */
export class StoreConflictError extends AppError {
  readonly key: string;
  constructor(key: string, options: { cause?: unknown } = {}) {
    super(STORE_CONFLICT, `object already exists: ${key}`, { ...options, retryable: false, details: { key } });
    this.key = key;
  }
}

/** The store could not be reached or answered with a transient failure (network, 5xx, throttling). */
export class StoreUnavailableError extends UnavailableError {
  constructor(operation: string, key: string | undefined, options: { cause?: unknown } = {}) {
    super(STORE_UNAVAILABLE, `object store unavailable during ${operation}${key === undefined ? '' : `: ${key}`}`, {
      ...options,
      details: { operation, key },
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
    super(STORE_FAILED, `object store request failed during ${operation}${key === undefined ? '' : `: ${key}`}`, {
      cause: options.cause,
      retryable: false,
      details: { operation, key, status: options.status, awsCode: options.awsCode },
    });
  }
}
