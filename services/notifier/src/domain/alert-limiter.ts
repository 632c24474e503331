import type { Alert, AlertSink } from './ports';

/**
 * At most one alert per (kind, endpoint) per window; alerts held back are counted
 * and reported with the next one that goes out. A failing sink never fails a delivery.
 */
export function rateLimitedAlerts(
  sink: AlertSink,
  options: { windowMs: number; clock: () => Date; onError?: (err: unknown) => void },
): AlertSink {
  const last = new Map<string, { sentAt: number; suppressed: number }>();
  return {
    async send(alert: Alert): Promise<void> {
      const key = `${alert.kind}\u001f${alert.subscriptionId}`;
      const now = options.clock().getTime();
      const seen = last.get(key);
      if (seen && now - seen.sentAt < options.windowMs) {
        seen.suppressed += 1;
        return;
      }
      last.set(key, { sentAt: now, suppressed: 0 });
      try {
        await sink.send(seen && seen.suppressed > 0 ? { ...alert, suppressed: seen.suppressed } : alert);
      } catch (err) {
        options.onError?.(err);
      }
    },
  };
}
