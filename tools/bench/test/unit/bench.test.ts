import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ReportBuilder, readX12 } from '@ediflow/x12';
import { SECTIONS, formatSection, generate837P, hipaaTranslateClaims, hipaaValidate, write837P, type Section, type SectionResult } from '@ediflow/bench';

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

describe('the validation job', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a generated 837P is validated, then it reports its transaction sets; when a claim does not balance, then the job fails', async () => {
    const file = join(dir, 'valid.x12');
    await write837P(file, { targetBytes: 256 * 1024, claimsPerTransaction: 50 });
    const result = await hipaaValidate({ file });
    expect(result.sets).toBeGreaterThan(1);
    expect(result.bytes).toBeGreaterThanOrEqual(256 * 1024);
    // the first claim's charge (CLM02) no longer the sum of its lines: a guide error (999 IK5 R)
    const broken = join(dir, 'broken.x12');
    writeFileSync(broken, readFileSync(file, 'latin1').replace(/(CLM\*[^*]+\*)[0-9.]+/, '$1999999.99'), 'latin1');
    await expect(hipaaValidate({ file: broken })).rejects.toThrow(/validation found 1 errors/);
  });
});

describe('the per-claim job', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-claims-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a generated 837P is split per claim, then it writes one document per claim (CLM)', async () => {
    const file = join(dir, 'claims.x12');
    await write837P(file, { targetBytes: 256 * 1024, claimsPerTransaction: 50 });
    const result = await hipaaTranslateClaims({ file });
    expect(result.documents).toBe((readFileSync(file, 'latin1').match(/~\n?CLM\*/g) ?? []).length);
    expect(result.documents).toBeGreaterThan(result.sets as number);
    expect(result.jsonBytes).toBeGreaterThan(result.bytes);
  });
});
