import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSection } from './format';
import type { SectionResult } from './section';
import { SECTIONS } from './sections';
import { BASE_REF } from './base-build';
import { DEFAULT_SHAPES, TRANSLATE_ROWS } from './sections/translate';

const USAGE = `Usage: npm run bench [-- [--1gb] [--only name,name] [--rows key,key] [--members N] [--base REF|DIR] [--json]]
  --1gb          also measure 1 GB files (x12: peak RSS flat from 200 MB to 1 GB; ingest: peak RSS of a 1 GB file)
  --base REF|DIR the build translate compares with: a commit (exported and installed in the run's temporary
                 folder) or a built checkout; default the build before the hipaa façade (${BASE_REF})
  --only LIST    run only these sections (${SECTIONS.map((s) => s.name).join(', ')})
  --rows LIST    translate: run only these rows (${TRANSLATE_ROWS.join(', ')})
  --members N    translate: members (INS loops) per 834 set in the 834 row (default ${DEFAULT_SHAPES.membersPerSet})
  --json         print the results as JSON after the tables`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : undefined;
  const unknown = only?.filter((n) => !SECTIONS.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(', ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const rowsAt = args.indexOf('--rows');
  const rows = rowsAt >= 0 ? (args[rowsAt + 1] ?? '').split(',') : undefined;
  const membersAt = args.indexOf('--members');
  const membersPerSet = membersAt >= 0 ? Number(args[membersAt + 1]) : undefined;
  const badRows = rows?.filter((r) => !TRANSLATE_ROWS.includes(r)) ?? [];
  if (badRows.length > 0 || (membersPerSet !== undefined && !(Number.isInteger(membersPerSet) && membersPerSet > 0))) {
    console.error(`${badRows.length > 0 ? `unknown row(s): ${badRows.join(', ')}` : '--members wants a positive integer'}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const tmpDir = mkdtempSync(join(tmpdir(), 'ediflow-bench-'));
  const cleanup = (): void => rmSync(tmpDir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const baseAt = args.indexOf('--base');
  const options = { tmpDir, oneGb: args.includes('--1gb'), base: baseAt >= 0 ? args[baseAt + 1] : undefined, rows, membersPerSet, log: (l: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${l}\n`) };
  const results: { section: string; result: SectionResult }[] = [];
  const started = Date.now();
  const loadBefore = loadavg()[0];
  try {
    for (const section of SECTIONS) {
      if (only !== undefined && !only.includes(section.name)) continue;
      const result = await section.run(options);
      results.push({ section: section.name, result });
      console.log(`${formatSection(section, result)}\n`);
    }
  } finally {
    cleanup();
  }
  console.log(
    `node ${process.version}, ${cpus().length} CPUs, total ${Math.round((Date.now() - started) / 1000)} s, ` +
      `1-min load average ${loadBefore.toFixed(1)} at start / ${loadavg()[0].toFixed(1)} at end` +
      (loadBefore > cpus().length - 1 ? ' (other processes were busy at the start: figures may be low)' : ''),
  );
  if (args.includes('--json')) console.log(JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
