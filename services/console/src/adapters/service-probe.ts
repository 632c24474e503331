/** A service's /healthz, /readyz and /metrics, read for the Services page. */
import { keyCounters, parsePrometheus } from '../domain/prometheus';

export interface ServiceTarget {
  name: string;
  /** Base URL of the service's health port, e.g. http://ingest.internal:8080 */
  url: string;
}

export interface ServiceStatus {
  name: string;
  url: string;
  healthy: boolean;
  ready: boolean;
  /** Readiness checks by name, as /readyz lists them. */
  checks: Record<string, boolean>;
  version: string | null;
  counters: { name: string; value: number }[];
  error?: string;
}

async function getText(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

export async function probeService(target: ServiceTarget, timeoutMs = 3000): Promise<ServiceStatus> {
  const base = target.url.replace(/\/+$/, '');
  const status: ServiceStatus = { name: target.name, url: target.url, healthy: false, ready: false, checks: {}, version: null, counters: [] };
  try {
    const [health, ready, metrics] = await Promise.all([getText(`${base}/healthz`, timeoutMs), getText(`${base}/readyz`, timeoutMs), getText(`${base}/metrics`, timeoutMs)]);
    status.healthy = health.status === 200;
    const h = JSON.parse(health.text) as { version?: unknown };
    status.version = typeof h.version === 'string' ? h.version : null;
    status.ready = ready.status === 200;
    const r = JSON.parse(ready.text) as { checks?: Record<string, boolean> };
    status.checks = r.checks ?? {};
    if (metrics.status === 200) status.counters = keyCounters(parsePrometheus(metrics.text));
  } catch (err) {
    status.error = err instanceof Error ? err.name === 'TimeoutError' ? 'timed out' : err.message.slice(0, 200) : 'unreachable';
  }
  return status;
}
