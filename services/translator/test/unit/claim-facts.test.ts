import { readFileSync } from 'node:fs';
import { corpusFile } from '@ediflow/testkit';
import { parseX12 } from '@ediflow/x12';
import { claimFacts } from '../../src/domain/claim-facts';

const sets = (file: string) => parseX12(readFileSync(corpusFile(file))).flatMap((ic) => ic.groups.flatMap((g) => g.transactions.map((tx) => ({ tx, guide: g.version }))));

describe('claim facts for tracking', () => {
  it('when an 837P carries three claims, then each comes with its CLM01, charge, billing provider, payer and service dates', () => {
    const [{ tx, guide }] = sets('837P/imsweb__x12_complex.txt');
    const facts = claimFacts(tx, guide);
    expect(facts?.source).toBe('837');
    expect(facts?.claims.map((c) => c.claimNumber)).toEqual(['A37YH556', 'A37YH667', 'A37YH668']);
    for (const c of facts?.claims ?? []) {
      expect(c).toMatchObject({ status: 'submitted', billedAmount: expect.stringMatching(/^\d+(\.\d+)?$/), providerId: expect.any(String), payerId: expect.any(String) });
      expect(c.serviceDateFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('when a 277CA rejects a claim, then its TRN*2 claim number, STC codes, provider and payer claim control number come out', () => {
    const [{ tx, guide }] = sets('277CA/imsweb__x12_277CA_rejected.txt');
    expect(claimFacts(tx, guide)).toEqual({
      source: '277CA',
      claims: [{ claimNumber: '3920394930203', status: 'rejected_by_payer', codes: ['A7:562:85'], billedAmount: '199.14', providerId: '123456789', payerClaimControlNumber: '1107000000001120' }],
    });
  });

  it('when an 835 pays claims, then each CLP comes with its status, amounts, payer control number, trace and payee', () => {
    const [{ tx, guide }] = sets('835/lfh__managed-care.835');
    const claims = claimFacts(tx, guide)?.claims ?? [];
    expect(claims.slice(0, 2)).toEqual([
      expect.objectContaining({ claimNumber: '5554555444', status: 'partially_paid', codes: ['1'], billedAmount: '800.00', paidAmount: '450.00', payerClaimControlNumber: '94060555410000', traceNumber: '7170066655', providerId: '5544667733' }),
      expect.objectContaining({ claimNumber: '8765432112', status: 'partially_paid', billedAmount: '1200.00', paidAmount: '495.00' }),
    ]);
  });

  it('when a set carries no claims (an 850, a 270), then there are no facts', () => {
    const [{ tx, guide }] = sets('270/lfh__demo.270');
    expect(claimFacts(tx, guide)).toBeUndefined();
  });
});
