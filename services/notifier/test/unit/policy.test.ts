import { fullJitterMs } from '@ediflow/bus';
import { classify, decide, parseRetryAfter, type RetrySettings } from '../../src/domain/policy';

const settings: RetrySettings = { maxAttempts: 4, maxAgeMs: 60_000, baseDelayMs: 100, maxDelayMs: 1000 };
const now = new Date('2026-11-23T12:00:00Z');

describe('retry policy', () => {
  it('when statuses are classified, then 2xx delivers, 408/429/5xx retry, other 3xx/4xx are final', () => {
    expect(classify({ kind: 'response', status: 204 })).toEqual({ delivered: true });
    for (const s of [408, 429, 500, 502, 503, 504]) expect(classify({ kind: 'response', status: s })).toEqual({ retry: true, code: `HTTP_${s}` });
    for (const s of [301, 400, 401, 403, 404, 409, 410, 422]) expect(classify({ kind: 'response', status: s })).toEqual({ retry: false, code: `HTTP_${s}` });
    expect(classify({ kind: 'error', code: 'TIMEOUT' })).toEqual({ retry: true, code: 'TIMEOUT' });
  });

  it('when Retry-After is seconds or an HTTP date, then it becomes a delay in ms; garbage is ignored', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('when backoff is computed, then it is full jitter under an exponential ceiling capped at the maximum', () => {
    expect(fullJitterMs(1, settings.baseDelayMs, settings.maxDelayMs, () => 0.999)).toBe(99);
    expect(fullJitterMs(3, settings.baseDelayMs, settings.maxDelayMs, () => 0.5)).toBe(200);
    expect(fullJitterMs(10, settings.baseDelayMs, settings.maxDelayMs, () => 0.5)).toBe(500);
    expect(fullJitterMs(2, settings.baseDelayMs, settings.maxDelayMs, () => 0)).toBe(0);
  });

  it('when an attempt fails with 500 before the last attempt, then the next attempt is scheduled', () => {
    const d = decide({ result: { kind: 'response', status: 500 }, attempt: 2, firstAttemptAt: now, now, settings, random: () => 0.5 });
    expect(d).toEqual({ action: 'retry', delayMs: 100, nextAttempt: 3, code: 'HTTP_500' });
  });

  it('when the last attempt fails, then the delivery is dead-lettered with the last code', () => {
    const d = decide({ result: { kind: 'error', code: 'TIMEOUT' }, attempt: 4, firstAttemptAt: now, now, settings, random: () => 0.5 });
    expect(d).toMatchObject({ action: 'dead-letter', code: 'TIMEOUT' });
  });

  it('when the endpoint answers 400, then the delivery is dead-lettered at once', () => {
    const d = decide({ result: { kind: 'response', status: 400 }, attempt: 1, firstAttemptAt: now, now, settings, random: () => 0.5 });
    expect(d).toMatchObject({ action: 'dead-letter', code: 'HTTP_400' });
  });

  it('when 429 or 503 carry Retry-After, then the delay is at least what the endpoint asked', () => {
    const d429 = decide({ result: { kind: 'response', status: 429, retryAfter: '7' }, attempt: 1, firstAttemptAt: now, now, settings, random: () => 0.5 });
    expect(d429).toMatchObject({ action: 'retry', delayMs: 7000 });
    const d503 = decide({ result: { kind: 'response', status: 503, retryAfter: 'Mon, 23 Nov 2026 12:00:03 GMT' }, attempt: 1, firstAttemptAt: now, now, settings, random: () => 0.5 });
    expect(d503).toMatchObject({ action: 'retry', delayMs: 3000 });
    // Retry-After on a 500 is not a promise the endpoint made: plain backoff.
    const d500 = decide({ result: { kind: 'response', status: 500, retryAfter: '7' }, attempt: 1, firstAttemptAt: now, now, settings, random: () => 0.5 });
    expect(d500).toMatchObject({ action: 'retry', delayMs: 50 });
  });

  it('when the wait would pass the maximum age, then the delivery is dead-lettered now', () => {
    const first = new Date(now.getTime() - 55_000);
    const d = decide({ result: { kind: 'response', status: 429, retryAfter: '10' }, attempt: 1, firstAttemptAt: first, now, settings, random: () => 0.5 });
    expect(d).toMatchObject({ action: 'dead-letter', code: 'HTTP_429' });
  });

  it('when the circuit is open, then the attempt does not count and the wait covers the open time', () => {
    const d = decide({ result: { kind: 'circuit-open', retryInMs: 5000 }, attempt: 4, firstAttemptAt: now, now, settings, random: () => 0.5 });
    expect(d).toEqual({ action: 'retry', delayMs: 5000, nextAttempt: 4, code: 'CIRCUIT_OPEN' });
  });
});
