/**
 * Retry and dead-letter decisions shared by every Bus implementation.
 * A failed handler never NACKs: the message is re-published to its destination with
 * x-attempt + 1 and a delay (exponential backoff, full jitter), or, after maxAttempts
 * or for a non-retryable error, published to the dead-letter destination with a
 * PHI-free reason. Only then is the original acknowledged.
 */
import { fullJitterMs } from './backoff';
import { AppError, describeError, isRetryable } from '@ediflow/errors';
import type { Logger } from '@ediflow/logger';
import { HEADER, type Headers, type MessageHandler, type PublishOptions, type ReceivedMessage, type SubscribeOptions } from './port';

export interface RetryPolicy {
  prefetch: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  deadLetterDestination: string;
}

export const DEFAULT_PREFETCH = 10;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_BASE_DELAY_MS = 1000;
export const DEFAULT_RETRY_MAX_DELAY_MS = 5 * 60_000;

/** Fills in the defaults of SubscribeOptions and checks them. */
export function resolvePolicy(destination: string, options: SubscribeOptions = {}): RetryPolicy {
  const policy: RetryPolicy = {
    prefetch: options.prefetch ?? DEFAULT_PREFETCH,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
    deadLetterDestination: options.deadLetterDestination ?? `DLQ.${destination}`,
  };
  if (!Number.isInteger(policy.prefetch) || policy.prefetch < 1) throw new RangeError('prefetch must be an integer >= 1');
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError('maxAttempts must be an integer >= 1');
  if (!(policy.retryBaseDelayMs >= 0) || !(policy.retryMaxDelayMs >= 0)) throw new RangeError('retry delays must be >= 0');
  if (policy.deadLetterDestination === destination) throw new RangeError('deadLetterDestination must differ from the destination');
  return policy;
}

/** Attempt number from the x-attempt header; 1 when absent or malformed. */
export function attemptOf(headers: Headers): number {
  const n = Number.parseInt(headers[HEADER.attempt] ?? '', 10);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * Headers that belong to the transport or to one delivery and must not be copied
 * when a message is re-published (lower case).
 */
const TRANSPORT_HEADERS = new Set([
  'destination', 'message-id', 'subscription', 'ack', 'receipt', 'redelivered', 'content-length',
  'persistent', 'timestamp', 'expires', 'priority', 'transformation',
  'amq_scheduled_delay', 'amq_scheduled_period', 'amq_scheduled_repeat', 'amq_scheduled_cron', 'scheduledjobid',
  'content-type',
]);

/** The application headers of a received message, fit to be published again. */
export function forwardHeaders(headers: Headers): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

export interface FailurePlan {
  kind: 'retry' | 'dead-letter';
  destination: string;
  options: PublishOptions;
  /** PHI-free summary of the error (code and message from describeError). */
  reason: { code: string; message: string };
}

/** What to publish when the handler failed for `message` (pure). */
export function planFailure(message: ReceivedMessage, err: unknown, policy: RetryPolicy, random: () => number): FailurePlan {
  const reason = describeError(err);
  const base = forwardHeaders(message.headers);
  const common = {
    contentType: message.headers[HEADER.contentType],
    binary: message.binary,
  };
  if (isRetryable(err) && message.attempt < policy.maxAttempts) {
    return {
      kind: 'retry',
      destination: message.destination,
      reason,
      options: {
        ...common,
        headers: { ...base, [HEADER.attempt]: String(message.attempt + 1) },
        delayMs: fullJitterMs(message.attempt, policy.retryBaseDelayMs, policy.retryMaxDelayMs, random),
      },
    };
  }
  return {
    kind: 'dead-letter',
    destination: policy.deadLetterDestination,
    reason,
    options: {
      ...common,
      headers: {
        ...base,
        [HEADER.attempt]: String(message.attempt),
        [HEADER.deadLetterReason]: reason.message,
        [HEADER.deadLetterCode]: reason.code,
        [HEADER.originalDestination]: message.destination,
      },
    },
  };
}

export const BUS_RELEASE = 'BUS_RELEASE';

/**
 * Thrown by a handler to leave its message unacknowledged, with no retry copy and no
 * dead letter: the broker redelivers it after the subscription or connection closes
 * (StompBus), or the queue takes it back (MemoryBus). For a consumer shutting down in
 * the middle of work it cannot finish; never for a message that failed.
 */
export class ReleaseMessageError extends AppError {
  constructor() {
    super(BUS_RELEASE, 'message released for redelivery', { retryable: true });
  }
}

export function isRelease(err: unknown): boolean {
  return err instanceof AppError && err.code === BUS_RELEASE;
}

export type Outcome = 'handled' | 'retried' | 'dead-lettered';

export interface DeliveryDeps {
  publish: (destination: string, body: Buffer, options: PublishOptions) => Promise<void>;
  logger: Logger;
  random: () => number;
}

/**
 * Runs the handler for one message and, when it fails, publishes the retry or the
 * dead letter. Resolves when the original may be acknowledged; rejects when the
 * retry/dead-letter publish failed (then the original must not be acknowledged:
 * it stays with the broker and is redelivered).
 */
export async function deliver(message: ReceivedMessage, handler: MessageHandler, policy: RetryPolicy, deps: DeliveryDeps): Promise<Outcome> {
  try {
    await handler(message);
    return 'handled';
  } catch (err) {
    if (isRelease(err)) throw err;
    const plan = planFailure(message, err, policy, deps.random);
    const log = {
      destination: message.destination,
      attempt: message.attempt,
      idempotencyKey: message.headers[HEADER.idempotencyKey],
      code: plan.reason.code,
    };
    await deps.publish(plan.destination, message.body, plan.options);
    if (plan.kind === 'retry') {
      deps.logger.warn({ ...log, delayMs: plan.options.delayMs }, 'handler failed; message re-published for retry');
      return 'retried';
    }
    deps.logger.error({ ...log, deadLetterDestination: plan.destination }, 'handler failed; message dead-lettered');
    return 'dead-lettered';
  }
}
