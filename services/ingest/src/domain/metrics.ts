/** What ingest counts (the adapter in adapters/metrics.ts keeps them as Prometheus metrics). */
export interface IngestMetrics {
  /** A file's outcome (received, quarantined) and its code (OK or the quarantine reason). */
  file(outcome: string, code: string): void;
  /** Plaintext bytes stored. */
  plaintextBytes(bytes: number): void;
  /** Seconds from the upload landing to FileReceived published. */
  latency(seconds: number): void;
}
