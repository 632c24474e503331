import { AppError, UnavailableError } from '@ediflow/errors';
import { HEADER, attemptOf, forwardHeaders, fullJitterMs, planFailure, resolvePolicy, type ReceivedMessage } from '@ediflow/bus';

const message = (attempt: number, headers: Record<string, string> = {}): ReceivedMessage => ({
  destination: 'edi.file.received',
  body: Buffer.from('{}'),
  headers: {
    'message-id': 'ID:1',
    subscription: '1',
    ack: 'ID:2',
    destination: '/queue/edi.file.received',
    persistent: 'true',
    'content-type': 'application/json',
    [HEADER.idempotencyKey]: 'k',
    [HEADER.attempt]: String(attempt),
    ...headers,
  },
  attempt,
  redelivered: false,
});

describe('retry policy', () => {
  it('when no options are given, then the port defaults apply and the dead-letter destination is DLQ.<destination>', () => {
    expect(resolvePolicy('q')).toEqual({ prefetch: 10, maxAttempts: 5, retryBaseDelayMs: 1000, retryMaxDelayMs: 300000, deadLetterDestination: 'DLQ.q' });
  });

  it('when options are out of range, then resolvePolicy refuses them', () => {
    expect(() => resolvePolicy('q', { prefetch: 0 })).toThrow(RangeError);
    expect(() => resolvePolicy('q', { maxAttempts: 0 })).toThrow(RangeError);
    expect(() => resolvePolicy('q', { deadLetterDestination: 'q' })).toThrow(RangeError);
  });

  it('when computing delays, then they double per attempt, are jittered over [0, ceiling) and capped', () => {
    const policy = { retryBaseDelayMs: 100, retryMaxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => fullJitterMs(a, policy.retryBaseDelayMs, policy.retryMaxDelayMs, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect(fullJitterMs(3, policy.retryBaseDelayMs, policy.retryMaxDelayMs, () => 0)).toBe(0);
    expect(fullJitterMs(3, policy.retryBaseDelayMs, policy.retryMaxDelayMs, () => 0.5)).toBe(200);
    // a long outage: the ceiling stays the maximum, never NaN or infinite, whatever the base
    expect(fullJitterMs(5000, 100, 30_000, () => 0.5)).toBe(15_000);
    expect(fullJitterMs(5000, 0, 30_000, () => 0.5)).toBe(0);
  });

  it('when x-attempt is missing or malformed, then the attempt is 1', () => {
    expect(attemptOf({})).toBe(1);
    expect(attemptOf({ [HEADER.attempt]: 'x' })).toBe(1);
    expect(attemptOf({ [HEADER.attempt]: '0' })).toBe(1);
    expect(attemptOf({ [HEADER.attempt]: '4' })).toBe(4);
  });

  it('when forwarding headers, then transport headers are dropped and application headers kept', () => {
    expect(forwardHeaders(message(2, { JMSXGroupID: 'g', scheduledJobId: 'j', redelivered: 'true' }).headers)).toEqual({
      [HEADER.idempotencyKey]: 'k',
      [HEADER.attempt]: '2',
      JMSXGroupID: 'g',
    });
  });

  it('when a retryable error happens before maxAttempts, then the plan re-publishes to the same destination with attempt + 1 and a delay', () => {
    const policy = resolvePolicy('edi.file.received', { maxAttempts: 3, retryBaseDelayMs: 1000 });
    const plan = planFailure(message(2), new UnavailableError('S3_DOWN', 'store unavailable'), policy, () => 0.5);
    expect(plan.kind).toBe('retry');
    expect(plan.destination).toBe('edi.file.received');
    expect(plan.options.headers).toEqual({ [HEADER.idempotencyKey]: 'k', [HEADER.attempt]: '3' });
    expect(plan.options.delayMs).toBe(1000);
    expect(plan.options.contentType).toBe('application/json');
  });

  it('when the last attempt fails, then the plan dead-letters with code, PHI-free reason and original destination', () => {
    const policy = resolvePolicy('edi.file.received', { maxAttempts: 3 });
    // A plain Error's message could hold data from the input: only its class name is used.
    const plan = planFailure(message(3), new TypeError('member 123-45-6789 not found'), policy, () => 0.5);
    expect(plan.kind).toBe('dead-letter');
    expect(plan.destination).toBe('DLQ.edi.file.received');
    expect(plan.options.delayMs).toBeUndefined();
    expect(plan.options.headers).toEqual({
      [HEADER.idempotencyKey]: 'k',
      [HEADER.attempt]: '3',
      [HEADER.deadLetterCode]: 'INTERNAL',
      [HEADER.deadLetterReason]: 'TypeError',
      [HEADER.originalDestination]: 'edi.file.received',
    });
  });

  it('when the error is not retryable, then the first attempt already dead-letters', () => {
    const policy = resolvePolicy('q', { maxAttempts: 5 });
    const plan = planFailure(message(1), new AppError('X12_INVALID', 'bad ISA', { retryable: false }), policy, () => 0.5);
    expect(plan.kind).toBe('dead-letter');
    expect(plan.options.headers?.[HEADER.deadLetterCode]).toBe('X12_INVALID');
  });
});
