/**
 * Retry decisions for one delivery attempt (pure): which answers are retried, how
 * long to wait (exponential backoff with full jitter, or the endpoint's Retry-After),
 * and when a delivery gives up and becomes a dead letter (attempts or age).
 */
import { fullJitterMs } from '@ediflow/bus';

export interface RetrySettings {
  /** Attempts before dead-lettering (the first try counts). */
  maxAttempts: number;
  /** Oldest a delivery may get (from its first attempt) before it is dead-lettered. */
  maxAgeMs: number;
  /** Backoff before attempt n+1: random() * min(maxDelayMs, baseDelayMs * 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What one attempt gave: an HTTP status (with Retry-After when sent), or a transport failure. */
export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter?: string }
  | { kind: 'error'; code: string }
  | { kind: 'circuit-open'; retryInMs: number };

export type Classification = { retry: true; code: string } | { retry: false; code: string } | { delivered: true };

/** 2xx delivered; 408, 429 and 5xx retried; any other status (3xx, 4xx) is final; transport errors retried. */
export function classify(result: AttemptResult): Classification | { delivered: true } {
  if (result.kind === 'circuit-open') return { retry: true, code: 'CIRCUIT_OPEN' };
  if (result.kind === 'error') return { retry: true, code: result.code };
  const s = result.status;
  if (s >= 200 && s < 300) return { delivered: true };
  if (s === 408 || s === 429 || s >= 500) return { retry: true, code: `HTTP_${s}` };
  return { retry: false, code: `HTTP_${s}` };
}

/**
 * Retry-After as a delay in ms: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unparsable; never negative.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - now.getTime());
}

export type Decision =
  | { action: 'delivered' }
  | { action: 'retry'; delayMs: number; nextAttempt: number; code: string }
  | { action: 'dead-letter'; code: string; reason: string };

export interface DecideInput {
  result: AttemptResult;
  /** The attempt just made (1 for the first). */
  attempt: number;
  firstAttemptAt: Date;
  now: Date;
  settings: RetrySettings;
  random: () => number;
}

/**
 * The next step after an attempt. A skipped attempt (circuit open) does not count
 * against maxAttempts, only against maxAge. Retry-After is honoured on 429 and 503
 * (never earlier than the endpoint asked); if that wait would pass maxAge the
 * delivery is dead-lettered now rather than later.
 */
export function decide(input: DecideInput): Decision {
  const { result, attempt, settings, now } = input;
  const c = classify(result);
  if ('delivered' in c) return { action: 'delivered' };
  if (!c.retry) return { action: 'dead-letter', code: c.code, reason: `endpoint answered ${c.code.replace('HTTP_', 'HTTP ')}, which is not retried` };
  const counted = result.kind !== 'circuit-open';
  const nextAttempt = counted ? attempt + 1 : attempt;
  if (counted && attempt >= settings.maxAttempts) {
    return { action: 'dead-letter', code: c.code, reason: `gave up after ${attempt} attempts; last ${c.code}` };
  }
  let delayMs = fullJitterMs(attempt, settings.baseDelayMs, settings.maxDelayMs, input.random);
  if (result.kind === 'response' && (result.status === 429 || result.status === 503)) {
    const asked = parseRetryAfter(result.retryAfter, now);
    if (asked !== undefined) delayMs = Math.max(delayMs, asked);
  }
  if (result.kind === 'circuit-open') delayMs = Math.max(delayMs, result.retryInMs);
  const age = now.getTime() + delayMs - input.firstAttemptAt.getTime();
  if (age > settings.maxAgeMs) {
    return { action: 'dead-letter', code: c.code, reason: `gave up after ${attempt} attempts: next try would pass the maximum age; last ${c.code}` };
  }
  return { action: 'retry', delayMs, nextAttempt, code: c.code };
}
