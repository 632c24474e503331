import type { Section, SectionResult } from './section';

/** Formats one section as a text table, its targets and what each row measures. */
export function formatSection(section: Section, r: SectionResult): string {
  const header = ['', ...r.columns];
  const body = r.rows.map((row) => [row.label, ...r.columns.map((c) => String(row.cells[c] ?? '-'))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const lines = [`== ${section.title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const targets = r.rows.flatMap((row) => row.targets ?? []);
  if (targets.length > 0) {
    lines.push('targets:');
    for (const t of targets) lines.push(`  [${t.pass === undefined ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}] ${t.text}`);
  }
  lines.push('rows measure:', ...r.notes.map((n) => `  ${n}`));
  return lines.join('\n');
}
