import { parseX12, transactionToJson, writeTransactionJson } from '@ediflow/x12';
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

describe('writeTransactionJson', () => {
  it('when a transaction set is larger than the 64 KiB work buffer, then the pieces join to the same JSON and each piece fits the buffer', () => {
    // 6,000 extra segments with characters to escape: several hundred KiB, so the JSON crosses many piece boundaries
    const extra = 'NM1*41*2*TEST "Q" \\ \u0002SUB*****46*FAKE01~\n'.repeat(6000);
    const text = syntheticInterchange({ transactions: 1 }).replace(/SE\*(\d+)\*/, (_m, n: string) => `${extra}SE*${Number(n) + 6000}*`);
    const [ic] = parseX12(Buffer.from(text, 'latin1'));
    const tx = ic.groups[0].transactions[0];
    expect(tx.text.length).toBeGreaterThan(200 * 1024);
    const pieces: Buffer[] = [];
    writeTransactionJson(tx, (bytes) => pieces.push(Buffer.from(bytes)));
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(64 * 1024);
    const json = JSON.parse(Buffer.concat(pieces).toString('utf8')) as { segments: string[][] };
    expect(json.segments).toEqual(tx.segments.map((s) => s.elements));
  });

  it('when one segment is longer than the work buffer, then it is handed on in pieces and joins to the same JSON', () => {
    const long = `NM1*41*2*${'A"\\B\u0003'.repeat(40_000)}*****46*FAKE01~\n`;
    const text = syntheticInterchange({ transactions: 1 }).replace(/SE\*(\d+)\*/, (_m, n: string) => `${long}SE*${Number(n) + 1}*`);
    const [ic] = parseX12(Buffer.from(text, 'latin1'));
    const tx = ic.groups[0].transactions[0];
    const pieces: Buffer[] = [];
    writeTransactionJson(tx, (bytes) => pieces.push(Buffer.from(bytes)));
    expect(pieces.length).toBeGreaterThan(5);
    const json = JSON.parse(Buffer.concat(pieces).toString('utf8')) as { segments: string[][] };
    expect(json.segments).toEqual(tx.segments.map((seg) => seg.elements));
    expect(json.segments.find((seg) => seg[0] === 'NM1' && seg[3].length > 1000)?.[3]).toBe('A"\\B\u0003'.repeat(40_000));
  });

  it('when the sink writes another transaction set from inside its call, then both JSON documents come out whole', () => {
    const [ic] = parseX12(Buffer.from(syntheticInterchange({ transactions: 2 }), 'latin1'));
    const [a, b] = ic.groups[0].transactions;
    const inner: Buffer[] = [];
    const outer: Buffer[] = [];
    let nested = false;
    writeTransactionJson(a, (bytes) => {
      outer.push(Buffer.from(bytes));
      if (!nested) {
        nested = true;
        writeTransactionJson(b, (x) => inner.push(Buffer.from(x)));
      }
    });
    expect(JSON.parse(Buffer.concat(outer).toString('utf8'))).toEqual(JSON.parse(transactionToJson(a)));
    expect(JSON.parse(Buffer.concat(inner).toString('utf8'))).toEqual(JSON.parse(transactionToJson(b)));
  });
});
