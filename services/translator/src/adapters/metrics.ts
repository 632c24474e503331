import { Counter, type Registry } from 'prom-client';
import type { TranslatorMetrics } from '../domain/metrics';

/** The translator's counters in a Prometheus registry (/metrics). */
export function prometheusTranslatorMetrics(registry: Registry): TranslatorMetrics {
  const transactions = new Counter({ name: 'translator_transactions_total', help: 'Transaction sets by outcome', labelNames: ['set', 'outcome'], registers: [registry] });
  const files = new Counter({ name: 'translator_files_total', help: 'Files by terminal state', labelNames: ['state'], registers: [registry] });
  const reused = new Counter({
    name: 'translator_interchange_control_reused_total',
    help: 'Interchanges whose ISA13 the partner used before for other content, by the action taken',
    labelNames: ['action'],
    registers: [registry],
  });
  return {
    transaction: (set, outcome) => transactions.inc({ set, outcome }),
    file: (state) => files.inc({ state }),
    reusedInterchange: (action) => reused.inc({ action }),
  };
}
