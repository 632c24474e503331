import { Counter, Histogram, type Registry } from 'prom-client';
import type { IngestMetrics } from '../domain/metrics';

/** Ingest's metrics in a Prometheus registry (/metrics). */
export function prometheusIngestMetrics(registry: Registry): IngestMetrics {
  const files = new Counter({ name: 'ingest_files_total', help: 'Files ingested by outcome', labelNames: ['outcome', 'code'], registers: [registry] });
  const bytes = new Counter({ name: 'ingest_plaintext_bytes_total', help: 'Plaintext bytes stored', registers: [registry] });
  const latency = new Histogram({
    name: 'ingest_file_latency_seconds',
    help: 'From the upload landing (object lastModified) to FileReceived published',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  return {
    file: (outcome, code) => files.inc({ outcome, code }),
    plaintextBytes: (n) => bytes.inc(n),
    latency: (seconds) => latency.observe(seconds),
  };
}
