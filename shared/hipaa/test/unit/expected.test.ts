// EXPECTED.tsv facts (what the source projects' own tests assert), found in the semantic fields.
import type { JsonObject, JsonValue, SemanticDocument } from '@ediflow/hipaa';
import { documentOf, expected, readCorpus, transactions } from '../corpus';

function docs(path: string): SemanticDocument[] {
  return transactions(readCorpus(path)).map((t) => documentOf(t));
}
const obj = (v: JsonValue | undefined): JsonObject => v as JsonObject;
const list = (v: JsonValue | undefined): JsonObject[] => (v === undefined ? [] : Array.isArray(v) ? (v as JsonObject[]) : [v as JsonObject]);
const claimsOf835 = (d: SemanticDocument): JsonObject[] => list(d.transaction.claimPaymentGroups).flatMap((g) => list(g.claimPayments));
const linesOf835 = (d: SemanticDocument): JsonObject[] => claimsOf835(d).flatMap((c) => list(c.servicePayments));
const claimsOf837 = (d: SemanticDocument): JsonObject[] =>
  list(d.transaction.billingProviders).flatMap((b) => list(b.subscribers).flatMap((s) => [...list(s.claims), ...list(s.patients).flatMap((p) => list(p.claims))]));

function fact(path: string, text: string): string {
  const row = expected().find((r) => r.path === path && r.fact.startsWith(text));
  if (row === undefined) throw new Error(`no EXPECTED row ${path} ${text}`);
  return row.value;
}

describe('EXPECTED.tsv values in the semantic fields', () => {
  it('when the 837P with other separators is read, then the first claim CLM01 is the expected one', () => {
    const path = '837P/imsweb__x12_valid_different_separators.txt';
    expect(obj(claimsOf837(docs(path)[0])[0].claim).patientControlNumber).toBe(fact(path, 'parses to exactly'));
  });

  it('when the many-claims 837P is read, then it has the expected number of billing provider levels and the SE01 as sent', () => {
    const path = '837P/imsweb__x12_many_claims.txt';
    const [d] = docs(path);
    expect(String(list(d.transaction.billingProviders).length)).toBe(fact(path, 'number of 2000A'));
    expect(obj(d.transaction.transactionSetTrailer).segmentCount).toBe(fact(path, 'SE01'));
  });

  it('when the complex 837P is read, then ISA09 and the interchange control number are in the envelope context', () => {
    const path = '837P/imsweb__x12_complex.txt';
    const [isa09, iea02] = fact(path, 'ISA09').split(' / ');
    for (const d of docs(path)) {
      expect(d.interchange.date).toBe(isa09);
      expect(d.interchange.controlNumber).toBe(iea02);
    }
  });

  it('when the ambiguous-loop 837P is read, then the line NM1*82 resolves to 2420A (rendering provider), not 2310B or 2330D', () => {
    const path = '837P/imsweb__x12_ambiguous_loop.txt';
    const [count, nm103, prv03] = fact(path, 'number of 2420A').split(' / ');
    const [d] = docs(path);
    const claims = claimsOf837(d);
    const lines = claims.flatMap((c) => list(c.serviceLines));
    const rendering = lines.flatMap((l) => list(l.renderingProvider));
    expect(String(rendering.length)).toBe(count);
    expect(obj(rendering[0].name).lastOrOrganizationName).toBe(nm103);
    expect(obj(rendering[0].specialtyInformation).providerTaxonomyCode).toBe(prv03);
    expect(claims.flatMap((c) => list(c.renderingProvider))).toHaveLength(0);
    expect(claims.flatMap((c) => list(c.otherSubscribers)).flatMap((o) => list(o.otherPayerRenderingProvider))).toHaveLength(0);
  });

  it('when the 277CA is read, then the 2200D status carries category, status and entity as components', () => {
    const path = '277CA/imsweb__x12_277CA_rejected.txt';
    const [category, status, entity] = fact(path, '2200D STC01').split(':');
    const [d] = docs(path);
    const patients = list(d.transaction.informationSources)
      .flatMap((a) => list(a.informationReceivers))
      .flatMap((b) => list(b.billingProviders))
      .flatMap((c) => list(c.patients));
    const stc = obj(list(list(patients[0].claimStatuses)[0].levelStatusInformation)[0].healthCareClaimStatus);
    expect([stc.healthCareClaimStatusCategoryCode, stc.healthCareClaimStatusCode, stc.entityIdentifierCode]).toEqual([category, status, entity]);
  });

  it.each([
    ['835/edi835__blue_cross_nc_sample.txt'],
    ['835/edi835__united_healthcare_legacy_sample.txt'],
    ['835/edi835__emedny_sample.txt'],
  ])('when %s is read, then the number of claims and of distinct patients is the expected one', (path) => {
    const d = docs(path)[0];
    const claims = claimsOf835(d);
    expect(String(claims.length)).toBe(fact(path, 'number of claims'));
    const patients = new Set(claims.map((c) => JSON.stringify(c.patientName)));
    expect(String(patients.size)).toBe(fact(path, 'number of distinct patients'));
  });

  it('when the Blue Cross 835 is read, then BPR02 and the first line code, charge, payment and allowed amount are exact decimal strings', () => {
    const path = '835/edi835__blue_cross_nc_sample.txt';
    const d = docs(path)[0];
    expect(obj(d.transaction.financialInformation).totalActualProviderPaymentAmount).toBe(fact(path, 'BPR02'));
    const [code, charge, paid, allowed] = fact(path, '1st service line').split(' / ');
    const line = linesOf835(d)[0];
    const svc = obj(line.servicePayment);
    expect(obj(svc.compositeMedicalProcedureIdentifier).adjudicatedProcedureCode).toBe(code);
    expect(Number(svc.lineItemChargeAmount)).toBe(Number(charge));
    expect(svc.lineItemProviderPaymentAmount).toBe(paid);
    const b6 = list(line.supplementalAmount).find((a) => a.amountQualifierCode === 'B6');
    expect(b6?.serviceSupplementalAmount).toBe(allowed);
  });

  it.each([['835/edi835__united_healthcare_legacy_sample.txt'], ['835/edi835__emedny_sample.txt']])('when %s is read, then payer name and number of service lines match', (path) => {
    const d = docs(path)[0];
    const [name, lines] = fact(path, 'payer name').split('; ');
    expect(obj(obj(d.transaction.payer).identification).payerName).toBe(name);
    expect(String(linesOf835(d).length)).toBe(lines);
  });

  it('when the TigerShark 5010 835 is read, then payment, claims, patient, group number and first line match', () => {
    const path = '835/tigershark__5010-835-example-3.txt';
    const d = docs(path)[0];
    expect(obj(d.transaction.financialInformation).totalActualProviderPaymentAmount).toBe(fact(path, 'BPR02'));
    const claims = claimsOf835(d);
    expect(String(claims.length)).toBe(fact(path, 'number of claims'));
    const [first, group] = fact(path, '1st claim: patient').split(' / ');
    expect(obj(claims[0].patientName).firstName).toBe(first);
    expect(list(claims[0].otherClaimRelatedIdentification).find((r) => r.referenceIdentificationQualifier === '1L')?.otherClaimRelatedIdentifier).toBe(group);
    const [charge, quantity] = fact(path, '1st claim 1st line').split(' / ');
    const svc = obj(list(claims[0].servicePayments)[0].servicePayment);
    expect(svc.lineItemChargeAmount).toBe(charge);
    expect(svc.unitsOfServicePaidCount).toBe(quantity);
  });
});
