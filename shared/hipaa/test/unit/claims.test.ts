import { parseX12Document, sequentialControlNumbers, validate } from '@ediflow/x12';
import { GUIDE_ISSUE_CODES, claimDecisions, generate277CA, guideValidator, lenientClaims, lenientClaimsJson, listClaims, toX12, translateTransaction, treeSegments, type JsonObject } from '@ediflow/hipaa';
import { contentDigestOf, transactionIdFor } from '@ediflow/messages';
import { readCorpus, readOwn, transactions } from '../corpus';

const clock = (): Date => new Date('2026-02-03T04:05:00Z');

function first(path: string, own = false) {
  const [t] = transactions(own ? readOwn(path) : readCorpus(path));
  return { ...t, doc: translateTransaction(t.tx, { interchange: t.ic, group: t.group }).documents[0] };
}

describe('splitting', () => {
  it('when an 837 with three claims is split per claim, then each document holds one claim under its own provider, subscriber and patient, keyed by CLM01', () => {
    const { ic, group, tx } = first('837P/imsweb__x12_complex.txt');
    const r = translateTransaction(tx, { interchange: ic, group, transactionIndex: 1 }, { split: 'claim' });
    expect(r.documents.map((d) => d.split?.claimId)).toEqual(['A37YH556', 'A37YH667', 'A37YH668']);
    for (const d of r.documents) {
      const claims = JSON.stringify(d.transaction).match(/"loop":"2300"/g) ?? [];
      expect(claims).toHaveLength(1);
      expect(d.key.claimId).toBe(d.split?.claimId);
      expect(d.split?.count).toBe(3);
    }
    const ids = r.documents.map((d) => transactionIdFor({ partnerId: 'p1', interchangeControlNumber: d.key.interchangeControlNumber, groupControlNumber: d.key.groupControlNumber, transactionControlNumber: d.key.transactionControlNumber, transactionIndex: 1, contentDigest: contentDigestOf(tx.bytes), claimId: d.key.claimId }));
    expect(new Set(ids).size).toBe(3);
  });

  it('when a set is split per claim, then the result also carries the whole set as one document, unchanged by the split', () => {
    const { ic, group, tx } = first('837P/imsweb__x12_complex.txt');
    const ctx = { interchange: ic, group, transactionIndex: 1 };
    const whole = translateTransaction(tx, ctx).documents[0];
    const split = translateTransaction(tx, ctx, { split: 'claim' });
    expect(split.documents).toHaveLength(3);
    expect(split.whole).toEqual(whole);
    expect(JSON.stringify(split.whole?.transaction).match(/"loop":"2300"/g)).toHaveLength(3);
    const unsplit = translateTransaction(tx, ctx);
    expect(unsplit.whole).toBe(unsplit.documents[0]);
  });

  it('when an 835 is split per claim payment, then there is one document per CLP keyed by CLP01', () => {
    const { ic, group, tx } = first('835/tigershark__5010-835-example-3.txt');
    const r = translateTransaction(tx, { interchange: ic, group }, { split: 'claim' });
    expect(r.documents.map((d) => d.key.claimId)).toEqual(['EDI DENIAL', 'EDI PAID']);
    expect(JSON.stringify(r.documents[1].transaction)).not.toContain('EDI DENIAL');
  });

  it('when a split claim document is written back, then its segments are the header, its levels and only its claim', () => {
    const { ic, group, tx } = first('837D/patient-two-claims.x12', true);
    const r = translateTransaction(tx, { interchange: ic, group }, { split: 'claim' });
    const segs = treeSegments(r.documents[1].guide, r.documents[1].transaction, r.documents[1].delimiters).map((e) => e.join('*'));
    expect(segs.filter((s) => s.startsWith('CLM*'))).toEqual(['CLM*DCLAIM003*1340.25***11:B:1*Y*A*Y*Y']);
    expect(segs.filter((s) => s.startsWith('HL*'))).toHaveLength(3);
  });

  it('when the split mode is the default, then a transaction set is one document', () => {
    const { ic, group, tx } = first('837P/imsweb__x12_complex.txt');
    expect(translateTransaction(tx, { interchange: ic, group }).documents).toHaveLength(1);
  });

  it('when the guide is not supported, then no document and no guide come back (fall back to raw segments)', () => {
    const [ic] = parseX12Document(readCorpus('270/lfh__demo.270')).interchanges;
    const r = translateTransaction(ic.groups[0].transactions[0], { interchange: ic, group: ic.groups[0] });
    expect(r).toEqual({ documents: [] });
  });
});

describe('claims and the 277CA', () => {
  it('when an 837D is listed, then claims carry CLM01, the exact charge, billing provider and service dates', () => {
    const { doc } = first('837D/patient-two-claims.x12', true);
    const claims = listClaims(doc);
    expect(claims.map((c) => [c.claimId, c.chargeAmount, c.serviceDates?.from, c.serviceDates?.to])).toEqual([
      ['DCLAIM002', '120', '20260103', '20260103'],
      ['DCLAIM003', '1340.25', '20260103', '20260104'],
    ]);
    expect(claims[0].billingProvider.id).toBe('1999999984');
    expect(claims[0].patient.lastName).toBe('TESTCHILD');
  });

  it('when one claim is out of balance, then only that claim is rejected (lenient), with status A7:400', () => {
    const text = readOwn('837D/patient-two-claims.x12').toString('latin1').replace('CLM*DCLAIM003*1340.25*', 'CLM*DCLAIM003*1340.26*');
    const [t] = transactions(Buffer.from(text, 'latin1'));
    const doc = translateTransaction(t.tx, { interchange: t.ic, group: t.group }).documents[0];
    const report = validate(parseX12Document(text), { validators: [guideValidator()] });
    const issues = report.interchanges[0].groups[0].transactions[0].issues;
    const decisions = claimDecisions(doc, issues);
    expect(decisions.map((d) => [d.claimId, d.accepted])).toEqual([['DCLAIM002', true], ['DCLAIM003', false]]);
    expect(decisions[1].statuses).toEqual([{ category: 'A7', status: '400' }]);
  });

  it('when an issue sits in the billing provider level, then every claim under it is rejected', () => {
    const text = readOwn('837D/patient-two-claims.x12').toString('latin1').replace('NM1*85*2*EXAMPLE DENTAL GROUP*****XX*1999999984~', 'NM1*85*2*EXAMPLE DENTAL GROUP*****XX~');
    const [t] = transactions(Buffer.from(text, 'latin1'));
    const doc = translateTransaction(t.tx, { interchange: t.ic, group: t.group }).documents[0];
    const decisions = claimDecisions(doc, t.tx.issues.concat(validate(parseX12Document(text), { validators: [guideValidator()] }).interchanges[0].groups[0].transactions[0].issues));
    expect(decisions.map((d) => d.accepted)).toEqual([false, false]);
    expect(decisions[0].statuses).toEqual([{ category: 'A7', status: '21', entity: '85' }]);
  });

  it('when an issue sits in one subscriber level, then only the claims under that subscriber are rejected', () => {
    // one billing provider, two subscribers with one claim each; the second subscriber's last name removed
    const original = readCorpus('837I/lfh__two-claims-single-provider.837i').toString('latin1');
    const text = original.replace('NM1*IL*1*SMITH*JOE', 'NM1*IL*1**JOE');
    const [t] = transactions(Buffer.from(text, 'latin1'));
    const doc = translateTransaction(t.tx, { interchange: t.ic, group: t.group }).documents[0];
    const issuesOf = (x12: string) => validate(parseX12Document(x12), { validators: [guideValidator()] }).interchanges[0].groups[0].transactions[0].issues;
    // the sample's own findings (a ZIP pattern in 2010AA, 4010-style codes in 2300) are left out: only the one the change made
    const before = new Set(issuesOf(original).map((i) => i.message));
    const issues = issuesOf(text).filter((i) => !before.has(i.message));
    expect(issues.map((i) => [i.segment?.loopId, i.message])).toEqual([['2010BA', 'NM103 in loop 2010BA: required element missing']]);
    const decisions = claimDecisions(doc, issues);
    expect(decisions.map((d) => [d.claimId, d.accepted])).toEqual([['756048Q', true], ['756049Q', false]]);
    expect(decisions[1].statuses).toEqual([{ category: 'A7', status: '21', entity: 'IL' }]);
  });

  it('when the 837 lacks what the 277CA repeats (CLM01, CLM02, names, ids), then the 277CA still conforms, with the envelope ids and UNKNOWN in their place', () => {
    const text = readOwn('837D/patient-two-claims.x12').toString('latin1')
      .replace(/NM1\*41\*2\*[^~]*~/, 'NM1*41*2~')
      .replace(/NM1\*40\*2\*[^~]*~/, 'NM1*40*2~')
      .replace('NM1*85*2*EXAMPLE DENTAL GROUP*****XX*1999999984~', 'NM1*85*2~')
      .replace('CLM*DCLAIM003*1340.25*', 'CLM**1340.2.5*');
    const [t] = transactions(Buffer.from(text, 'latin1'));
    const doc = translateTransaction(t.tx, { interchange: t.ic, group: t.group }).documents[0];
    const issues = [...t.tx.issues, ...validate(parseX12Document(text), { validators: [guideValidator()] }).interchanges[0].groups[0].transactions[0].issues];
    const ack = generate277CA([{ document: doc, issues }], { controlNumbers: sequentialControlNumbers(7), clock }) as string;
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
    const { doc } = first('837D/patient-two-claims.x12', true);
    const numbers = sequentialControlNumbers(1);
    const none = { ...doc, transaction: { source: doc.transaction.source } };
    expect(generate277CA([{ document: none, issues: [] }], { controlNumbers: numbers, clock })).toBeUndefined();
    expect(numbers.next('interchange')).toBe(1);
  });

  it('when a 277CA is generated, then it conforms to 005010X214 and says accepted/rejected per claim with counts and amounts', () => {
    const text = readOwn('837D/patient-two-claims.x12').toString('latin1').replace('CLM*DCLAIM003*1340.25*', 'CLM*DCLAIM003*1340.26*');
    const [t] = transactions(Buffer.from(text, 'latin1'));
    const doc = translateTransaction(t.tx, { interchange: t.ic, group: t.group }).documents[0];
    const issues = validate(parseX12Document(text), { validators: [guideValidator()] }).interchanges[0].groups[0].transactions[0].issues;
    const ack = generate277CA([{ document: doc, issues }], { controlNumbers: sequentialControlNumbers(50), clock }) as string;
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
    const back = translateTransaction(ic.groups[0].transactions[0], { interchange: ic, group: ic.groups[0] }).documents[0];
    expect(back.guide).toBe('005010X214');
    const receiver = (back.transaction.informationSources as JsonObject[])[0].informationReceivers as JsonObject;
    expect(((receiver.billingProviders as JsonObject[])[0].patients as JsonObject[])).toHaveLength(2);
  });
});

describe('lenient mode', () => {
  it('when one claim of two is bad, then only the good claim is published and the partner policy turns the 999 into accepted-with-errors', () => {
    const text = readOwn('837D/patient-two-claims.x12').toString('latin1').replace('CLM*DCLAIM003*1340.25*', 'CLM*DCLAIM003*1340.26*');
    const parsed = parseX12Document(text);
    const strict = validate(parsed, { validators: [guideValidator()] }).interchanges[0].groups[0].transactions[0];
    expect(strict.ack).toBe('R');
    const lenient = validate(parsed, { validators: [guideValidator()], warnOnly: [...GUIDE_ISSUE_CODES] }).interchanges[0].groups[0].transactions[0];
    expect(lenient.ack).toBe('E');
    const [t] = transactions(Buffer.from(text, 'latin1'));
    const r = lenientClaims(t.tx, { interchange: t.ic, group: t.group }, strict.issues);
    expect(r.decisions.map((d) => d.accepted)).toEqual([true, false]);
    expect(r.accepted.map((d) => d.key.claimId)).toEqual(['DCLAIM002']);
    // the same from the bytes: the accepted documents' JSON text, the same decisions and whole document
    const bytes = lenientClaimsJson(t.tx, { interchange: t.ic, group: t.group }, strict.issues);
    expect(bytes.decisions).toEqual(r.decisions);
    expect(bytes.whole).toEqual(r.whole);
    expect(bytes.accepted.map((d) => [d.claimId, d.bytes.toString('utf8')])).toEqual(r.accepted.map((d) => [d.key.claimId, JSON.stringify(d)]));
  });
});

describe('writing X12 safely', () => {
  it('when a value holds the chosen element separator, then toX12 refuses instead of writing a broken segment', () => {
    const { doc } = first('837D/subscriber-two-lines.x12', true);
    expect(() => toX12(doc, { controlNumbers: sequentialControlNumbers(1), clock, delimiters: { element: 'E', component: ':', repetition: '^', segment: '~' } })).toThrow(
      expect.objectContaining({ code: 'HIPAA_DELIMITER_IN_VALUE' }),
    );
  });
});
