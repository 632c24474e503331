import { keyCounters, parsePrometheus } from '../../src/domain/prometheus';

const TEXT = `# HELP notifier_deliveries_total Deliveries finished, by outcome
# TYPE notifier_deliveries_total counter
notifier_deliveries_total{endpoint="claims-api",partner="clinic",outcome="delivered"} 12
notifier_deliveries_total{endpoint="claims-api",partner="clinic",outcome="dead_lettered"} 2
notifier_deliveries_total{endpoint="erp",partner="clinic",outcome="delivered"} 5
ingest_files_total{outcome="received"} 7 1700000000000
process_cpu_user_seconds_total 0.52
nodejs_gc_runs_total{kind="minor"} 30
notifier_delivery_duration_seconds_bucket{le="+Inf",endpoint="erp",outcome="ok"} 5
weird_label_total{note="a \\"quoted\\", comma"} 1
notifier_open_circuits 1
latency_max_seconds +Inf
not a sample line
`;

describe('parsePrometheus', () => {
  it('when /metrics text is read, then each sample line gives its name, labels and value, and comments and junk are skipped', () => {
    const samples = parsePrometheus(TEXT);
    expect(samples).toHaveLength(10);
    expect(samples[0]).toEqual({ name: 'notifier_deliveries_total', labels: { endpoint: 'claims-api', partner: 'clinic', outcome: 'delivered' }, value: 12 });
    expect(samples.find((s) => s.name === 'ingest_files_total')).toEqual({ name: 'ingest_files_total', labels: { outcome: 'received' }, value: 7 });
    expect(samples.find((s) => s.name.endsWith('_bucket'))).toMatchObject({ labels: { le: '+Inf' }, value: 5 });
    expect(samples.find((s) => s.name === 'latency_max_seconds')?.value).toBe(Infinity);
    expect(samples.find((s) => s.name === 'weird_label_total')?.labels).toEqual({ note: 'a "quoted", comma' });
  });
});

describe('keyCounters', () => {
  it('when counters have labels, then each is summed over them, runtime families are left out and gauges are not counters', () => {
    expect(keyCounters(parsePrometheus(TEXT))).toEqual([
      { name: 'ingest_files_total', value: 7 },
      { name: 'notifier_deliveries_total', value: 19 },
      { name: 'weird_label_total', value: 1 },
    ]);
  });
});
