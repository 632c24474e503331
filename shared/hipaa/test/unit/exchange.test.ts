/**
 * The request and response guides (eligibility, claim status, enrollment, premium payment, 999)
 * beyond what corpus.test.ts checks for every file (translation, schema, round trips): which guide
 * a set resolves to, what their JSON holds, and the 999 a mutated copy gets.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateAcks, parseX12, parseX12Document, sequentialControlNumbers, validate } from '@ediflow/x12';
import { documentsFor, guideValidator, lookupGuide, resolveGuide, type JsonObject, type JsonValue, type SegmentsDocument } from '@ediflow/hipaa';
import { OWN, documentOf, readCorpus, readOwn, rebuiltBytes, transactions } from '../corpus';

const obj = (v: JsonValue | undefined): JsonObject => v as JsonObject;
const list = (v: JsonValue | undefined): JsonObject[] => (v === undefined ? [] : Array.isArray(v) ? (v as JsonObject[]) : [v as JsonObject]);

/** The 999 of a file, checked with the guide. */
function ack999(bytes: Buffer): string {
  const report = validate(parseX12Document(bytes), { validators: [guideValidator()] });
  const acks = generateAcks(report, { controlNumbers: sequentialControlNumbers(1), clock: () => new Date('2026-01-01T00:00:00Z') });
  return acks.ack999 ?? '';
}

/** This package's own fixture (820, 278) when there is one of the path, else a corpus file. */
const read = (path: string): Buffer => (existsSync(join(OWN, path)) ? readOwn(path) : readCorpus(path));

/** The first set of a file with its segments changed by `mutate`, as a file of its own (SE01 counted again). */
function mutated(path: string, mutate: (segments: string[][]) => void): Buffer {
  const [t] = transactions(read(path));
  let count = 0;
  const text = rebuiltBytes(t, (segs) => {
    mutate(segs);
    count = segs.length + 2;
  }).toString('latin1');
  const e = t.tx.delimiters.element;
  return Buffer.from(text.replace(new RegExp(`(^|\\n)SE\\${e}\\d+\\${e}`), `$1SE${e}${count}${e}`), 'latin1');
}

/** Removes the first segment `id` whose element 1 is `qualifier` (any when undefined). */
const without = (id: string, qualifier?: string) => (segs: string[][]): void => {
  const i = segs.findIndex((s) => s[0] === id && (qualifier === undefined || s[1] === qualifier));
  if (i < 0) throw new Error(`no ${id} to remove`);
  segs.splice(i, 1);
};

/** Sets element `n` of the first segment `id` to `value`. */
const setting = (id: string, n: number, value: string) => (segs: string[][]): void => {
  const s = segs.find((x) => x[0] === id);
  if (s === undefined) throw new Error(`no ${id} to change`);
  while (s.length <= n) s.push('');
  s[n] = value;
};

describe('guide resolution of the request and response sets', () => {
  it.each([
    ['270', '005010X279A1', '', '005010X279A1-270'],
    ['271', '005010X279A1', '', '005010X279A1-271'],
    ['271', '', '005010X279', '005010X279A1-271'],
    ['277', '005010X214', '005010X212', '005010X214'],
    ['277', '005010X214', '', '005010X214'],
    ['277', '005010X212', '', '005010X212-277'],
    ['277', '', '005010X212', '005010X212-277'],
    ['277', '005010X212', '005010X214', '005010X212-277'],
    ['276', '005010X212', '', '005010X212-276'],
    ['276', '', '005010X212', '005010X212-276'],
    ['834', '005010X220A1', '', '005010X220A1'],
    ['834', '', '005010X220', '005010X220A1'],
    ['999', '005010X231', '005010X231', '005010X231A1'],
    ['820', '005010X218', '', '005010X218'],
  ])('when ST01 is %s, ST03 %s and GS08 %s, then the guide is %s', (setId, st03, gs08, guide) => {
    expect(resolveGuide(setId, st03, gs08)).toBe(guide);
  });

  it('when a set names a reference of another set (a 270 under an 835 reference), then no guide is found', () => {
    expect(resolveGuide('270', '005010X221A1', '005010X221A1')).toBeUndefined();
    expect(resolveGuide('835', '005010X279A1', '005010X279A1')).toBeUndefined();
  });
});

describe('eligibility (270/271, 005010X279A1)', () => {
  it('when a 271 lists service types as repetitions, then EB03 is a list and the HL levels nest source > receiver > subscriber', () => {
    const [t] = transactions(readCorpus('271/nodex12__271.edi'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X279A1-271');
    const subscriber = list(list(list(doc.transaction.informationSources)[0].informationReceivers)[0].subscribers)[0];
    const benefits = list(obj(subscriber.subscriber).benefits);
    expect(obj(benefits[1].benefit).serviceTypeCode).toEqual(['30', '42', '45', '48', '49', '69', '76', '83', 'A5', 'A7', 'AG', 'BT', 'BU', 'BV']);
    expect(obj(benefits[1].benefit).insuranceTypeCode).toBe('MA');
    // LS, the related entity loop and LE sit in the benefit loop, as the guide has them
    const last = benefits[benefits.length - 1];
    expect(obj(last.loopHeader).identifierCode).toBe('2120');
    expect(obj(list(last.relatedEntities)[0].name).entityIdentifierCode).toBe('PR');
    expect(obj(last.loopTrailer).identifierCode).toBe('2120');
  });

  it('when a 270 asks for a subscriber, then the inquiry sits in the subscriber with its service type', () => {
    const [t] = transactions(readCorpus('270/lfh__demo.270'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X279A1-270');
    const subscriber = obj(list(list(list(doc.transaction.informationSources)[0].informationReceivers)[0].subscribers)[0].subscriber);
    expect(obj(subscriber.name).entityIdentifierCode).toBe('IL');
    expect(obj(list(subscriber.eligibilityInquiries)[0].inquiry).serviceTypeCode).toEqual(['30']);
  });

  it('when the one bad set of a batch has an NM102 outside its code list, then only that set is rejected and its 999 names NM1 and NM102', () => {
    const text = ack999(readCorpus('270/kartik__batch_with_one_bad_transaction.x12'));
    expect(text).toMatch(/AK2\*270\*0002\*005010X279A1~\nIK3\*NM1\*\d+\*\*8~\nIK4\*2\*1065\*7\*9~\nIK5\*R\*5~/);
    expect(text.match(/IK5\*A~/g)).toHaveLength(2);
  });

  it('when the LS/LE wrapper sample puts a REF inside LS/LE and a DTP after LE, then both are reported out of sequence (IK304 7)', () => {
    const text = ack999(readCorpus('271/kartik__271_ls_le_wrapper.x12'));
    expect(text).toMatch(/IK3\*REF\*\d+\*\*7~/);
    expect(text).toMatch(/IK3\*DTP\*\d+\*\*7~/);
  });
});

describe('claim status request (276, 005010X212)', () => {
  it('when a request asks about claims of two providers, then each claim sits under its subscriber or dependent with its references, charge and service line', () => {
    const [t] = transactions(readCorpus('276/lfh__claim-level-status.276'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X212-276');
    const providers = list(list(list(doc.transaction.informationSources)[0].informationReceivers)[0].serviceProviders);
    expect(providers).toHaveLength(2);
    const [first, second] = list(providers[0].subscribers);
    expect(obj(first.demographicInformation).birthDate).toBe('19301210');
    const claim = list(first.claims)[0];
    expect(obj(claim.trackingNumber).referencedTransactionTraceNumber).toBe('ABCXYZ1');
    expect(obj(claim.institutionalBillTypeIdentification).billTypeIdentifier).toBe('111');
    expect(obj(claim.patientControlNumber).patientControlNumber).toBe('SM123456');
    expect(obj(claim.claimSubmittedCharges).totalClaimChargeAmount).toBe('8513.88');
    expect(obj(list(second.claims)[0].claimSubmittedCharges).totalClaimChargeAmount).toBe('7599.00');
    const dependent = list(list(providers[1].subscribers)[0].dependents)[0];
    expect(obj(obj(dependent.dependent).name).entityIdentifierCode).toBe('QC');
    const line = list(list(dependent.claims)[0].serviceLines)[0];
    expect(obj(obj(line.serviceLine).compositeMedicalProcedureIdentifier).procedureCode).toBe('99203');
  });
});

describe('claim status (277, 005010X212)', () => {
  it('when a claim status response is read, then the status sits in the claim status loop under the subscriber, with STC01 split into its components', () => {
    const [t] = transactions(readCorpus('277/lfh__claim-level-status-ncpdp.277'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X212-277');
    const subscriber = list(list(list(list(doc.transaction.informationSources)[0].informationReceivers)[0].serviceProviders)[0].subscribers)[0];
    expect(obj(obj(subscriber.subscriber).name).entityIdentifierCode).toBe('IL');
    const status = list(subscriber.claimStatuses)[0];
    expect(obj(status.trackingNumber).referencedTransactionTraceNumber).toBe('ABCXYZ1');
    const stc = list(status.levelStatusInformation)[0];
    expect(obj(stc.healthCareClaimStatus)).toEqual({ healthCareClaimStatusCategoryCode: 'F2', statusCode: '80', codeListQualifierCode: 'RX' });
    expect(stc.totalClaimChargeAmount).toBe('85.00');
  });

  it('when the same 277 is read, then no claim facts or 277CA decisions come with it (it answers a 276, not an 837)', () => {
    const [t] = transactions(readCorpus('277/lfh__claim-level-status-ncpdp.277'));
    const r = documentsFor(t.tx, { interchange: t.ic, group: t.group }, { lenient: true, acknowledgments: ['277CA'], split: 'claim' });
    expect(r.decisions).toBeUndefined();
    expect(r.ack277).toBeUndefined();
    expect(r.documents).toHaveLength(1);
  });

  it('when the imsweb 277 uses STC03 and STC12, which the claim status response does not use, then each is reported (IK4 I10)', () => {
    const text = ack999(readCorpus('277/imsweb__x12_277_x212.txt'));
    expect(text).toMatch(/IK3\*STC\*12\*\*8~\nIK4\*3\*306\*I10\*WQ~\nIK4\*12\*933\*I10\*/);
  });
});

describe('enrollment (834, 005010X220A1)', () => {
  it('when a member is added, then the member level holds its ids, the member name loop, the school and the coverage', () => {
    const [t] = transactions(readCorpus('834/lfh__add-dependent.834'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X220A1');
    expect(obj(obj(doc.transaction.sponsor).name).sponsorIdentifier).toBe('999888777');
    const [member] = list(doc.transaction.members);
    expect(obj(member.memberLevelDetail).individualRelationshipCode).toBe('19');
    expect(obj(member.memberLevelDetail).maintenanceTypeCode).toBe('021');
    expect(obj(member.subscriberIdentifier).subscriberIdentifier).toBe('123456789');
    expect(obj(obj(member.member).name).lastName).toBe('DOE');
    expect(obj(list(member.schools)[0].school).schoolName).toBe('PENN STATE UNIVERSITY');
    expect(list(member.healthCoverages)).toHaveLength(1);
  });

  it('when several sets come in one group, then each is its own document of the 834 guide', () => {
    const sets = transactions(readCorpus('834/pyx12__multiple_st_loops.txt'));
    expect(sets).toHaveLength(4);
    expect(new Set(sets.map((t) => documentOf(t).guide))).toEqual(new Set(['005010X220A1']));
  });

  it('when the pyx12 example writes INS06-1 longer than its one character, then the 999 names INS06 component 1 (IK4 5)', () => {
    expect(ack999(readCorpus('834/pyx12__example834_5010.txt'))).toMatch(/IK3\*INS\*\d+\*2000\*8~\nIK4\*6:1\*1218\*5\*/);
  });
});

describe('premium payment (820, 005010X218)', () => {
  it('when an employer pays individual premiums, then each individual remittance holds its name and remittance detail, and no claim balancing applies to BPR', () => {
    const [t] = transactions(readOwn('820/individual-premiums.x12'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X218');
    expect(obj(doc.transaction.financialInformation).totalPremiumPaymentAmount).toBe('350.00');
    const individuals = list(doc.transaction.individualRemittances);
    expect(individuals.map((i) => obj(list(i.remittanceDetails)[0].remittanceDetail).detailPremiumPaymentAmount)).toEqual(['175.00', '175.00']);
    expect(obj(list(individuals[1].individuals)[0].name).firstName).toBe('BERT');
    expect(ack999(readOwn('820/individual-premiums.x12'))).toMatch(/IK5\*A~/);
  });
});

describe('implementation acknowledgment (999, 005010X231A1)', () => {
  it('when a 999 rejects an 837, then the segment and element notes nest in the set response', () => {
    const [t] = transactions(readCorpus('999/staedi__simple999.edi'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X231A1');
    const responses = list(doc.transaction.transactionSetResponses);
    expect(responses.map((r) => obj(r.transactionSetResponseTrailer).acknowledgmentCode)).toEqual(['A', 'R', 'R']);
    const [error] = list(responses[1].segmentErrors);
    expect(obj(error.errorIdentification).segmentIdCode).toBe('CLM');
    expect(obj(error.businessUnitIdentifier).contextIdentification).toEqual([{ contextName: 'CLM01', contextReference: '123456789' }]);
    expect(obj(list(error.elementErrors)[0].elementNote).syntaxErrorCode).toBe('1');
  });

  it('when staedi\'s invalid 999 is checked, then the 999 about it names each fault its source project expects, in order, each element once', () => {
    const text = ack999(readCorpus('999/staedi__invalid999.edi'));
    // IK5 unexpected (2), AK101 too long (4), AK204/AK205 too many elements (3), IK501 code (7), IK5 over its maximum use (5)
    expect(text.split('~\n').filter((l) => /^IK3\*(IK5|AK1|AK2)/.test(l)).map((l) => l.replace(/\*[^*]*\*(\w+)$/, '*$1'))).toEqual(['IK3*IK5*2*2', 'IK3*AK1*3*8', 'IK3*AK2*4*8', 'IK3*IK5*5*8', 'IK3*IK5*6*5']);
    const ik4 = text.split('~\n').filter((l) => l.startsWith('IK4*'));
    expect(ik4).toEqual(expect.arrayContaining(['IK4*1*479*5*HC   ', 'IK4*4**3', 'IK4*5**3*Z', 'IK4*1*717*7*Q']));
    // checked by the x12 dictionary and by the guide: one IK4 each
    expect(new Set(ik4).size).toBe(ik4.length);
  });
});

/** Every set of a file, each with its guide lookup and the documents documentsFor gives (the guide's or the generic one). */
function setsOf(bytes: Buffer): { guide: string | undefined; reason: string | undefined; doc: JsonObject }[] {
  return parseX12(bytes).flatMap((ic) => ic.groups.flatMap((group) => group.transactions.map((tx, i) => {
    const set = documentsFor(tx, { interchange: ic, group, transactionIndex: i + 1 });
    expect(lookupGuide(tx, group.version).guide).toBe(set.guide);
    return { guide: set.guide, reason: set.guideReason, doc: JSON.parse(set.documents[0].bytes.toString('utf8')) as JsonObject };
  })));
}

describe('health care services review (278, 005010X217)', () => {
  it.each([
    ['13', '005010X217-278-request'],
    ['01', '005010X217-278-request'],
    ['36', '005010X217-278-request'],
    ['11', '005010X217-278-response'],
  ])('when BHT02 is %s, then the set is read with %s', (purpose, guide) => {
    const file = purpose === '11' ? '278/response-dependent-certified.x12' : '278/request-outpatient.x12';
    const [t] = transactions(mutated(file, (segs) => {
      const bht = segs.find((x) => x[0] === 'BHT') as string[];
      bht[2] = purpose;
    }));
    expect(lookupGuide(t.tx, t.group.version)).toEqual({ guide });
    expect(resolveGuide(t.tx.setId, t.tx.implementationRef, t.group.version, t.tx)).toBe(guide);
    expect(documentOf(t).guide).toBe(guide);
  });

  it('when a 278 is looked up by its ids alone, then no guide is picked: request and response share ST01 and X217, and only BHT02 tells them apart', () => {
    expect(resolveGuide('278', '005010X217', '005010X217')).toBeUndefined();
  });

  it('when the corpus responses say BHT02 08, then they are generic documents whose guideReason names BHT02, its value and the codes of each guide', () => {
    for (const path of ['278/aurelian__x217-outpatient-response.edi', '278/aurelian__x217-inpatient-response-denied.edi']) {
      const [set] = setsOf(readCorpus(path));
      expect(set.guide).toBeUndefined();
      const expected = "278 under 005010X217: BHT02 '08' selects no guide; BHT02 must be one of 005010X217-278-request (01, 13, 36) or 005010X217-278-response (11)";
      expect(set.reason).toBe(expected);
      const doc = set.doc as unknown as SegmentsDocument;
      expect(doc.guideReason).toBe(expected);
      expect(doc.segments[1].id).toBe('BHT');
      expect(doc.segments[1].elements[1]).toBe('08');
    }
  });

  it('when a 278 has no BHT, then the reason says BHT02 is missing', () => {
    const [t] = transactions(readOwn('278/request-outpatient.x12'));
    const bytes = rebuiltBytes(t, (segs) => segs.splice(0, 1));
    const [ic] = parseX12(bytes);
    const { guide, reason } = lookupGuide(ic.groups[0].transactions[0], ic.groups[0].version);
    expect(guide).toBeUndefined();
    expect(reason).toMatch(/^278 under 005010X217: BHT02 is missing selects no guide/);
  });

  it('when the 278 inquiry (005010X215) is read, then it stays generic and the reason names its reference', () => {
    for (const path of ['278/aurelian__x215-inquiry-by-member-request.edi', '278/aurelian__x215-inquiry-by-member-response.edi', '278/aurelian__x215-inquiry-by-auth-number-response.edi']) {
      const sets = setsOf(readCorpus(path));
      expect(sets.length).toBeGreaterThan(0);
      for (const set of sets) {
        expect(set.guide).toBeUndefined();
        expect(set.reason).toBe("no supported guide is named by ST03/GS08 '005010X215' for transaction set 278");
      }
    }
  });

  it('when the 4010 278s (X094A1, X059) are read, then they stay generic, each with its reason', () => {
    for (const path of ['278/tigershark__TEST 278_13 TXNS.txt', '278/tigershark__TEST 278_28 TXNS_SOA.txt']) {
      const sets = setsOf(readCorpus(path));
      expect(sets.length).toBeGreaterThan(0);
      for (const set of sets) {
        expect(set.guide).toBeUndefined();
        expect(set.reason).toMatch(/^no supported guide is named by ST03\/GS08 '004010X(094A1|059)'/);
      }
    }
  });

  it('when a request for a subscriber is read, then the patient event sits under the subscriber with its review, diagnoses and provider, and the service level under the event', () => {
    const [t] = transactions(readOwn('278/request-outpatient.x12'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X217-278-request');
    const umo = obj(doc.transaction.utilizationManagementOrganization);
    expect(obj(obj(umo.name).name).entityIdentifierCode).toBe('X3');
    const requester = obj(umo.requester);
    expect(obj(obj(requester.name).providerInformation).providerTaxonomyCode).toBe('207Q00000X');
    const subscriber = obj(requester.subscriber);
    expect(obj(obj(subscriber.name).demographicInformation).birthDate).toBe('19800101');
    const event = obj(subscriber.patientEvent);
    expect(obj(event.source).loop).toBe('2000E');
    expect(obj(event.review).requestCategoryCode).toBe('HS');
    expect(obj(event.review).healthCareServiceLocationInformation).toEqual({ facilityTypeCode: '11', facilityCodeQualifier: 'B' });
    expect(obj(event.eventDate).eventDate).toBe('20260110-20260115');
    const codes = list(obj(event.diagnosis).codes as JsonValue);
    expect(codes).toEqual([{ typeCode: 'ABK', diagnosisCode: 'M1711' }, { typeCode: 'ABF', diagnosisCode: 'M25561' }]);
    expect(obj(list(event.patientEventProviders)[0].name).entityIdentifierCode).toBe('SJ');
    const [service] = list(event.services);
    expect(obj(service.source).loop).toBe('2000F');
    expect(obj(obj(service.professionalService).compositeMedicalProcedureIdentifier).procedureCode).toBe('27447');
    expect(obj(service.serviceDate).serviceDate).toBe('20260110');
  });

  it('when a response for a dependent is read, then the patient event sits under the dependent with the certification (HCR) and the certified service', () => {
    const [t] = transactions(readOwn('278/response-dependent-certified.x12'));
    const doc = documentOf(t);
    expect(doc.guide).toBe('005010X217-278-response');
    const dependent = obj(obj(obj(obj(doc.transaction.utilizationManagementOrganization).requester).subscriber).dependent);
    expect(obj(obj(dependent.name).relationship).individualRelationshipCode).toBe('19');
    const event = obj(dependent.patientEvent);
    expect(obj(event.decision)).toEqual({ certificationActionCode: 'A1', certificationNumber: 'AUTH0001' });
    expect(obj(event.authorizationNumber).authorizationNumber).toBe('AUTH0001');
    expect(obj(event.certificationExpirationDate).certificationExpirationDate).toBe('20260415');
    expect(obj(list(event.services)[0].decision).certificationNumber).toBe('AUTH0002');
  });

  it('when the corpus inpatient request puts UM and the patient data in the UMO level and shifts NM1 elements, then the 999 names each segment and element', () => {
    const text = ack999(readCorpus('278/aurelian__x217-inpatient-request.edi'));
    expect(text).toMatch(/AK2\*278\*0001\*005010X217~\nIK3\*BHT\*2\*\*8~\nIK4\*6\*640\*7\*RQ~\nIK3\*UM\*4\*\*2~/);
    // NM1*FA*2*CITY HOSPITAL****XX*9876543210: one empty element short, the NPI lands in NM108
    expect(text).toMatch(/IK3\*NM1\*11\*\*8~\nIK4\*8\*66\*5\*9876543210~\nIK4\*9\*67\*1~/);
    expect(text).toMatch(/IK5\*R\*5~/);
  });
});

/** Per guide: a valid corpus file, a required segment to remove, and a code to put outside its list, with the 999 lines each gives. */
const MUTATIONS: [string, string, [string, number, string, RegExp], [(segs: string[][]) => void, RegExp]][] = [
  ['270', '270/lfh__demo.270', ['EQ', 1, 'ZZ', /IK3\*EQ\*12\*\*8~\nIK4\*1\*1365\*7\*ZZ~/], [without('NM1', 'IL'), /IK3\*NM1\*\d+\*\*3~/]],
  ['276', '276/lfh__claim-level-status-ncpdp.276', ['AMT', 1, 'T4', /IK3\*AMT\*14\*\*8~\nIK4\*1\*522\*7\*T4~/], [without('NM1', 'IL'), /IK3\*NM1\*\d+\*\*3~/]],
  ['277', '277/lfh__claim-level-status-ncpdp.277', ['TRN', 1, '9', /IK3\*TRN\*11\*\*8~\nIK4\*1\*481\*7\*9~/], [without('NM1', 'PR'), /IK3\*NM1\*\d+\*\*3~/]],
  ['834', '834/lfh__add-dependent.834', ['INS', 1, 'X', /IK3\*INS\*6\*2000\*8~\nIK4\*1\*1073\*7\*X~/], [without('REF', '0F'), /IK3\*REF\*\d+\*2000\*3~/]],
  ['999', '999/imsweb__x12_999_rejected.txt', ['IK5', 1, 'Q', /IK3\*IK5\*5\*2000\*8~\nIK4\*1\*717\*7\*Q~\nIK5/], [without('AK1'), /IK3\*AK1\*\d+\*\*3~/]],
  ['820', '820/individual-premiums.x12', ['RMR', 1, 'ZZ', /IK3\*RMR\*10\*\*8~\nIK4\*1\*128\*7\*ZZ~/], [without('TRN'), /IK3\*TRN\*\d+\*\*3~/]],
  ['271', '271/nodex12__271.edi', ['EB', 1, 'ZZ', /IK3\*EB\*14\*\*8~\nIK4\*1\*1390\*7\*ZZ~/], [without('NM1', 'PR'), /IK3\*NM1\*\d+\*\*3~/]],
  ['278 request', '278/request-outpatient.x12', ['UM', 1, 'ZZ', /IK3\*UM\*16\*\*8~\nIK4\*1\*1525\*7\*ZZ~/], [without('NM1', 'X3'), /IK3\*NM1\*4\*\*3~/]],
  ['278 response', '278/response-dependent-certified.x12', ['HCR', 1, 'ZZ', /IK3\*HCR\*16\*\*8~\nIK4\*1\*306\*7\*ZZ~/], [without('NM1', 'IL'), /IK3\*NM1\*8\*\*3~/]],
];

describe.each(MUTATIONS)('a mutated %s', (_set, path, [id, n, value, codeAck], [remove, missingAck]) => {
  it('when the file is read as it is, then the 999 accepts it', () => {
    expect(ack999(read(path))).toMatch(/IK5\*A~/);
  });

  it(`when ${id}${String(n).padStart(2, '0')} holds a code outside its list, then the 999 rejects the set naming the segment and element (IK4 7)`, () => {
    const text = ack999(mutated(path, setting(id, n, value)));
    expect(text).toMatch(codeAck);
    expect(text).toMatch(/IK5\*R\*5~/);
  });

  it('when a required segment is removed, then the 999 rejects the set naming the missing segment (IK304 3)', () => {
    const text = ack999(mutated(path, remove));
    expect(text).toMatch(missingAck);
    expect(text).toMatch(/IK5\*R\*5~/);
  });
});
