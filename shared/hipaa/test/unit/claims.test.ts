import { parseX12Document, sequentialControlNumbers, validate } from '@ediflow/x12';
import { claimDecisions, documentsFor, generate277CA, guideValidator, toX12, treeSegments, type JsonObject, type SetDocuments } from '@ediflow/hipaa';
import { contentDigestOf, transactionIdFor } from '@ediflow/messages';
import { documentOf, documentsOf, readCorpus, readOwn, transactions, type Tx } from '../corpus';

const clock = (): Date => new Date('2026-02-03T04:05:00Z');

function first(path: string, own = false): Tx {
  const [t] = transactions(own ? readOwn(path) : readCorpus(path));
  return t;
}

/** The set as one file of its own text, read back. */
function fromText(text: string): Tx {
  const [t] = transactions(Buffer.from(text, 'latin1'));
  return t;
}

/** The façade's result for a partner that wants the 277CA (and so gets the claims' decisions). */
const judged = (t: Tx, lenient = false): SetDocuments =>
  documentsFor(t.tx, { interchange: t.ic, group: t.group, transactionIndex: t.index }, { acknowledgments: ['277CA'], lenient });

describe('splitting', () => {
  it('when an 837 with three claims is split per claim, then each document holds one claim under its own provider, subscriber and patient, keyed by CLM01', () => {
    const t = first('837P/imsweb__x12_complex.txt');
    const docs = documentsOf(t, { split: 'claim' });
    expect(docs.map((d) => d.split?.claimId)).toEqual(['A37YH556', 'A37YH667', 'A37YH668']);
    for (const d of docs) {
      const claims = JSON.stringify(d.transaction).match(/"loop":"2300"/g) ?? [];
      expect(claims).toHaveLength(1);
      expect(d.key.claimId).toBe(d.split?.claimId);
      expect(d.split?.count).toBe(3);
    }
    const ids = docs.map((d) => transactionIdFor({ partnerId: 'p1', interchangeControlNumber: d.key.interchangeControlNumber, groupControlNumber: d.key.groupControlNumber, transactionControlNumber: d.key.transactionControlNumber, transactionIndex: 1, contentDigest: contentDigestOf(t.tx.bytes), claimId: d.key.claimId }));
    expect(new Set(ids).size).toBe(3);
  });

  it('when a set is split per claim, then each document keeps its claim, its chain of loops and none of the other claims', () => {
    // the fixture's second patient has two claims under one subscriber: one document each
    const t = first('837D/patient-two-claims.x12', true);
    const docs = documentsOf(t, { split: 'claim' });
    const whole = documentOf(t);
    const claimIds = (v: unknown): string[] => JSON.stringify(v).match(/"patientControlNumber":"[^"]*"/g) ?? [];
    expect(docs.length).toBeGreaterThan(1);
    expect(docs.map((d) => claimIds(d.transaction))).toEqual(claimIds(whole.transaction).map((id) => [id]));
    docs.forEach((d, i) => expect(d.split).toEqual({ mode: 'claim', index: i + 1, count: docs.length, claimId: d.key.claimId }));
  });

  it('when an 835 is split per claim payment, then there is one document per CLP keyed by CLP01', () => {
    const docs = documentsOf(first('835/tigershark__5010-835-example-3.txt'), { split: 'claim' });
    expect(docs.map((d) => d.key.claimId)).toEqual(['EDI DENIAL', 'EDI PAID']);
    expect(JSON.stringify(docs[1].transaction)).not.toContain('EDI DENIAL');
  });

  it('when a split claim document is written back, then its segments are the header, its levels and only its claim', () => {
    const docs = documentsOf(first('837D/patient-two-claims.x12', true), { split: 'claim' });
    const segs = treeSegments(docs[1].guide, docs[1].transaction, docs[1].delimiters).map((e) => e.join('*'));
    expect(segs.filter((s) => s.startsWith('CLM*'))).toEqual(['CLM*DCLAIM003*1340.25***11:B:1*Y*A*Y*Y']);
    expect(segs.filter((s) => s.startsWith('HL*'))).toHaveLength(3);
  });

  it('when the split mode is the default or the guide does not split (277CA), then a transaction set is one document', () => {
    expect(documentsOf(first('837P/imsweb__x12_complex.txt'))).toHaveLength(1);
    const [ack] = transactions(readCorpus('277CA/imsweb__x12_277CA_rejected.txt'));
    expect(documentsOf(ack, { split: 'claim' }).map((d) => d.split)).toEqual([undefined]);
  });

  it('when the guide is not supported, then one document holds the envelope context and the segments as sent', () => {
    const [ic] = parseX12Document(readCorpus('824/x12types__005010_824.edi')).interchanges;
    const tx = ic.groups[0].transactions[0];
    const r = documentsFor(tx, { interchange: ic, group: ic.groups[0], fileId: 'f1' });
    expect(r.guide).toBeUndefined();
    const doc = JSON.parse(r.documents[0].bytes.toString('utf8')) as { transactionSet: string; source: unknown; segments: { id: string; position: number; elements: string[] }[] };
    expect(doc.transactionSet).toBe('824');
    expect(doc.source).toEqual({ fileId: 'f1', firstSegment: 1, lastSegment: tx.segments.length, offset: tx.offset });
    expect(doc.segments.map((s) => [s.id, s.position, ...s.elements])).toEqual(tx.segments.map((s) => [s.id, s.position, ...s.elements.slice(1)]));
  });
});

describe('claims and the 277CA', () => {
  it('when an 837D is read, then its claims carry CLM01, the exact charge, billing provider and service dates', () => {
    const claims = judged(first('837D/patient-two-claims.x12', true)).ack277?.claims.claims ?? [];
    expect(claims.map((c) => [c.claimId, c.chargeAmount, c.serviceDates?.from, c.serviceDates?.to])).toEqual([
      ['DCLAIM002', '120', '20260103', '20260103'],
      ['DCLAIM003', '1340.25', '20260103', '20260104'],
    ]);
    expect(claims[0].billingProvider.id).toBe('1999999984');
    expect(claims[0].patient.lastName).toBe('TESTCHILD');
  });

  it('when one claim is out of balance, then only that claim is rejected, with status A7:400', () => {
    const t = fromText(readOwn('837D/patient-two-claims.x12').toString('latin1').replace('CLM*DCLAIM003*1340.25*', 'CLM*DCLAIM003*1340.26*'));
    const { decisions } = judged(t);
    expect(decisions?.map((d) => [d.claimId, d.accepted])).toEqual([['DCLAIM002', true], ['DCLAIM003', false]]);
    expect(decisions?.[1].statuses).toEqual([{ category: 'A7', status: '400' }]);
  });

  it('when an issue sits in the billing provider level, then every claim under it is rejected', () => {
    const t = fromText(readOwn('837D/patient-two-claims.x12').toString('latin1').replace('NM1*85*2*EXAMPLE DENTAL GROUP*****XX*1999999984~', 'NM1*85*2*EXAMPLE DENTAL GROUP*****XX~'));
    const { decisions } = judged(t);
    expect(decisions?.map((d) => d.accepted)).toEqual([false, false]);
    expect(decisions?.[0].statuses).toEqual([{ category: 'A7', status: '21', entity: '85' }]);
  });

  it('when an issue sits in one subscriber level, then only the claims under that subscriber are rejected', () => {
    // one billing provider, two subscribers with one claim each; the second subscriber's last name removed
    const text = readCorpus('837I/lfh__two-claims-single-provider.837i').toString('latin1');
    const original = fromText(text);
    const changed = judged(fromText(text.replace('NM1*IL*1*SMITH*JOE', 'NM1*IL*1**JOE')));
    // the sample's own findings (a ZIP pattern in 2010AA, 4010-style codes in 2300) are left out: only the one the change made
    const before = new Set(judged(original).verdict.issues.map((i) => i.message));
    const issues = changed.verdict.issues.filter((i) => !before.has(i.message));
    expect(issues.map((i) => [i.segment?.loopId, i.message])).toEqual([['2010BA', 'NM103 in loop 2010BA: required element missing']]);
    const set = changed.ack277?.claims;
    if (set === undefined) throw new Error('a partner that wants the 277CA gets what it needs');
    const decisions = claimDecisions(set.claims, issues, set.entities);
    expect(decisions.map((d) => [d.claimId, d.accepted])).toEqual([['756048Q', true], ['756049Q', false]]);
    expect(decisions[1].statuses).toEqual([{ category: 'A7', status: '21', entity: 'IL' }]);
  });

  it('when the 837 lacks what the 277CA repeats (CLM01, CLM02, names, ids), then the 277CA still conforms, with the envelope ids and UNKNOWN in their place', () => {
    const t = fromText(readOwn('837D/patient-two-claims.x12').toString('latin1')
      .replace(/NM1\*41\*2\*[^~]*~/, 'NM1*41*2~')
      .replace(/NM1\*40\*2\*[^~]*~/, 'NM1*40*2~')
      .replace('NM1*85*2*EXAMPLE DENTAL GROUP*****XX*1999999984~', 'NM1*85*2~')
      .replace('CLM*DCLAIM003*1340.25*', 'CLM**1340.2.5*'));
    const input = judged(t).ack277;
    if (input === undefined) throw new Error('a partner that wants the 277CA gets what it needs');
    const ack = generate277CA([input], { controlNumbers: sequentialControlNumbers(7), clock }) as string;
    const report = validate(parseX12Document(ack), { validators: [guideValidator()] });
    expect(report.interchanges[0].groups[0].transactions[0].issues).toEqual([]);
    expect(report.valid).toBe(true);
    // 2100A / 2100B: the 837's ISA08 / ISA06; the billing provider's tax id (REF*EI) stands for its missing NPI
    expect(ack).toContain(`NM1*PR*2*${t.ic.header.receiverId.trim()}*****46*${t.ic.header.receiverId.trim()}~`);
    expect(ack).toContain(`NM1*41*2*${t.ic.header.senderId.trim()}*****46*${t.ic.header.senderId.trim()}~`);
    expect(ack).toMatch(/NM1\*85\*2\*UNKNOWN\*\*\*\*\*FI\*\d+~/);
    // the claim without CLM01 and with an unreadable charge is still reported, rejected
    expect(ack).toMatch(/TRN\*2\*UNKNOWN~\nSTC\*A7:21\*20260203\*U\*0\*/);
  });

  it('when the 837 holds no claim, then there is no 277CA (the 999 answers for the set) and no control number is used', () => {
    const input = judged(first('837D/patient-two-claims.x12', true)).ack277;
    if (input === undefined) throw new Error('a partner that wants the 277CA gets what it needs');
    const numbers = sequentialControlNumbers(1);
    expect(generate277CA([{ claims: { ...input.claims, claims: [] }, decisions: [] }], { controlNumbers: numbers, clock })).toBeUndefined();
    expect(numbers.next('interchange')).toBe(1);
  });

  it('when a 277CA is generated, then it conforms to 005010X214 and says accepted/rejected per claim with counts and amounts', () => {
    const t = fromText(readOwn('837D/patient-two-claims.x12').toString('latin1').replace('CLM*DCLAIM003*1340.25*', 'CLM*DCLAIM003*1340.26*'));
    const input = judged(t).ack277;
    if (input === undefined) throw new Error('a partner that wants the 277CA gets what it needs');
    const ack = generate277CA([input], { controlNumbers: sequentialControlNumbers(50), clock }) as string;
    const parsed = parseX12Document(ack);
    const report = validate(parsed, { validators: [guideValidator()] });
    expect(report.interchanges[0].groups[0].transactions[0].issues).toEqual([]);
    expect(report.valid).toBe(true);
    expect(ack).toContain('QTY*90*1~');
    expect(ack).toContain('QTY*AA*1~');
    expect(ack).toContain('AMT*YU*120~');
    expect(ack).toContain('AMT*YY*1340.26~');
    expect(ack).toMatch(/TRN\*2\*DCLAIM002~\nSTC\*A2:20:PR\*20260203\*WQ\*120~/);
    expect(ack).toMatch(/TRN\*2\*DCLAIM003~\nSTC\*A7:400\*20260203\*U\*1340.26~/);
    expect(ack).toMatch(/^ISA\*00\*          \*00\*          \*ZZ\*FAKERECEIVER   \*ZZ\*FAKESUBMITTER  \*260203\*0405\*\^\*00501\*000000050\*/);
    // and it reads back as a 277CA document
    const [ic] = parsed.interchanges;
    const back = documentOf({ ic, group: ic.groups[0], tx: ic.groups[0].transactions[0], index: 1 });
    expect(back.guide).toBe('005010X214');
    const receiver = (back.transaction.informationSources as JsonObject[])[0].informationReceivers as JsonObject;
    expect(((receiver.billingProviders as JsonObject[])[0].patients as JsonObject[])).toHaveLength(2);
  });
});

describe('lenient mode', () => {
  it('when one claim of two is bad, then only the good claim is published and the verdict is accepted with errors', () => {
    const t = fromText(readOwn('837D/patient-two-claims.x12').toString('latin1').replace('CLM*DCLAIM003*1340.25*', 'CLM*DCLAIM003*1340.26*'));
    expect(judged(t).verdict.ack).toBe('R');
    const lenient = judged(t, true);
    expect(lenient.verdict.ack).toBe('E');
    expect(lenient.decisions?.map((d) => d.accepted)).toEqual([true, false]);
    expect(lenient.documents.map((d) => d.claimId)).toEqual(['DCLAIM002']);
    // the accepted claim's document is the one a split partner gets for it
    const split = documentsFor(t.tx, { interchange: t.ic, group: t.group, transactionIndex: t.index }, { split: 'claim' });
    expect(lenient.documents[0].bytes.equals(split.documents[0].bytes)).toBe(true);
    // whatever the split setting says
    expect(documentsFor(t.tx, { interchange: t.ic, group: t.group, transactionIndex: t.index }, { lenient: true, split: 'transaction' }).documents.map((d) => d.claimId)).toEqual(['DCLAIM002']);
  });

  it('when the partner accepts a code with errors, then the set is accepted with the error noted', () => {
    const t = fromText(readOwn('837D/patient-two-claims.x12').toString('latin1').replace('CLM*DCLAIM003*1340.25*', 'CLM*DCLAIM003*1340.26*'));
    const r = documentsFor(t.tx, { interchange: t.ic, group: t.group }, { acceptWithErrors: ['GUIDE_BALANCE'] });
    expect(r.verdict.ack).toBe('E');
    expect(r.verdict.issues.map((i) => [i.code, i.severity])).toEqual([['GUIDE_BALANCE', 'warning']]);
  });
});

describe('writing X12 safely', () => {
  it('when a value holds the chosen element separator, then toX12 refuses instead of writing a broken segment', () => {
    const doc = documentOf(first('837D/subscriber-two-lines.x12', true));
    expect(() => toX12(doc, { controlNumbers: sequentialControlNumbers(1), clock, delimiters: { element: 'E', component: ':', repetition: '^', segment: '~' } })).toThrow(
      expect.objectContaining({ code: 'HIPAA_DELIMITER_IN_VALUE' }),
    );
  });
});
