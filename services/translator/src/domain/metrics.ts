/** What the translator counts (the adapter in adapters/metrics.ts keeps them as Prometheus counters). */
export interface TranslatorMetrics {
  /** A transaction set accepted (published) or rejected by the TA1/999. */
  transaction(set: string, outcome: 'accepted' | 'rejected'): void;
  /** A file's terminal state. */
  file(state: 'translated' | 'rejected'): void;
  /** An interchange whose ISA13 the partner used before for other content, by the action taken. */
  reusedInterchange(action: string): void;
}
