import { fullJitterMs } from './backoff';
/**
 * The connection loop every broker Bus shares: try the endpoints in turn with exponential
 * backoff and full jitter, hold the live session, let callers wait for one with a deadline,
 * and stop on close. What a session is and how it is opened belong to the Bus.
 */
import { UnavailableError } from '@ediflow/errors';
import type { Logger } from '@ediflow/logger';

export interface ReconnectOptions<E, S> {
  endpoints: E[];
  /** Opens a session on one endpoint; rejects when it cannot. */
  open(endpoint: E): Promise<S>;
  /** Ends a session opened after close() began. */
  discard(session: S): void;
  /** Called with the live session before waiters are woken (attach consumers here). */
  onSession(session: S): void;
  /** Failed attempts are logged here, with the endpoint as `label` says and the error as `describe` says. */
  logger: Logger;
  label(endpoint: E): string;
  describe(err: unknown): string;
  /** First backoff ceiling and cap; defaults 500 ms and 30000 ms. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  random: () => number;
}

export class Reconnector<E, S extends { dead: boolean }> {
  private current: S | null = null;
  private connecting = false;
  private stopped = false;
  private failures = 0;
  private index = 0;
  private wake: (() => void) | null = null;
  private readonly waiters = new Set<(session: S | null) => void>();

  constructor(private readonly options: ReconnectOptions<E, S>) {}

  /** The live session, if any. */
  get session(): S | null {
    return this.current !== null && !this.current.dead ? this.current : null;
  }

  get closed(): boolean {
    return this.stopped;
  }

  /** Starts the loop unless it runs; `firstDelayMs` waits before the first attempt (e.g. after a refusal). */
  start(firstDelayMs = 0): void {
    if (this.connecting || this.stopped) return;
    this.connecting = true;
    void this.loop(firstDelayMs);
  }

  /** Forgets a session that ended (the caller restarts the loop when it wants another). */
  lost(session: S): void {
    if (this.current === session) this.current = null;
  }

  /** Starts the loop and waits for a session; rejects (retryable) when none comes in time. */
  async connect(timeoutMs: number): Promise<void> {
    if (this.stopped) throw new UnavailableError('BUS_CLOSED', 'bus is closed');
    this.start();
    const session = await this.waitForSession(Date.now() + timeoutMs);
    if (!session) throw new UnavailableError('BUS_CONNECT_TIMEOUT', 'could not connect to the broker in time');
  }

  /** The live session, or the next one, or null at the deadline or on close. */
  waitForSession(deadline: number): Promise<S | null> {
    if (this.session) return Promise.resolve(this.session);
    if (this.stopped) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (session: S | null): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(session);
      };
      const timer = setTimeout(() => waiter(null), Math.max(0, deadline - Date.now()));
      this.waiters.add(waiter);
    });
  }

  /** Stops the loop, wakes waiters with null, and hands back the session it held (to be closed by the caller). */
  close(): S | null {
    this.stopped = true;
    this.wake?.();
    for (const waiter of [...this.waiters]) waiter(null);
    this.waiters.clear();
    const session = this.current;
    this.current = null;
    return session;
  }

  /** Full jitter over min(cap, initial * 2^(failures-1)). */
  backoffMs(failures: number, capMs = this.options.maxDelayMs ?? 30_000): number {
    return fullJitterMs(Math.max(failures, 1), this.options.initialDelayMs ?? 500, capMs, this.options.random);
  }

  private async loop(firstDelayMs: number): Promise<void> {
    try {
      if (firstDelayMs > 0) await this.pause(firstDelayMs);
      while (!this.stopped) {
        const endpoints = this.options.endpoints;
        const endpoint = endpoints[this.index % endpoints.length];
        try {
          const session = await this.options.open(endpoint);
          if (this.stopped) {
            this.options.discard(session);
            return;
          }
          this.failures = 0;
          this.current = session;
          this.options.onSession(session);
          for (const waiter of [...this.waiters]) waiter(session);
          this.waiters.clear();
          return;
        } catch (err) {
          this.failures += 1;
          this.index = (this.index + 1) % endpoints.length;
          const delay = this.backoffMs(this.failures);
          this.options.logger.warn(
            { broker: this.options.label(endpoint), failures: this.failures, delayMs: delay, err: this.options.describe(err) },
            'broker connection failed; retrying',
          );
          await this.pause(delay);
        }
      }
    } finally {
      this.connecting = false;
    }
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }
}
