/**
 * Exponential backoff with full jitter: a delay uniform in [0, min(maxMs, baseMs * 2^(attempt-1)))
 * before the next try, for the `attempt`th attempt or failure (1-based); `random` gives [0, 1).
 * The one backoff of the bus (retries, reconnects), the bridge (re-sends) and the notifier
 * (callbacks). The exponent stops at 30, so a long outage never makes the ceiling NaN or infinite.
 */
export function fullJitterMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.floor(random() * ceiling);
}
