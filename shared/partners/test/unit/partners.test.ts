import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRegistry, registryFromFile } from '@ediflow/partners';

const partner = { id: 'acme-clinic', name: 'Acme Clinic', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }] };

describe('parseRegistry', () => {
  it('when the document is valid, then defaults are safe (signature required, no plaintext, 999 ack)', () => {
    const reg = parseRegistry({ version: 1, partners: [partner] });
    expect(reg.get('acme-clinic')).toMatchObject({ requireSignature: true, allowPlaintext: false, split: 'transaction', acknowledgments: ['999'] });
    expect(reg.find('nobody')).toBeUndefined();
    expect(() => reg.get('nobody')).toThrow(expect.objectContaining({ code: 'PARTNER_UNKNOWN' }));
  });

  it('when fields are bad or ids repeat, then the error names the path', () => {
    expect(() => parseRegistry({ version: 1, partners: [{ ...partner, id: 'Bad Id', isaSenders: [{ qualifier: 'Z', id: 'A' }] }] })).toThrow(
      /partners\.0\.id: .*partners\.0\.isaSenders\.0\.qualifier/,
    );
    expect(() => parseRegistry({ version: 1, partners: [partner, partner] })).toThrow(/duplicate partner id acme-clinic/);
    expect(() => parseRegistry({ version: 2, partners: [] })).toThrow(/version/);
  });
});

describe('registryFromFile', () => {
  it('when the file changes, then the next read sees the new version; a bad new version is refused', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'reg-')), 'partners.json');
    await writeFile(file, JSON.stringify({ version: 1, partners: [partner] }));
    const source = registryFromFile(file);
    expect((await source.current()).list().map((p) => p.isaSenders.length)).toEqual([1]);
    await writeFile(file, JSON.stringify({ version: 1, partners: [{ ...partner, isaSenders: [...partner.isaSenders, { qualifier: '30', id: 'X' }] }] }));
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await source.current()).list().map((p) => p.isaSenders.length)).toEqual([2]);
    await writeFile(file, JSON.stringify({ version: 1, partners: [{ ...partner, id: 'BAD ID' }] }));
    await utimes(file, new Date(), new Date(Date.now() + 10000));
    await expect(source.current()).rejects.toMatchObject({ code: 'PARTNERS_INVALID' });
  });
});
