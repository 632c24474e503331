/**
 * The façade's outputs against the golden files made from the build before it (test/golden):
 * for every corpus file, fixture and seeded mutation, set by set and for every partner setting
 * (split per set or per claim, strict or lenient), the documents' bytes, the verdict and issues,
 * the claim decisions, the 277CA and the file's TA1/999, byte for byte (SHA-256 per file and
 * setting, test/golden/outputs.ts digestOf; a few files in full). GOLDEN_WRITE=1 writes the files again: only for a change meant to alter the output.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FULL, goldenCases } from '../golden/cases';
import { documentsFor } from '@ediflow/hipaa';
import { transactions } from '../corpus';
import { digestOf, fileRecord, type FileDigest, type FileRecord } from '../golden/outputs';

const DIR = join(__dirname, '..', 'golden');
const HASHES = join(DIR, 'records.json.gz');
const TEXTS = join(DIR, 'full.json');
const WRITE = process.env.GOLDEN_WRITE === '1';

const CASES = goldenCases();

describe('golden outputs', () => {
  if (WRITE) {
    it('when GOLDEN_WRITE=1, then the golden files are written from this build', async () => {
      const records: Record<string, FileDigest> = {};
      for (const c of CASES) records[c.name] = digestOf(await fileRecord(c.bytes));
      writeFileSync(HASHES, gzipSync(Buffer.from(`${JSON.stringify(records, null, 1)}\n`), { level: 9 }));
      const full: Record<string, FileRecord> = {};
      for (const name of FULL) full[name] = await fileRecord(CASES.find((c) => c.name === name)!.bytes, true);
      writeFileSync(TEXTS, `${JSON.stringify(full, null, 1)}\n`);
      expect(Object.keys(records)).toHaveLength(CASES.length);
    });
    return;
  }

  const golden = existsSync(HASHES) ? (JSON.parse(gunzipSync(readFileSync(HASHES)).toString('utf8')) as Record<string, FileDigest>) : {};
  const full = existsSync(TEXTS) ? (JSON.parse(readFileSync(TEXTS, 'utf8')) as Record<string, FileRecord>) : {};

  it('when the cases are listed, then every one has a golden record and there are no others', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual(Object.keys(golden).sort());
    expect(CASES.length).toBeGreaterThan(1300);
  });

  it('when the element-check mutations are read, then they reach every element check (so the golden files hold each one\'s issues)', () => {
    const codes = new Set<string>();
    for (const c of CASES.filter((x) => x.name.startsWith('validation/'))) {
      for (const t of transactions(c.bytes)) {
        for (const i of documentsFor(t.tx, { interchange: t.ic, group: t.group }).verdict.issues) codes.add(`${i.code}/${i.element?.syntaxCode ?? i.segment?.syntaxCode}`);
      }
    }
    // missing, not used, too many elements, type, length, date, time, code, components, repetitions
    for (const code of ['1', '3', '4', '5', '6', '7', '8', '9', '12', '13', 'I10']) expect([...codes]).toContain(`GUIDE_ELEMENT/${code}`);
  });

  it.each(FULL)('when %s is translated, then documents, issues, decisions and acknowledgments are the golden texts', async (name) => {
    expect(await fileRecord(CASES.find((c) => c.name === name)!.bytes, true)).toEqual(full[name]);
  });

  it('when every case is translated for every setting, then each output has the golden SHA-256', async () => {
    let sets = 0;
    for (const c of CASES) {
      const digest = digestOf(await fileRecord(c.bytes));
      expect({ name: c.name, digest }).toEqual({ name: c.name, digest: golden[c.name] });
      sets += digest.sets?.length ?? 0;
    }
    expect(sets).toBeGreaterThan(1300);
  });
});
