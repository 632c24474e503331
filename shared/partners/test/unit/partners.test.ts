import { parseRegistry } from '@ediflow/partners';

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
