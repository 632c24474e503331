import { AppError, InvalidInputError, UnavailableError, describeError, isRetryable } from '@ediflow/errors';

describe('AppError', () => {
  it('when a subclass is thrown, then its name, code, retryable flag and cause are kept', () => {
    const cause = new Error('socket closed');
    const err = new UnavailableError('BROKER_DOWN', 'broker unavailable', { cause });
    expect(err).toBeInstanceOf(AppError);
    expect(err.name).toBe('UnavailableError');
    expect(err.code).toBe('BROKER_DOWN');
    expect(err.retryable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(isRetryable(err)).toBe(true);
    expect(isRetryable(new InvalidInputError('X12_BAD', 'bad'))).toBe(false);
  });

  it('when a foreign error is described, then only its class and errno code are given (no message text)', () => {
    const foreign = Object.assign(new TypeError('patient JOHN DOE not found'), { code: 'ECONNRESET' });
    expect(describeError(foreign)).toEqual({ code: 'ECONNRESET', message: 'TypeError' });
    expect(JSON.stringify(new InvalidInputError('X', 'segment 4 element 2', { details: { segment: 4 } }))).toBe(
      '{"code":"X","message":"segment 4 element 2","retryable":false,"details":{"segment":4}}',
    );
  });
});
