import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface BridgeMetrics {
  forwarded(route: string, lagSeconds: number | undefined): void;
  redelivered(route: string): void;
  deadLettered(route: string, code: string): void;
  sendFailed(route: string, code: string): void;
  inFlight(route: string, delta: number): void;
}

/**
 * Per-route metrics (labels are route names, endpoint names and error codes: no PHI).
 * Messages per second = rate(ediflow_bridge_messages_total[1m]).
 */
export function createBridgeMetrics(registry: Registry, connected: () => Record<string, boolean>): BridgeMetrics {
  const messages = new Counter({
    name: 'ediflow_bridge_messages_total',
    help: 'Messages bridged (target receipt received, source acknowledged) per route',
    labelNames: ['route'],
    registers: [registry],
  });
  const redeliveries = new Counter({
    name: 'ediflow_bridge_redeliveries_total',
    help: 'Source messages the broker marked as redelivered, per route',
    labelNames: ['route'],
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'ediflow_bridge_dead_letters_total',
    help: 'Messages sent to the bridge dead-letter destination, per route and reason code',
    labelNames: ['route', 'code'],
    registers: [registry],
  });
  const sendFailures = new Counter({
    name: 'ediflow_bridge_send_failures_total',
    help: 'Failed sends to the target (retried), per route and error code',
    labelNames: ['route', 'code'],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'ediflow_bridge_lag_seconds',
    help: 'Source timestamp to target receipt of the last bridged message, per route',
    labelNames: ['route'],
    registers: [registry],
  });
  const lagHistogram = new Histogram({
    name: 'ediflow_bridge_lag_distribution_seconds',
    help: 'Source timestamp to target receipt, per route',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'ediflow_bridge_in_flight',
    help: 'Source messages received and not yet acknowledged, per route',
    labelNames: ['route'],
    registers: [registry],
  });
  new Gauge({
    name: 'ediflow_bridge_endpoint_connected',
    help: '1 while the bridge holds a session with the endpoint',
    labelNames: ['endpoint'],
    registers: [registry],
    collect() {
      for (const [endpoint, up] of Object.entries(connected())) this.set({ endpoint }, up ? 1 : 0);
    },
  });
  return {
    forwarded(route, lagSeconds) {
      messages.inc({ route });
      if (lagSeconds !== undefined && lagSeconds >= 0) {
        lag.set({ route }, lagSeconds);
        lagHistogram.observe({ route }, lagSeconds);
      }
    },
    redelivered: (route) => redeliveries.inc({ route }),
    deadLettered: (route, code) => deadLetters.inc({ route, code }),
    sendFailed: (route, code) => sendFailures.inc({ route, code }),
    inFlight: (route, delta) => inFlight.inc({ route }, delta),
  };
}
