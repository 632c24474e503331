/**
 * The Grafana dashboard over the services' /metrics: every series it queries is one the code
 * registers (a service's own metric, or prom-client's default process metrics), so a renamed
 * metric breaks this test instead of an operator's panel.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const dashboard = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'grafana', 'ediflow-dashboard.json'), 'utf8')) as {
  title: string;
  templating: { list: { name: string }[] };
  panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'dist' || name === 'node_modules' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Metric names the services register (`name: '...'` of a prom-client metric). */
function registeredNames(): Set<string> {
  const names = new Set<string>();
  for (const group of ['services', 'shared']) {
    for (const file of sources(path.join(REPO, group)).filter((f) => f.includes(`${path.sep}src${path.sep}`))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new (?:Counter|Gauge|Histogram|Summary)\(\{[^}]*?name:\s*'([a-z_][a-z0-9_]*)'/gs)) names.add(m[1]);
      for (const m of readFileSync(file, 'utf8').matchAll(/\bname:\s*'((?:ediflow_|ingest_|translator_|notifier_)[a-z0-9_]*)'/g)) names.add(m[1]);
    }
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const metric of registry.getMetricsAsArray()) names.add(metric.name);
  return names;
}

describe('Grafana dashboard', () => {
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

  it('when loaded, then every panel queries Prometheus through the datasource variable', () => {
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'job']));
    for (const p of dashboard.panels) expect(p.datasource.uid).toBe('${datasource}');
  });

  it('when its queries are read, then every series is a metric the services register', () => {
    const known = registeredNames();
    expect(known.has('notifier_open_circuits')).toBe(true);
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b([a-z_][a-z0-9_]*)\{/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''))));
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });

  it('when a panel covers files, transactions, callbacks, dead letters, circuits, bridge routes and tracking events, then each is there', () => {
    const all = exprs.join('\n');
    for (const name of ['ingest_files_total', 'translator_transactions_total', 'notifier_delivery_duration_seconds_bucket', 'notifier_dead_letters_total', 'notifier_open_circuits', 'ediflow_bridge_lag_seconds', 'tracking_events_total']) {
      expect(all).toContain(name);
    }
  });
});
