/**
 * The architecture rules of eslint.config.mjs, each shown refusing a violation where it applies
 * and letting the allowed form (or the one place the rule points to) pass. The code is linted as
 * if it were at the given path, with the repository's configuration.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@ediflow/testkit';

/** Every piece of code the tests lint, by path: linted together in one child process (lint-text.mjs). */
const CASES: { path: string; code: string }[] = [];
let results: { ruleId: string | null; message: string }[][] | undefined;

/** The messages of the given rule for `code` at `path` (the first call lints every case). */
function findings(path: string, code: string, rule: string): string[] {
  results ??= JSON.parse(execFileSync(process.execPath, [join(__dirname, '..', 'lint-text.mjs')], { input: JSON.stringify(CASES), maxBuffer: 64 * 1024 * 1024 }).toString('utf8')) as { ruleId: string | null; message: string }[][];
  const k = CASES.findIndex((c) => c.path === path && c.code === code);
  if (k < 0) throw new Error(`case not listed: ${path}`);
  return results[k].filter((m) => m.ruleId === rule).map((m) => m.message);
}

/** Lists a case (at load time, so that one child process lints them all) and gives its findings' reader. */
function lint(path: string, code: string): (rule: string) => string[] {
  CASES.push({ path, code });
  return (rule) => findings(path, code, rule);
}

/** Cases for it.each: [path, findings' reader]. */
const lintAll = (cases: readonly (readonly [string, string])[]): [string, (rule: string) => string[]][] => cases.map(([path, code]) => [path, lint(path, code)]);

describe('architecture rules', () => {
  const io = lintAll([
    ['services/translator/src/domain/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['services/ingest/src/domain/x.ts', "import { Counter } from 'prom-client';"],
    ['shared/hipaa/src/x.ts', "import { writeFileSync } from 'node:fs';"],
    ['shared/x12/src/x.ts', "import { Registry } from 'prom-client';"],
    ['shared/x12/src/io/x.ts', "import { createReadStream } from 'node:fs';"],
  ]);
  it.each(io)('when %s imports I/O or prom-client, then lint refuses it', (_path, found) => {
    expect(found('no-restricted-imports')).toHaveLength(1);
  });

  const adapter = lint('services/ingest/src/adapters/x.ts', "import { Counter } from 'prom-client';");
  it('when an adapter imports prom-client, then lint lets it', () => {
    expect(adapter('no-restricted-imports')).toEqual([]);
  });

  const keys = lintAll([
    ['services/translator/src/domain/x.ts', 'export const key = (id: string): string => `work/${id}/outcome.json`;'],
    ['services/ingest/src/entry-points/x.ts', "export const prefix = 'inbound/';"],
    ['tools/local/src/x.ts', "export const k = 'deadletters/notifier/x.json';"],
  ]);
  it.each(keys)('when %s spells an object key, then lint refuses it', (_path, found) => {
    expect(found('no-restricted-syntax')).toEqual(['Object keys come from the key catalogue (KEYS in @ediflow/messages).']);
  });

  const catalogue = lint('shared/messages/src/catalogue.ts', 'export const k = (id: string): string => `work/${id}/x.json`;');
  it('when the key catalogue spells keys, then lint lets it', () => {
    expect(catalogue('no-restricted-syntax')).toEqual([]);
  });

  const codes = lintAll([
    ['services/ingest/src/domain/x.ts', "export const gone = (err: { code: string }): boolean => err.code === 'STORE_NOT_FOUND';"],
    ['shared/dedupe/src/x.ts', "import { STORE_CONFLICT } from '@ediflow/store';\nexport const taken = (e: { code: string }): boolean => e.code === STORE_CONFLICT;"],
  ]);
  it.each(codes)('when %s matches a store error by its code, then lint refuses it', (_path, found) => {
    expect(found('no-restricted-syntax')).toHaveLength(1);
  });

  const byClass = lint('services/ingest/src/domain/y.ts', "import { StoreNotFoundError } from '@ediflow/store';\nexport const gone = (err: unknown): boolean => err instanceof StoreNotFoundError;");
  it('when a store error is matched by class, then lint lets it', () => {
    expect(byClass('no-restricted-syntax')).toEqual([]);
  });

  const backoffCode = 'export const delay = (n: number, random: () => number): number => Math.floor(random() * Math.min(30_000, 100 * 2 ** n));';
  const backoffs = lintAll(['services/notifier/src/domain/x.ts', 'services/bridge/src/entry-points/x.ts', 'shared/bus/src/x.ts'].map((path) => [path, backoffCode] as const));
  it.each(backoffs)('when %s computes an exponential backoff of its own, then lint refuses it', (_path, found) => {
    expect(found('no-restricted-syntax')).toEqual(['Exponential backoff: use fullJitterMs from @ediflow/bus (the one backoff).']);
  });

  const backoff = lint('shared/bus/src/backoff.ts', 'export const ceiling = (n: number): number => 100 * 2 ** n;');
  it('when the bus\'s backoff module computes it, then lint lets it', () => {
    expect(backoff('no-restricted-syntax')).toEqual([]);
  });

  const waits = lintAll([
    ['services/ingest/test/helpers.ts', 'export async function waitFor(): Promise<void> {}'],
    ['shared/bus/test/contract.ts', 'export const waitFor = async (): Promise<void> => undefined;'],
  ]);
  it.each(waits)('when %s writes its own waitFor, then lint refuses it', (_path, found) => {
    expect(found('no-restricted-syntax')).toEqual(['Use waitFor from @ediflow/testkit (the one wait helper).']);
  });

  const testkitWait = lint('tools/testkit/src/wait.ts', 'export async function waitFor(): Promise<void> {}');
  it('when testkit writes it, then lint lets it (and the tests use that one)', async () => {
    expect(testkitWait('no-restricted-syntax')).toEqual([]);
    let calls = 0;
    expect(await waitFor('the third call', () => ++calls === 3 && 'done', { intervalMs: 1 })).toBe('done');
    await expect(waitFor('never', () => false, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow('timed out after 20 ms waiting for never');
  });

  const harness = 'export async function measureIngestFile(): Promise<number> { return 0; }';
  const inService = lint('services/ingest/src/bench.ts', harness);
  const inBench = lint('tools/bench/src/measure/ingest.ts', harness);
  it('when a service exports a benchmark harness, then lint refuses it; tools/bench may', () => {
    expect(inService('no-restricted-syntax')).toEqual(['Benchmark code lives in tools/bench, not in a service.']);
    expect(inBench('no-restricted-syntax')).toEqual([]);
  });

  const defaults = 'export const DEFAULT_SETTINGS = { maxAttempts: 8, timeoutMs: 10_000 };';
  const beside = lint('services/notifier/src/notifier.ts', defaults);
  const inConfig = lint('services/notifier/src/config.ts', defaults);
  it('when a service lists defaults beside its config schema, then lint refuses it; config.ts may', () => {
    expect(beside('no-restricted-syntax')).toEqual(["A service's defaults come from its config schema (config.ts), not a second list."]);
    expect(inConfig('no-restricted-syntax')).toEqual([]);
  });
});
