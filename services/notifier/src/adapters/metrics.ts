import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Notifier metrics. Labels: endpoint (subscription id), partner, outcome — never PHI. */
export interface NotifierMetrics {
  attempts: Counter<'endpoint' | 'partner' | 'outcome'>;
  deliveries: Counter<'endpoint' | 'partner' | 'outcome'>;
  duration: Histogram<'endpoint' | 'outcome'>;
  circuitOpen: Gauge<'endpoint'>;
  openCircuits: Gauge;
  deadLetters: Counter<'endpoint' | 'partner'>;
}

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Registers (or reuses, when a second notifier shares the registry) the notifier metrics. */
export function createMetrics(registry: Registry): NotifierMetrics {
  const registers = [registry];
  return {
    attempts: reuse(registry, 'notifier_delivery_attempts_total', () =>
      new Counter({ name: 'notifier_delivery_attempts_total', help: 'HTTP attempts by outcome (success, retryable, permanent, circuit_open)', labelNames: ['endpoint', 'partner', 'outcome'], registers })),
    deliveries: reuse(registry, 'notifier_deliveries_total', () =>
      new Counter({ name: 'notifier_deliveries_total', help: 'Deliveries finished, by outcome (delivered, dead_lettered)', labelNames: ['endpoint', 'partner', 'outcome'], registers })),
    duration: reuse(registry, 'notifier_delivery_duration_seconds', () =>
      new Histogram({ name: 'notifier_delivery_duration_seconds', help: 'Duration of one HTTP attempt', labelNames: ['endpoint', 'outcome'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers })),
    circuitOpen: reuse(registry, 'notifier_circuit_open', () =>
      new Gauge({ name: 'notifier_circuit_open', help: '1 while the endpoint circuit is open', labelNames: ['endpoint'], registers })),
    openCircuits: reuse(registry, 'notifier_open_circuits', () =>
      new Gauge({ name: 'notifier_open_circuits', help: 'Endpoints whose circuit is open', registers })),
    deadLetters: reuse(registry, 'notifier_dead_letters_total', () =>
      new Counter({ name: 'notifier_dead_letters_total', help: 'Deliveries dead-lettered', labelNames: ['endpoint', 'partner'], registers })),
  };
}
