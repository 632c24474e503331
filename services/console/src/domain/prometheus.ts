/**
 * Reads the Prometheus text exposition format (what every service's /metrics answers) into
 * samples, and picks the counters an operator looks at first.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Metric families of the runtime itself, not of the service's work. */
const RUNTIME_PREFIXES = ['process_', 'nodejs_'];

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Every sample line (comments and blank lines skipped); a line that is not a sample is ignored. */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) continue;
    const value = parseValue(m[3]);
    if (Number.isNaN(value)) continue;
    out.push({ name: m[1], labels: m[2] === undefined ? {} : parseLabels(m[2]), value });
  }
  return out;
}

/**
 * The service's own counters (`*_total`, runtime families left out), each summed over its labels,
 * sorted by name: "files translated 12", not one line per partner and endpoint.
 */
export function keyCounters(samples: readonly Sample[]): { name: string; value: number }[] {
  const sums = new Map<string, number>();
  for (const s of samples) {
    if (!s.name.endsWith('_total') || RUNTIME_PREFIXES.some((p) => s.name.startsWith(p))) continue;
    sums.set(s.name, (sums.get(s.name) ?? 0) + s.value);
  }
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value }));
}
