import { CircuitBreaker } from '../../src/domain/circuit';

describe('circuit breaker', () => {
  let t = 0;
  const clock = () => new Date(t);
  beforeEach(() => {
    t = 1_000_000;
  });

  it('when failures reach the threshold, then it opens and refuses attempts until the open time passes', () => {
    const c = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 }, clock);
    expect(c.failure()).toBe(false);
    expect(c.failure()).toBe(false);
    expect(c.failure()).toBe(true);
    expect(c.state()).toBe('open');
    t += 400;
    expect(c.admit()).toEqual({ allowed: false, retryInMs: 600 });
  });

  it('when a success comes between failures, then the count starts again', () => {
    const c = new CircuitBreaker({ failureThreshold: 2, openMs: 1000 }, clock);
    c.failure();
    expect(c.success()).toBe(false);
    expect(c.failure()).toBe(false);
    expect(c.state()).toBe('closed');
  });

  it('when half-open, then one probe is admitted; its success closes the circuit', () => {
    const c = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 }, clock);
    c.failure();
    t += 1000;
    expect(c.state()).toBe('half-open');
    expect(c.admit()).toEqual({ allowed: true });
    expect(c.admit().allowed).toBe(false);
    expect(c.success()).toBe(true);
    expect(c.state()).toBe('closed');
    expect(c.admit()).toEqual({ allowed: true });
  });

  it('when the half-open probe fails, then the circuit opens for another full period', () => {
    const c = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 }, clock);
    c.failure();
    t += 1500;
    expect(c.admit().allowed).toBe(true);
    c.failure();
    expect(c.state()).toBe('open');
    t += 999;
    expect(c.admit().allowed).toBe(false);
    t += 1;
    expect(c.admit().allowed).toBe(true);
  });
});
