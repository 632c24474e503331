import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, ProgressBar, loadCommand, runCli, wantsProgress, type CliReport } from '@ediflow/cli';
import { parseX12, serialize } from '@ediflow/x12';
import { capture, interchange, set } from '../helpers';

/** A public 837P that conforms to its guide (LinuxForHealth/x12 demo.837). */
const DEMO = join(__dirname, '..', 'fixtures', 'lfh__demo.837');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edi-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text, 'latin1');
  return p;
}

describe('edi parse', () => {
  it('when given a file, then prints one JSON document with every element of every segment', async () => {
    const text = interchange([set('0001'), set('0002')]);
    const c = capture();
    const status = await runCli(['parse', file('two.x12', text)], c.io);
    expect(status).toBe(0);
    const doc = JSON.parse(c.out()) as { interchanges: { header: { controlNumber: string }; isa: string[]; iea: string[]; groups: { gs: string[]; ge: string[]; transactions: { controlNumber: string; segments: string[][] }[] }[] }[] };
    const ic = doc.interchanges[0];
    expect(ic.header.controlNumber).toBe('000000001');
    expect(ic.isa[13]).toBe('000000001');
    expect(ic.iea).toEqual(['IEA', '1', '000000001']);
    expect(ic.groups[0].gs[6]).toBe('1');
    expect(ic.groups[0].ge).toEqual(['GE', '2', '1']);
    expect(ic.groups[0].transactions.map((t) => t.controlNumber)).toEqual(['0001', '0002']);
    // the element arrays rebuild the original segments
    const expected = parseX12(text)[0].groups[0].transactions[1].segments.map((s) => s.raw);
    expect(ic.groups[0].transactions[1].segments.map((s) => s.join('*'))).toEqual(expected);
  });

  it('when --ndjson is given, then prints one line per transaction set with its interchange and group', async () => {
    const c = capture();
    const status = await runCli(['parse', '--ndjson', file('three.x12', interchange([set('0001'), set('0002'), set('0003')]))], c.io);
    expect(status).toBe(0);
    const lines = c.out().trim().split('\n').map((l) => JSON.parse(l) as { interchange: string; group: string; controlNumber: string; segments: string[][] });
    expect(lines.map((l) => l.controlNumber)).toEqual(['0001', '0002', '0003']);
    expect(lines[2]).toMatchObject({ interchange: '000000001', group: '1' });
    expect(lines[0].segments[0]).toEqual(['ST', '837', '0001', '005010X222A1']);
  });

  it('when the file is - , then reads stdin', async () => {
    const c = capture({ stdin: interchange([set('0007')]) });
    expect(await runCli(['parse', '--ndjson', '-'], c.io)).toBe(0);
    expect((JSON.parse(c.out()) as { controlNumber: string }).controlNumber).toBe('0007');
  });

  it('when the input is not X12, then exits 1 with the error code on stderr and no stack', async () => {
    const c = capture();
    expect(await runCli(['parse', file('text.txt', 'hello, this is not X12\n')], c.io)).toBe(1);
    expect(c.err()).toMatch(/^edi: X12_NOT_X12: /);
    expect(c.err()).not.toMatch(/\n\s+at /);
    expect(c.out()).toBe('');
  });
});

describe('edi validate', () => {
  it('when the file is valid, then exits 0 with a report without issues', async () => {
    const c = capture();
    expect(await runCli(['validate', '--json', DEMO], c.io)).toBe(0);
    const r = JSON.parse(c.out()) as CliReport;
    expect(r).toMatchObject({ valid: true, errorCount: 0, issues: [] });
    expect(r.interchanges[0].groups[0].transactions[0]).toMatchObject({ setId: '837', controlNumber: '0021', ack: 'A' });
    const text = capture();
    expect(await runCli(['validate', DEMO], text.io)).toBe(0);
    expect(text.out()).toBe(`${DEMO}: valid (0 errors, 0 warnings)\n`);
  });

  it('when an element is invalid, then exits 1 and the issue names segment, position, element and code but not the value', async () => {
    const c = capture();
    // ST02/SE02 'AB' is shorter than the minimum of 4
    const text = interchange([set('AB')]);
    expect(await runCli(['validate', '--json', file('bad.x12', text)], c.io)).toBe(1);
    const r = JSON.parse(c.out()) as CliReport;
    expect(r.valid).toBe(false);
    const st = r.issues.find((i) => i.segmentId === 'ST');
    expect(st).toMatchObject({ severity: 'error', code: 'ST_FIELD_INVALID', segmentNumber: 1, element: 2, elementSyntaxCode: '4', transaction: 'AB' });
    expect(st!.message).not.toContain('AB');
    expect(r.issues.some((i) => 'value' in i)).toBe(false);
  });

  it('when --show-values is given, then element issues carry the offending value', async () => {
    const c = capture();
    expect(await runCli(['validate', '--json', '--show-values', '--compact', file('bad2.x12', interchange([set('AB')]))], c.io)).toBe(1);
    expect(c.out().trim().split('\n')).toHaveLength(1);
    const r = JSON.parse(c.out()) as CliReport;
    expect(r.issues.find((i) => i.segmentId === 'ST')!.value).toBe('AB');
  });

  it('when SE01 does not match, then the issue has its code, transaction and offset', async () => {
    const c = capture();
    const text = interchange([set('0001', { se01: 9 })]);
    expect(await runCli(['validate', '--json', file('count.x12', text)], c.io)).toBe(1);
    const issue = (JSON.parse(c.out()) as CliReport).issues.find((i) => i.code === 'SE_COUNT_MISMATCH');
    expect(issue).toMatchObject({ transaction: '0001', transactionCode: '4' });
    expect(text.slice(issue!.offset!, issue!.offset! + 3)).toBe('SE*');
  });

  it('when the input is not X12, then exits 1 with a report of one file-level error', async () => {
    const c = capture({ stdin: 'just text' });
    expect(await runCli(['validate', '--json', '-'], c.io)).toBe(1);
    expect((JSON.parse(c.out()) as CliReport).issues).toEqual([expect.objectContaining({ level: 'file', code: 'X12_NOT_X12' })]);
    const text = capture({ stdin: 'just text' });
    expect(await runCli(['validate', '-'], text.io)).toBe(1);
    expect(text.out()).toMatch(/^error byte 0 X12_NOT_X12: .*\nstdin: invalid \(1 error, 0 warnings\)\n$/);
  });

  it('when the ISA cannot be read (its segment terminator is a letter), then the report names TA105 004', async () => {
    const text = interchange([set('0001')]).replace(/~/, 'Q');
    const c = capture();
    expect(await runCli(['validate', '--json', file('terminator.x12', text)], c.io)).toBe(1);
    expect((JSON.parse(c.out()) as CliReport).issues).toEqual([expect.objectContaining({ level: 'file', code: 'X12_BAD_ISA', ta1Note: '004' })]);
    const plain = capture();
    expect(await runCli(['validate', file('terminator.x12', text)], plain.io)).toBe(1);
    expect(plain.out()).toMatch(/^error byte \d+ \[TA105 004\] X12_BAD_ISA: /);
  });

  it('when --help is given, then the help warns that --show-values may print PHI', async () => {
    const c = capture();
    expect(await runCli(['validate', '--help'], c.io)).toBe(0);
    expect(c.out()).toContain('--show-values');
    expect(c.out()).toContain('PHI');
  });
});

describe('edi ack', () => {
  const now = '2024-02-03T04:05:00Z';

  it('when ISA14 asks for an acknowledgment, then prints a TA1 and a 999 accepting the set', async () => {
    const c = capture();
    expect(await runCli(['ack', '--now', now, '--control-number', '7', DEMO], c.io)).toBe(0);
    const out = c.out();
    expect(out).toContain('TA1*000000907*131031*1147*A*000~');
    expect(out).toContain('ST*999*');
    expect(out).toContain('IK5*A~');
    expect(out).toContain('AK9*A*1*1*1~');
    expect(out).toMatch(/^ISA\*.*\*240203\*0405\*\^\*00501\*000000007\*/);
    // the output is X12 this engine reads back
    expect(serialize(parseX12(out)).toString('latin1')).toBe(out);
  });

  it('when a set is rejected, then the 999 says R with the syntax error', async () => {
    const c = capture();
    expect(await runCli(['ack', '--now', now, '--ta1', 'errors', file('ackbad.x12', interchange([set('AB')]))], c.io)).toBe(0);
    expect(c.out()).not.toContain('TA1*');
    expect(c.out()).toContain('IK3*ST*1**8~');
    expect(c.out()).toContain('IK5*R*');
  });

  it('when --ta1 has an unknown value, then it is a usage error', async () => {
    const c = capture();
    expect(await runCli(['ack', '--ta1', 'sometimes', 'x.x12'], c.io)).toBe(2);
    expect(c.err()).toContain('--ta1');
  });
});

describe('usage errors', () => {
  it('when no command is given, then prints the command list on stderr and exits 2', async () => {
    const c = capture();
    expect(await runCli([], c.io)).toBe(2);
    expect(c.err()).toMatch(/parse .*\n.*validate .*\n.*ack /);
  });

  it('when the command list is printed, then each entry has the name and summary of the module that runs it', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['parse', 'validate', 'ack', 'translate', 'generate', 'partners', 'routes', 'track', 'dlq']);
    for (const entry of COMMANDS) {
      const loaded = loadCommand(entry.name);
      expect({ name: loaded.name, summary: loaded.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  });

  it('when the command is unknown, then exits 2 naming it', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toContain("unknown command 'frobnicate'");
  });

  it('when the file does not exist, then exits 2 naming the path', async () => {
    const c = capture();
    const missing = join(dir, 'missing.x12');
    expect(await runCli(['validate', missing], c.io)).toBe(2);
    expect(c.err()).toContain(`no such file: ${missing}`);
    expect(c.out()).toBe('');
  });

  it('when an option is unknown, FILE is missing or there are two files, then exits 2', async () => {
    for (const args of [['parse', '--bogus', 'x'], ['validate'], ['ack', 'a', 'b'], ['parse', dir]]) {
      const c = capture();
      expect(await runCli(args, c.io)).toBe(2);
      expect(c.err()).toMatch(/^edi: /);
    }
  });
});

describe('progress bar', () => {
  it('when the input is larger than the threshold and stderr is a terminal, then draws a bar and clears it', async () => {
    const c = capture({ tty: true, threshold: 10 });
    expect(await runCli(['validate', DEMO], c.io)).toBe(0);
    expect(c.err()).toContain('100%');
    expect(c.err()).toMatch(/^\r\[#+\]/);
    expect(c.err().endsWith('\r')).toBe(true);
  });

  it('when stderr is not a terminal or the input is small, then nothing is drawn', async () => {
    const notTty = capture({ tty: false, threshold: 10 });
    expect(await runCli(['validate', DEMO], notTty.io)).toBe(0);
    expect(notTty.err()).toBe('');
    expect(wantsProgress(60 * 1024 * 1024, { isTTY: true, write: () => true, once: () => undefined })).toBe(true);
    expect(wantsProgress(40 * 1024 * 1024, { isTTY: true, write: () => true, once: () => undefined })).toBe(false);
    expect(wantsProgress(undefined, { isTTY: true, write: () => true, once: () => undefined })).toBe(false);
  });

  it('when half the bytes are read, then the bar is half full', () => {
    const bar = new ProgressBar(100 * 1024 * 1024, { columns: 50, write: () => true, once: () => undefined });
    expect(bar.render(50 * 1024 * 1024)).toBe(`[${'#'.repeat(10)}${'-'.repeat(10)}]  50% 50/100 MB`);
  });
});

describe('the edi binary', () => {
  it('when installed, then bin/edi.js is an executable node shim loading dist/main.js', () => {
    const root = join(__dirname, '..', '..');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ edi: 'bin/edi.js' });
    const shim = join(root, 'bin', 'edi.js');
    const text = readFileSync(shim, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).toContain("'dist', 'main.js'");
    expect(statSync(shim).mode & 0o111).not.toBe(0);
  });
});

describe('edi validate and edi ack on guide rules', () => {
  const demo = readFileSync(DEMO, 'latin1');
  /** The demo file with one change that breaks only a guide rule. */
  const broken = (from: string, to: string): string => {
    expect(demo).toContain(from);
    const text = demo.replace(from, to);
    const count = text.slice(text.indexOf('ST*'), text.indexOf('SE*')).split('~').length;
    return file(`guide-${from.length}-${to.length}.837`, text.replace(/SE\*\d+\*/, `SE*${count}*`));
  };
  const cases = [
    { rule: 'a code outside its list', from: '*11:B:1*Y*A*', to: '*11:B:1*Q*A*', line: 'error ISA13 000000907 GS06 1 ST02 0021 segment CLM #26 (file segment 28, byte 784) loop 2300 element CLM06 [IK304 8 IK403 7] GUIDE_ELEMENT: CLM06 in loop 2300: code value not in the guide', ack: ['IK3*CLM*26*2300*8~', 'CTX*CLM01:26463774~', 'IK4*6*1073*7*Q~', 'IK5*R*5~'] },
    { rule: 'a not-used element present', from: 'CLM*26463774*100***', to: 'CLM*26463774*100*X**', line: 'error ISA13 000000907 GS06 1 ST02 0021 segment CLM #26 (file segment 28, byte 784) loop 2300 element CLM03 [IK304 8 IK403 I10] GUIDE_ELEMENT: CLM03 in loop 2300: element not used in this guide', ack: ['IK3*CLM*26*2300*8~', 'CTX*CLM01:26463774~', 'IK4*3*1032*I10*X~', 'IK5*R*I5~'] },
    { rule: 'a required segment missing', from: 'PER*IC*JERRY*TE*3055552222*EX*231~\n', to: '', line: 'error ISA13 000000907 GS06 1 ST02 0021 segment PER #4 (file segment 6, byte 271) loop 1000A [IK304 3] GUIDE_SEGMENT: required segment PER missing in loop 1000A', ack: ['IK3*PER*4**3~', 'IK5*R*5~'] },
  ];

  it.each(cases)('when the only fault is $rule, then validate prints its place and codes and exits 1, and the 999 names it', async ({ from, to, line, ack }) => {
    const path = broken(from, to);
    const text = capture();
    expect(await runCli(['validate', path], text.io)).toBe(1);
    expect(text.out()).toBe(`${line}\n${path}: invalid (1 error, 0 warnings)\n`);
    const a = capture();
    expect(await runCli(['ack', '--now', '2024-02-03T04:05:00Z', path], a.io)).toBe(0);
    const segs = a.out().split('\n');
    expect(segs.slice(segs.indexOf('AK2*837*0021*005010X222A2~') + 1, segs.findIndex((s) => s.startsWith('IK5*')) + 1)).toEqual(ack);
  });

  it('when --json is given, then the same issue comes as JSON with both segment numbers, the loop and the element reference', async () => {
    const c = capture();
    expect(await runCli(['validate', '--json', broken('*11:B:1*Y*A*', '*11:B:1*Q*A*')], c.io)).toBe(1);
    const r = JSON.parse(c.out()) as CliReport;
    expect(r).toMatchObject({ valid: false, errorCount: 1, warningCount: 0 });
    expect(r.interchanges[0].groups[0].transactions[0]).toMatchObject({ ack: 'R', errorCodes: ['5'] });
    expect(r.issues).toEqual([{
      severity: 'error', level: 'transaction', code: 'GUIDE_ELEMENT', message: 'CLM06 in loop 2300: code value not in the guide', offset: 784,
      interchange: '000000907', group: '1', transaction: '0021', segmentId: 'CLM', segmentNumber: 26, fileSegmentNumber: 28, loopId: '2300',
      segmentSyntaxCode: '8', elementRef: 'CLM06', element: 6, elementSyntaxCode: '7',
    }]);
  });
});

describe('edi validate on a file that repeats an interchange control number', () => {
  it('when two interchanges of one sender in the file share ISA13, then the second is named with TA1 note 025 and the exit is 1', async () => {
    const demo = readFileSync(DEMO, 'latin1');
    const c = capture();
    expect(await runCli(['validate', '--json', file('twice.837', demo + demo)], c.io)).toBe(1);
    const r = JSON.parse(c.out()) as CliReport;
    expect(r.interchanges.map((ic) => ic.ta1)).toEqual([{ ack: 'A', note: '000' }, { ack: 'R', note: '025' }]);
    expect(r.issues).toEqual([expect.objectContaining({ code: 'ISA_DUPLICATE', ta1Note: '025', interchange: '000000907', offset: demo.length + 90 })]);
  });
});
