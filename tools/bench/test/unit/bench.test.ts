import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ReportBuilder, readX12 } from '@ediflow/x12';
import { OURS, SECTIONS, formatSection, generate837P, prepareBase, runCli, translatorFile, write837P, type Section, type SectionResult } from '@ediflow/bench';

const section: Section = { name: 'demo', title: 'Demo section', run: () => Promise.reject(new Error('not run')) };

describe('bench output', () => {
  it('when a section has rows and targets, then the table aligns columns, prints "-" for missing cells and PASS/FAIL/n/a', () => {
    const result: SectionResult = {
      columns: ['MB/s', 'peak RSS MB'],
      rows: [
        { label: 'engine A', cells: { 'MB/s': '120', 'peak RSS MB': '90.5' }, targets: [{ text: '>= 100 MB/s', pass: true }, { text: 'RSS flat', pass: undefined }] },
        { label: 'B', cells: { 'MB/s': '9.5' }, targets: [{ text: '>= 20x', pass: false }] },
      ],
      notes: ['A: what A measures'],
    };
    const text = formatSection(section, result);
    expect(text.split('\n')).toEqual([
      '== Demo section',
      '          MB/s  peak RSS MB',
      '--------  ----  -----------',
      'engine A   120         90.5',
      'B          9.5            -',
      'targets:',
      '  [PASS] >= 100 MB/s',
      '  [n/a ] RSS flat',
      '  [FAIL] >= 20x',
      'rows measure:',
      '  A: what A measures',
    ]);
  });

  it('when the registry is read, then it lists every section with unique names', () => {
    const names = SECTIONS.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['x12', 'translate', 'pgp', 'ingest', 'bridge', 'notifier']));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('the 837P generator', () => {
  it('when 1 MB is generated, then the engine reads it as valid with several transaction sets', async () => {
    const text: string[] = [];
    for await (const chunk of generate837P({ targetBytes: 1024 * 1024, claimsPerTransaction: 100 })) text.push(chunk);
    const bytes = Buffer.from(text.join(''), 'latin1');
    expect(bytes.length).toBeGreaterThanOrEqual(1024 * 1024);
    const builder = new ReportBuilder();
    let sets = 0;
    for await (const e of readX12(Readable.from([bytes]))) {
      builder.add(e);
      if (e.type === 'transaction') sets++;
    }
    const report = builder.report();
    expect(report).toMatchObject({ valid: true, errorCount: 0, warningCount: 0 });
    expect(sets).toBeGreaterThan(5);
  });
});

describe('the translator file job', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-translator-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a generated 837P goes through this build\'s translator, then every set is published; a lenient partner gets one document per claim', async () => {
    const file = join(dir, 'valid.x12');
    await write837P(file, { targetBytes: 256 * 1024, claimsPerTransaction: 50 });
    const claims = (readFileSync(file, 'latin1').match(/~\n?CLM\*/g) ?? []).length;
    const strict = await translatorFile({ file, root: OURS });
    expect(strict.sets).toBeGreaterThan(1);
    expect(strict.documents).toBe(strict.sets);
    expect(strict.bodyBytes).toBeGreaterThan(strict.bytes);
    const lenient = await translatorFile({ file, root: OURS, partner: { lenient: true, acknowledgments: ['999', '277CA'] } });
    expect(lenient.documents).toBe(claims);
    expect(lenient.claimsHeldBack).toBe(0);
  });

  it('when a claim does not balance, then a strict partner\'s run fails (the set is rejected)', async () => {
    const file = join(dir, 'valid-2.x12');
    await write837P(file, { targetBytes: 64 * 1024, claimsPerTransaction: 50 });
    const broken = join(dir, 'broken.x12');
    writeFileSync(broken, readFileSync(file, 'latin1').replace(/(CLM\*[^*]+\*)[0-9.]+/, '$1999999.99'), 'latin1');
    await expect(translatorFile({ file: broken, root: OURS })).rejects.toThrow(/1 rejected/);
  });
});

describe('the CLI runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when edi translate runs on a generated 837P, then it is timed as a whole process with its peak RSS; a failing command rejects', async () => {
    const file = join(dir, 'small.x12');
    await write837P(file, { targetBytes: 64 * 1024, claimsPerTransaction: 20 });
    const r = await runCli(OURS, ['translate', file], file);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.bytes).toBe(readFileSync(file).length);
    expect(r.maxRssMb).toBeGreaterThan(10);
    await expect(runCli(OURS, ['translate', '--split', 'loop', file], file)).rejects.toThrow(/exited with 2/);
  });
});

describe('the build the translate section compares with', () => {
  it('when --base names a built checkout, then that is the build; a folder that is not one is refused with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-base-'));
    try {
      expect(prepareBase(OURS, dir, () => undefined)).toEqual({ root: OURS });
      expect(prepareBase(dir, dir, () => undefined)).toEqual({ error: `${dir} is not a built checkout (no tools/cli/dist, services/translator/dist)` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
