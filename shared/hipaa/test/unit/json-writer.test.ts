/**
 * writeSemanticJson writes, from the transaction's bytes, the same text as
 * JSON.stringify(translateTransaction(...).documents[0]). Checked on every corpus file and
 * fixture of the supported guides, on seeded mutations of them (segments dropped, repeated,
 * moved, unknown, elements past the definition, delimiters and JSON escapes inside values),
 * and for the sink's contract.
 */
import { parseX12, type TransactionSet } from '@ediflow/x12';
import { semanticClaimsJsonBytes, semanticJson, semanticJsonBytes, translateTransaction, writeSemanticJson, type TranslateContext } from '@ediflow/hipaa';
import { allGuideFiles, readOwn, rebuilt, transactions, type Tx } from '../corpus';
import { writerMutants } from '../mutations';

const FILES = allGuideFiles();

const ctxOf = (t: Tx): TranslateContext => ({ interchange: t.ic, group: t.group, fileId: 'file-1', transactionIndex: t.index });
const expected = (t: Tx): string => JSON.stringify(translateTransaction(t.tx, ctxOf(t)).documents[0]);
/** Per-claim documents as [claimId, text] pairs: written from bytes, and from the tree's split. */
const claimsWritten = (t: Tx): [string, string][] | undefined => semanticClaimsJsonBytes(t.tx, ctxOf(t))?.map((d) => [d.claimId, d.bytes.toString('utf8')]);
const claimsExpected = (t: Tx): [string, string][] | undefined => {
  if (!['837', '835'].includes(t.tx.setId)) return undefined;
  return translateTransaction(t.tx, ctxOf(t), { split: 'claim' }).documents.map((d) => [d.key.claimId ?? '', JSON.stringify(d)]);
};

describe('writeSemanticJson', () => {
  describe.each(FILES)('%s', (_path, read) => {
    it('when written from bytes, then every transaction set gives the text of JSON.stringify of its document', () => {
      const sets = transactions(read());
      expect(sets.length).toBeGreaterThan(0);
      for (const t of sets) expect(semanticJson(t.tx, ctxOf(t))).toBe(expected(t));
    });

    it('when split per claim from bytes, then every claim document is the text of JSON.stringify of the tree\'s split', () => {
      for (const t of transactions(read())) expect(claimsWritten(t)).toEqual(claimsExpected(t));
    });
  });

  it('when a set is split per claim, then each document keeps its claim, its chain of loops and none of the other claims', () => {
    // the fixture's second patient has two claims under one subscriber: one document each
    const [t] = transactions(readOwn('837D/patient-two-claims.x12'));
    const docs = semanticClaimsJsonBytes(t.tx, ctxOf(t))!.map((d) => JSON.parse(d.bytes.toString('utf8')) as Record<string, unknown>);
    const whole = translateTransaction(t.tx, ctxOf(t)).documents[0];
    const claimIds = (v: unknown): string[] => JSON.stringify(v).match(/"patientControlNumber":"[^"]*"/g) ?? [];
    expect(docs.length).toBeGreaterThan(1);
    expect(docs.map((d) => claimIds(d.transaction))).toEqual(claimIds(whole.transaction).map((id) => [id]));
    docs.forEach((d, i) => expect(d.split).toEqual({ mode: 'claim', index: i + 1, count: docs.length, claimId: (d.key as { claimId: string }).claimId }));
  });

  it('when transaction sets are mutated (seeded), then the written text still equals JSON.stringify of the tree', () => {
    let compared = 0;
    for (const m of writerMutants(FILES.flatMap(([, read]) => transactions(read())))) {
      for (const t of transactions(m.bytes)) {
        expect({ round: m.name, text: semanticJson(t.tx, ctxOf(t)) }).toEqual({ round: m.name, text: expected(t) });
        expect({ round: m.name, claims: claimsWritten(t) }).toEqual({ round: m.name, claims: claimsExpected(t) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(250);
  });

  it('when a repeating element holds repetitions (DMG05), then each repetition is written as the tree has it', () => {
    const sets = FILES.flatMap(([, read]) => transactions(read())).filter((t) => t.tx.setId === '837' && t.tx.segments.some((g) => g.id === 'DMG'));
    expect(sets.length).toBeGreaterThan(3);
    let compared = 0;
    for (const source of sets.slice(0, 6)) {
      const r = source.tx.delimiters.repetition;
      for (const value of [`RET${r}2106-3`, `A${r}${r}B${r}`, `${r}`, `X${source.tx.delimiters.component}Y${r}"Z`]) {
        for (const t of rebuilt(source, (segs) => {
          for (const seg of segs) if (seg[0] === 'DMG') seg.splice(4, seg.length, seg[4] ?? 'U', value, 'AFTER');
        })) {
          expect(semanticJson(t.tx, ctxOf(t))).toBe(expected(t));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('when a value is longer than the output buffer, then the document is written in pieces of at most 64 KiB and reads back whole', () => {
    const [first] = transactions(readOwn('837D/patient-two-claims.x12'));
    const [t] = rebuilt(first, (segs) => {
      const nte = segs.findIndex((s) => s[0] === 'CLM');
      segs.splice(nte + 1, 0, ['NTE', 'ADD', 'X'.repeat(200_000) + '"\\']);
    });
    const pieces: number[] = [];
    const parts: Buffer[] = [];
    writeSemanticJson(t.tx, ctxOf(t), (b) => {
      pieces.push(b.length);
      parts.push(Buffer.from(b));
    });
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts).toString('utf8')).toBe(expected(t));
  });

  it('when the sink writes another transaction set while it is called, then both texts are right', () => {
    const [a, b] = [...transactions(readOwn('837D/patient-two-claims.x12')), ...transactions(readOwn('837D/subscriber-two-lines.x12'))];
    let inner: string | undefined;
    const outer: Buffer[] = [];
    writeSemanticJson(a.tx, ctxOf(a), (bytes) => {
      inner ??= semanticJson(b.tx, ctxOf(b));
      outer.push(Buffer.from(bytes));
    });
    expect(inner).toBe(expected(b));
    expect(Buffer.concat(outer).toString('utf8')).toBe(expected(a));
  });

  it('when the transaction set holds bytes outside ASCII, then the text is still that of JSON.stringify (UTF-8)', () => {
    const [first] = transactions(readOwn('837D/patient-two-claims.x12'));
    const text = first.tx.text.replace(/NM1\*IL\*1\*([A-Z]+)/, 'NM1*IL*1*M\u00dcLLER');
    const bytes = Buffer.concat([Buffer.from(readOwn('837D/patient-two-claims.x12').toString('latin1').replace(first.tx.text, text), 'latin1')]);
    const [t] = transactions(bytes);
    expect(t.tx.text).toContain('\u00dc');
    const written = semanticJson(t.tx, ctxOf(t));
    expect(written).toBe(expected(t));
    expect(written).toContain('M\u00dcLLER');
    // the bytes a publisher stores: the UTF-8 of that text
    expect(semanticJsonBytes(t.tx, ctxOf(t))?.equals(Buffer.from(expected(t), 'utf8'))).toBe(true);
  });

  it('when the transaction set is not of a supported guide, then nothing is written and the result is undefined', () => {
    const text = 'ISA*00*          *00*          *ZZ*S              *ZZ*R              *260101*1200*^*00501*000000001*0*T*:~GS*HS*S*R*20260101*1200*1*X*005010X279A1~ST*270*0001*005010X279A1~BHT*0022*13*1*20260101*1200~SE*3*0001~GE*1*1~IEA*1*000000001~';
    const [ic] = parseX12(Buffer.from(text, 'latin1'));
    const tx: TransactionSet = ic.groups[0].transactions[0];
    const written: Buffer[] = [];
    expect(writeSemanticJson(tx, { interchange: ic, group: ic.groups[0] }, (b) => written.push(b))).toBeUndefined();
    expect(written).toEqual([]);
  });
});
