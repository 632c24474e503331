/**
 * toX12 with the envelope the documents carry (the default) and with new control numbers; generic
 * documents (sets of no supported guide): composites and repetitions split, and written back.
 */
import { parseX12, sequentialControlNumbers } from '@ediflow/x12';
import { SEGMENTS_VERSION, documentProblems, documentsFor, toX12, type SegmentsDocument, type X12Document } from '@ediflow/hipaa';
import { readOwn } from '../corpus';

/** Every document edi translate would print for the bytes, in order (transactionIndex per interchange, as the CLI counts). */
function documents(bytes: Buffer, split: 'transaction' | 'claim' = 'transaction'): X12Document[] {
  const out: X12Document[] = [];
  for (const ic of parseX12(bytes)) {
    let index = 0;
    for (const group of ic.groups) {
      for (const tx of group.transactions) {
        index += 1;
        for (const d of documentsFor(tx, { interchange: ic, group, transactionIndex: index }, { split }).documents) out.push(JSON.parse(d.bytes.toString('utf8')) as X12Document);
      }
    }
  }
  return out;
}

const lines = (text: string): string[] => text.replace(/\r?\n/g, '').split('~').filter((s) => s !== '');

const ISA_A = 'ISA*03*PASSWORD01*01*SECRET    *ZZ*SENDERA        *ZZ*RECEIVERA      *260101*0930*^*00501*000000123*1*P*:';
const ISA_B = 'ISA*00*          *00*          *30*123456789      *ZZ*RECEIVERB      *260102*1015*^*00501*000000124*0*T*:';
const PO = ['ST*850*0001', 'BEG*00*SA*PO1**20260101', 'PO1*1*2*EA*10**VC:X1:*^*AB:C^D', 'EB*1**30^33^^35', 'SE*5*0001'];
/** Two interchanges: the first with an 837D group of two sets and a group of one generic set, the second with one generic set. */
const FILE = [
  ISA_A,
  'GS*HC*SENDERA*RECEIVERA*20260101*0930*77*X*005010X224A2',
  ...lines(readOwn('837D/patient-two-claims.x12').toString('latin1')).filter((s) => !/^(ISA|GS|GE|IEA)\*/.test(s)),
  ...lines(readOwn('837D/patient-two-claims.x12').toString('latin1')).filter((s) => !/^(ISA|GS|GE|IEA)\*/.test(s)).map((s) => s.replace(/^(ST|SE)\*(\d+)\*(\d+)/, (_m, id: string, a: string, n: string) => `${id}*${a}*${n}9`)),
  'GE*2*77',
  'GS*PO*SENDERA*RECEIVERA*20260101*0931*78*X*005010',
  ...PO,
  'GE*1*78',
  'IEA*2*000000123',
  ISA_B,
  'GS*PO*123456789*RECEIVERB*20260102*1015*5*X*005010',
  ...PO.map((s) => s.replace('*0001', '*0002')),
  'GE*1*5',
  'IEA*1*000000124',
];
const TEXT = `${FILE.join('~\n')}~\n`;

describe('toX12', () => {
  it('when documents are written with the envelope they carry, then every interchange, group and set comes back as sent, ISA01-16 included', () => {
    const docs = documents(Buffer.from(TEXT, 'latin1'));
    expect(docs.map((d) => d.transactionSet)).toEqual(['837', '837', '850', '850']);
    expect(lines(toX12(docs))).toEqual(FILE);
  });

  it('when two consecutive interchanges carry the same ISA, then the set positions tell them apart', () => {
    const one = FILE.slice(FILE.indexOf(ISA_B));
    const text = `${[...one, ...one].join('~\n')}~\n`;
    expect(lines(toX12(documents(Buffer.from(text, 'latin1'))))).toEqual([...one, ...one]);
  });

  it('when new control numbers are asked for, then each document gets an interchange of its own with them, the dates of the clock and ISA01-04 empty', () => {
    const docs = documents(Buffer.from(TEXT, 'latin1'));
    const text = toX12(docs, { controlNumbers: sequentialControlNumbers(40), clock: () => new Date('2027-03-04T05:06:00Z') });
    const ics = parseX12(Buffer.from(text, 'latin1'));
    expect(ics).toHaveLength(4);
    expect(ics.map((ic) => [ic.header.controlNumber, ic.header.date, ic.header.time, ic.header.authorizationQualifier, ic.header.authorization.trim(), ic.groups[0].controlNumber, ic.groups[0].transactions[0].controlNumber]))
      .toEqual([40, 41, 42, 43].map((n) => [`0000000${n}`, '270304', '0506', '00', '', String(n), `00${n}`]));
    expect(ics[2].groups[0].transactions[0].segments.slice(1, -1).map((s) => s.raw)).toEqual(PO.slice(1, -1));
  });

  it('when documents are split per claim, then writing them with their envelope is refused by name, and with new control numbers each claim is a set', () => {
    const claims = documents(readOwn('837D/patient-two-claims.x12'), 'claim');
    expect(claims).toHaveLength(2);
    expect(() => toX12(claims)).toThrow(expect.objectContaining({ code: 'HIPAA_SPLIT_DOCUMENT', message: expect.stringMatching(/^document 1 is claim 1 of 2 /) }));
    const text = toX12(claims, { controlNumbers: sequentialControlNumbers(1), clock: () => new Date('2027-01-01T00:00:00Z') });
    expect(parseX12(Buffer.from(text, 'latin1')).map((ic) => ic.groups[0].transactions[0].segments.filter((s) => s.id === 'CLM').map((s) => s.element(1)))).toEqual([['DCLAIM002'], ['DCLAIM003']]);
  });
});

describe('generic documents', () => {
  const [, , po] = documents(Buffer.from(TEXT, 'latin1')) as SegmentsDocument[];

  it('when an element holds the component or repetition separator, then it is the list of its repetitions, each the list of its components; other elements stay strings', () => {
    expect(po.segmentsVersion).toBe(SEGMENTS_VERSION);
    expect(po.delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    expect(po.segments.map((s) => s.elements)).toEqual([
      ['850', '0001'],
      ['00', 'SA', 'PO1', '', '20260101'],
      ['1', '2', 'EA', '10', '', [['VC', 'X1', '']], [[''], ['']], [['AB', 'C'], ['D']]],
      ['1', '', [['30'], ['33'], [''], ['35']]],
      ['5', '0001'],
    ]);
  });

  it('when the file has no repetition separator (ISA11 U), then a caret is data and only components split', () => {
    const text = TEXT.replace(ISA_B, ISA_B.replace('*^*00501*', '*U*00401*')).replace('GS*PO*123456789*RECEIVERB*20260102*1015*5*X*005010', 'GS*PO*123456789*RECEIVERB*20260102*1015*5*X*004010');
    const docs = documents(Buffer.from(text, 'latin1'));
    const last = docs[docs.length - 1] as SegmentsDocument;
    expect(last.interchange.standardsOrRepetition).toBe('U');
    expect(last.segments[3].elements).toEqual(['1', '', '30^33^^35']);
    expect(last.segments[2].elements.slice(6)).toEqual(['^', [['AB', 'C^D']]]);
    expect(lines(toX12(docs)).slice(-7)).toEqual(text.trim().split('~\n').slice(-7).map((s) => s.replace(/~$/, '')));
  });

  it('when a generic document is malformed, then each place is named without values, and a component holding a separator is refused', () => {
    const bad = JSON.parse(JSON.stringify(po)) as { segments: { id: unknown; elements: unknown[] }[] };
    bad.segments[1].elements[0] = ['SECRET'];
    bad.segments[2].elements[5] = [[1]];
    bad.segments[3].id = '';
    expect(documentProblems(bad)).toEqual([
      '/segments/1/elements/0: must be a string or a list of repetitions, each a list of component strings',
      '/segments/2/elements/5: must be a string or a list of repetitions, each a list of component strings',
      '/segments/3/id: must be a segment id, not a string',
    ]);
    expect(documentProblems(bad).join('\n')).not.toContain('SECRET');
    expect(() => toX12(bad as unknown as X12Document)).toThrow(expect.objectContaining({ code: 'HIPAA_DOCUMENT_INVALID' }));
    const sep = JSON.parse(JSON.stringify(po)) as SegmentsDocument;
    sep.segments[2].elements[5] = [['VC:X1']];
    expect(() => toX12(sep)).toThrow(expect.objectContaining({ code: 'HIPAA_DELIMITER_IN_VALUE' }));
  });
});
