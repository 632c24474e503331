/**
 * The benchmark is a list of sections. A section measures one thing (the X12 engine, ingest
 * decryption, the bridge, ...) and returns table rows; main.ts prints one table per section.
 * To add a section: write sections/<name>.ts exporting a Section and list it in sections/index.ts.
 */

export interface BenchOptions {
  /** A temporary directory for this run (deleted at the end). */
  tmpDir: string;
  /** --1gb: also run the 1 GB sizes. */
  oneGb: boolean;
  /** --base: the build to compare with (a commit, or a built checkout), where a section compares builds. */
  base?: string;
  /** --rows: run only these rows of a section that names its rows (translate: TRANSLATE_ROWS). */
  rows?: string[];
  /** --members: members (INS loops) per 834 set in translate's 834 row. */
  membersPerSet?: number;
  /** Progress lines for the operator (stderr). */
  log: (line: string) => void;
}

export interface Target {
  /** e.g. '>= 100 MB/s on 200 MB'. */
  text: string;
  /** undefined: not measured in this run. */
  pass: boolean | undefined;
}

export interface Row {
  /** First column, e.g. 'ediflow 200 MB'. */
  label: string;
  /** Cells by column name (missing: printed as '-'). */
  cells: Record<string, string | number | undefined>;
  targets?: Target[];
}

export interface SectionResult {
  /** Column names after the label column. */
  columns: string[];
  rows: Row[];
  /** What each row measures (printed under the table). */
  notes: string[];
}

export interface Section {
  readonly name: string;
  readonly title: string;
  run(options: BenchOptions): Promise<SectionResult>;
}

/** Rounds for display: 3 significant digits for small numbers, integers above 100. */
export function fmt(n: number | undefined): string | undefined {
  if (n === undefined || !Number.isFinite(n)) return undefined;
  return Math.abs(n) >= 100 ? String(Math.round(n)) : n.toPrecision(3);
}

export const MB = 1024 * 1024;

/** The seconds cell of a measurement: its fastest run, and after several runs (fastestOf) the slowest in brackets. */
export function secondsCell(r: { seconds: number; slowestSeconds?: number; runs?: number }): string | undefined {
  const best = fmt(r.seconds);
  return r.runs !== undefined && r.runs > 1 && r.slowestSeconds !== undefined ? `${best} (${fmt(r.slowestSeconds)})` : best;
}
