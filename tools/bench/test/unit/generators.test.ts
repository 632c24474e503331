import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OURS, generate834, write271, write834 } from '@ediflow/bench';

/** `edi` of this checkout (built), as a user runs it; stdout and exit status. */
function edi(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(OURS, 'tools', 'cli', 'bin', 'edi.js'), ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ValidateReport {
  valid: boolean;
  errorCount: number;
  warningCount: number;
  interchanges: Array<{ groups: Array<{ version: string; transactions: Array<{ setId: string; ack: string }> }> }>;
}

function validate(file: string): ValidateReport & { status: number | null } {
  const r = edi(['validate', '--json', file]);
  return { status: r.status, ...(JSON.parse(r.stdout) as ValidateReport) };
}

/** The documents `edi translate` prints for a file, one per set. */
function translate(file: string): Array<{ guide: string; transaction: Record<string, unknown> }> {
  const r = edi(['translate', file]);
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { guide: string; transaction: Record<string, unknown> });
}

const count = (text: string, segment: string): number => (text.match(new RegExp(`(^|~\\n?)${segment}\\*`, 'g')) ?? []).length;

describe('the 834 and 271 generators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-generators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a 200 KB 834 is generated with 300 members a set, then edi validate finds no error and each set holds about 300 members', async () => {
    const file = join(dir, 'sets.834');
    const size = await write834(file, { targetBytes: 200 * 1024, membersPerTransaction: 300 });
    expect(size).toBeGreaterThanOrEqual(200 * 1024);
    const report = validate(file);
    expect(report).toMatchObject({ status: 0, valid: true, errorCount: 0, warningCount: 0 });
    const sets = report.interchanges[0].groups[0].transactions;
    expect(sets.length).toBeGreaterThan(2);
    expect(sets.every((t) => t.setId === '834' && t.ack === 'A')).toBe(true);
    const documents = translate(file);
    expect(documents.map((d) => d.guide)).toEqual(sets.map(() => '005010X220A1'));
    const members = documents.map((d) => (d.transaction.members as unknown[]).length);
    // a family is never split across sets: a set closes within 3 dependents past 300, the last one holds what is left
    for (const n of members.slice(0, -1)) expect(n >= 300 && n <= 303).toBe(true);
    expect(members.reduce((a, b) => a + b, 0)).toBe(count(readFileSync(file, 'latin1'), 'INS'));
  });

  it('when a 200 KB 834 is generated as one set, then edi validate finds no error in its single ST/SE', async () => {
    const file = join(dir, 'one.834');
    await write834(file, { targetBytes: 200 * 1024, membersPerTransaction: Infinity });
    const report = validate(file);
    expect(report).toMatchObject({ status: 0, valid: true, errorCount: 0 });
    expect(report.interchanges[0].groups[0].transactions).toHaveLength(1);
    const text = readFileSync(file, 'latin1');
    expect(count(text, 'INS')).toBeGreaterThan(500);
    expect(count(text, 'INS\\*Y')).toBeLessThan(count(text, 'INS'));
  });

  it('when a 200 KB 271 is generated, then edi validate finds no error and the documents split EB03 repetitions and the EB13 composite', async () => {
    const file = join(dir, 'sets.271');
    await write271(file, { targetBytes: 200 * 1024, subscribersPerTransaction: 100 });
    const report = validate(file);
    expect(report).toMatchObject({ status: 0, valid: true, errorCount: 0, warningCount: 0 });
    expect(report.interchanges[0].groups[0].transactions.length).toBeGreaterThan(2);
    const documents = translate(file);
    expect(documents.every((d) => d.guide === '005010X279A1-271')).toBe(true);
    const json = JSON.stringify(documents[0].transaction);
    expect(json).toContain('"serviceTypeCode":["30","1","33","35","47","86","88","98","AL","MH","UC"]');
    expect(json).toContain('"compositeMedicalProcedureIdentifier":{"productOrServiceIdQualifier":"HC","procedureCode":"99213"}');
    expect(json).toContain('"dependents"');
  });

  it('when a generated file has a code outside the guide, then edi validate rejects it (the checks above can fail)', async () => {
    const file = join(dir, 'bad.834');
    await write834(file, { targetBytes: 20 * 1024 });
    const text = readFileSync(file, 'latin1').replace(/HD\*021\*\*DEN\*/, 'HD*021**XXX*');
    writeFileSync(file, text, 'latin1');
    const r = edi(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/HD03 .*code value not in the guide/);
  });

  it('when the same seed is given twice, then the 834 is the same bytes', async () => {
    const read = async (seed: number): Promise<string> => {
      let text = '';
      for await (const chunk of generate834({ targetBytes: 50 * 1024, seed })) text += chunk;
      return text;
    };
    expect(await read(7)).toBe(await read(7));
    expect(await read(7)).not.toBe(await read(8));
  });
});
