/**
 * A circuit breaker per endpoint (pure, clock injected). Closed: requests flow and
 * consecutive failures are counted. After `failureThreshold` failures it opens for
 * `openMs`: attempts are skipped (and re-scheduled) without touching the endpoint.
 * Then half-open: one probe goes through; success closes, failure opens again.
 */
export interface CircuitSettings {
  failureThreshold: number;
  openMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export type Admission = { allowed: true } | { allowed: false; retryInMs: number };

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly settings: CircuitSettings,
    private readonly clock: () => Date,
  ) {}

  state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.clock().getTime() - this.openedAt >= this.settings.openMs ? 'half-open' : 'open';
  }

  /** May an attempt go to the endpoint now? In half-open state only one probe at a time. */
  admit(): Admission {
    const state = this.state();
    if (state === 'closed') return { allowed: true };
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return { allowed: true };
    }
    const elapsed = this.clock().getTime() - (this.openedAt ?? 0);
    return { allowed: false, retryInMs: Math.max(1, this.settings.openMs - elapsed) };
  }

  /** Records a success; returns true when this closed an open circuit. */
  success(): boolean {
    const wasOpen = this.openedAt !== undefined;
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
    return wasOpen;
  }

  /** Records a failure that says the endpoint is unwell; returns true when this opened the circuit. */
  failure(): boolean {
    this.failures += 1;
    if (this.openedAt !== undefined) {
      // A failed probe (or a late failure of a request admitted before opening): open again.
      if (this.probing || this.state() === 'half-open') this.openedAt = this.clock().getTime();
      this.probing = false;
      return false;
    }
    if (this.failures >= this.settings.failureThreshold) {
      this.openedAt = this.clock().getTime();
      return true;
    }
    return false;
  }

  /** Releases a probe slot whose attempt ended without saying anything about health (e.g. 4xx). */
  neutral(): void {
    this.probing = false;
  }
}
