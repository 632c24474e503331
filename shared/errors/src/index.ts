/**
 * One error base for the whole platform. Every error a service raises on purpose
 * is an AppError with a stable, documented `code` (safe for logs and metrics),
 * a `retryable` flag that consumers use to choose between retry and dead letter,
 * and an optional `cause`. Messages never carry PHI: they name places (file id,
 * segment number, element position), never element values.
 */
export interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** Extra non-PHI facts (ids, counts, positions) for logs and reports. */
  details?: Record<string, string | number | boolean | undefined>;
}

export class AppError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, string | number | boolean | undefined>;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }

  toJSON(): { code: string; message: string; retryable: boolean; details: AppError['details'] } {
    return { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

/** Configuration is missing or malformed. Never retryable. */
export class ConfigError extends AppError {
  readonly variables: string[];
  constructor(variables: string[], message: string) {
    super('CONFIG_INVALID', message);
    this.variables = variables;
  }
}

/** A dependency (broker, object store, HTTP endpoint) is unavailable for now. */
export class UnavailableError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...options, retryable: true });
  }
}

/** Input data is bad: retrying the same input gives the same answer. */
export class InvalidInputError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** An object or message that should exist does not. */
export class NotFoundError extends AppError {
  constructor(code: string, message: string, options: Omit<AppErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** Whether an unknown thrown value should be retried: AppErrors say so; anything else is treated as transient. */
export function isRetryable(err: unknown): boolean {
  return err instanceof AppError ? err.retryable : true;
}

/** A safe, PHI-free summary of any thrown value for logs: code and message of AppErrors, class name otherwise. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { code: typeof code === 'string' ? code : 'INTERNAL', message: err.name };
  }
  return { code: 'INTERNAL', message: typeof err };
}
