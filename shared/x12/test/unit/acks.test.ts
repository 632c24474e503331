import { generateAcks, parseX12Document, sequentialControlNumbers, validate } from '@ediflow/x12';
import type { TransactionValidator } from '@ediflow/x12';
import { NOT_PARSEABLE, corpusFile, manifest } from '../corpus';
import { syntheticInterchange } from '../synthetic';

const clock = (): Date => new Date('2024-03-04T05:06:07Z');
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const segs = (text: string | undefined): string[] => (text ?? '').split('~\n').filter((l) => l !== '');

describe('acknowledgments', () => {
  it('when a clean 5010 interchange asks for an ack, then TA1 A 000 and a 999 with sender and receiver swapped come out', () => {
    const acks = generateAcks(validate(parseX12Document(bytes(syntheticInterchange()))), { controlNumbers: sequentialControlNumbers(41), clock });
    expect(segs(acks.ta1)).toEqual([
      'ISA*00*          *00*          *ZZ*FAKERECEIVER   *ZZ*FAKESENDER     *240304*0506*^*00501*000000041*0*T*:',
      'TA1*000000001*240102*1030*A*000',
      'IEA*0*000000041',
    ]);
    expect(segs(acks.ack999)).toEqual([
      'ISA*00*          *00*          *ZZ*FAKERECEIVER   *ZZ*FAKESENDER     *240304*0506*^*00501*000000042*0*T*:',
      'GS*FA*FAKERECEIVER*FAKESENDER*20240304*0506*41*X*005010X231A1',
      'ST*999*0041*005010X231A1',
      'AK1*HC*7*005010X222A1',
      'AK2*837*0001*005010X222A1',
      'IK5*A',
      'AK2*837*0002*005010X222A1',
      'IK5*A',
      'AK9*A*2*2*2',
      'SE*8*0041',
      'GE*1*41',
      'IEA*1*000000042',
    ]);
    expect(acks.ack997).toBeUndefined();
  });

  it('when a 4010 transaction set has a bad SE01, then the 997 has AK5 R 4 and AK9 R', () => {
    const text = syntheticInterchange({ version: '00401', transactions: 1 }).replace('SE*8*0001', 'SE*5*0001');
    const acks = generateAcks(validate(parseX12Document(bytes(text))), { controlNumbers: sequentialControlNumbers(1), clock, ta1: 'errors' });
    expect(acks.ta1).toBeUndefined();
    expect(acks.ack999).toBeUndefined();
    expect(segs(acks.ack997).slice(2, 8)).toEqual(['ST*997*0001', 'AK1*HC*7', 'AK2*837*0001', 'AK5*R*4', 'AK9*R*1*1*0', 'SE*6*0001']);
  });

  it('when an extra validator reports a guide-level segment error with a loop id, then the 999 carries IK3 with the loop and IK4', () => {
    const guide: TransactionValidator = {
      name: 'fake-guide',
      validate: (tx) => {
        const nm1 = tx.segments.find((s) => s.id === 'NM1' && s.element(1) === 'IL')!;
        return [{
          code: 'GUIDE_ELEMENT', severity: 'error', level: 'transaction', source: 'guide', message: 'NM108 code not used', offset: nm1.offset,
          segment: { id: 'NM1', position: nm1.position, loopId: '2010', syntaxCode: '8' }, element: { position: 8, reference: '66', syntaxCode: 'I6', badValue: nm1.element(8) },
        }];
      },
    };
    const report = validate(parseX12Document(bytes(syntheticInterchange({ transactions: 1 }))), { validators: [guide] });
    expect(report.interchanges[0].groups[0].ack).toBe('R');
    const acks = generateAcks(report, { controlNumbers: sequentialControlNumbers(1), clock });
    expect(segs(acks.ack999).filter((l) => /^(IK3|IK4|IK5|AK9)/.test(l))).toEqual(['IK3*NM1*5*2010*8', 'IK4*8*66*I6*MI', 'IK5*R*I5', 'AK9*R*1*1*0']);
  });

  it('when the dictionary and a guide both find an element of a 999 at fault, then the 999 about it carries one IK4 for it, the guide\'s', () => {
    const text = 'ISA*00*          *00*          *ZZ*S              *ZZ*R              *260101*1200*^*00501*000000001*0*T*:~\n'
      + 'GS*FA*S*R*20260101*1200*1*X*005010X231A1~\nST*999*0001*005010X231A1~\nAK1*HC*1*005010X222A1~\nAK2*837*0001~\nIK5*Q~\nAK9*A*1*1*1~\nSE*6*0001~\nGE*1*1~\nIEA*1*000000001~\n';
    const guide: TransactionValidator = {
      name: 'fake-guide',
      validate: (tx) => {
        const ik5 = tx.segments.find((s) => s.id === 'IK5')!;
        return [{
          code: 'GUIDE_ELEMENT', severity: 'error', level: 'transaction', source: 'guide', message: 'IK501 code not in the guide', offset: ik5.offset,
          segment: { id: 'IK5', position: ik5.position, loopId: '2000', syntaxCode: '8' }, element: { position: 1, reference: '717', syntaxCode: '7', badValue: 'Q' },
        }];
      },
    };
    const dictionaryOnly = generateAcks(validate(parseX12Document(bytes(text))), { controlNumbers: sequentialControlNumbers(1), clock });
    expect(segs(dictionaryOnly.ack999).filter((l) => l.startsWith('IK4'))).toEqual(['IK4*1*717*7*Q']);
    const acks = generateAcks(validate(parseX12Document(bytes(text)), { validators: [guide] }), { controlNumbers: sequentialControlNumbers(1), clock });
    expect(segs(acks.ack999).filter((l) => /^(IK3|IK4)/.test(l))).toEqual(['IK3*IK5*4*2000*8', 'IK4*1*717*7*Q']);
  });

  it('when acks are generated for every parseable corpus file, then each ack parses and validates with this engine', () => {
    let checked = 0;
    for (const row of manifest()) {
      if (NOT_PARSEABLE.has(row.path)) continue;
      const acks = generateAcks(validate(parseX12Document(corpusFile(row.path))), { controlNumbers: sequentialControlNumbers(1), clock, ta1: 'always' });
      for (const [kind, text] of Object.entries(acks)) {
        const r = validate(parseX12Document(bytes(text as string)));
        expect({ file: row.path, kind, errors: r.errorCount }).toEqual({ file: row.path, kind, errors: 0 });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});
