import { parseX12, transactionToJson } from '@ediflow/x12';
import { NOT_PARSEABLE, corpusFile, manifest } from '../corpus';
import { syntheticInterchange } from '../synthetic';

describe('transactionToJson', () => {
  it('when a transaction set is turned into JSON, then it holds the same elements as its segments', () => {
    let compared = 0;
    for (const row of manifest()) {
      if (NOT_PARSEABLE.has(row.path)) continue;
      for (const ic of parseX12(corpusFile(row.path))) {
        for (const g of ic.groups) {
          for (const t of g.transactions) {
            const json = JSON.parse(transactionToJson(t)) as { setId: string; controlNumber: string; segments: string[][] };
            expect(json.setId).toBe(t.setId);
            expect(json.controlNumber).toBe(t.controlNumber);
            expect(json.segments).toEqual(t.segments.map((s) => s.elements));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(150);
  });

  it('when element text has quotes, backslashes and non-ASCII letters, then the JSON escapes and decodes them', () => {
    const text = syntheticInterchange({ transactions: 1 }).replace('TEST SUBMITTER', 'TEST "QUOTE" \\ SUBMITTËR');
    const [ic] = parseX12(Buffer.from(text, 'utf8'));
    const json = JSON.parse(transactionToJson(ic.groups[0].transactions[0])) as { segments: string[][] };
    expect(json.segments[2][3]).toBe('TEST "QUOTE" \\ SUBMITTËR');
    const ascii = syntheticInterchange({ transactions: 1 }).replace('TEST SUBMITTER', 'TEST "QUOTE" \\ SUBMITTER');
    const [ic2] = parseX12(Buffer.from(ascii, 'latin1'));
    expect((JSON.parse(transactionToJson(ic2.groups[0].transactions[0])) as { segments: string[][] }).segments[2][3]).toBe('TEST "QUOTE" \\ SUBMITTER');
    const ctl = syntheticInterchange({ transactions: 1 }).replace('TEST SUBMITTER', 'TEST\u0001SUBMITTER');
    const [ic3] = parseX12(Buffer.from(ctl, 'latin1'));
    expect((JSON.parse(transactionToJson(ic3.groups[0].transactions[0])) as { segments: string[][] }).segments[2][3]).toBe('TEST\u0001SUBMITTER');
  });
});
