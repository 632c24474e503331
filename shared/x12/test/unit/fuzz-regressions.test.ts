/**
 * Bugs the fuzz test (fuzz.test.ts) found, pinned as plain cases.
 */
import { generateAcks, parseX12, parseX12Document, sequentialControlNumbers, serialize, validate } from '@ediflow/x12';
import { syntheticInterchange } from '../synthetic';

const ackOptions = () => ({ controlNumbers: sequentialControlNumbers(1), clock: () => new Date(Date.UTC(2024, 0, 2, 3, 4)), ta1: 'always' as const });

describe('fuzz regressions', () => {
  it('when the ISA holds a non-ASCII byte, then serialize gives back the same bytes', () => {
    const bytes = Buffer.from(syntheticInterchange(), 'latin1');
    bytes[40] = 0xe9; // inside ISA06
    expect(serialize(parseX12Document(bytes).interchanges).equals(bytes)).toBe(true);
  });

  it('when the segment terminator is a non-ASCII byte, then serialize gives back the same bytes', () => {
    const bytes = Buffer.from(syntheticInterchange({ segment: '\xad' }), 'latin1');
    const doc = parseX12Document(bytes);
    expect(doc.interchanges[0].delimiters.segment).toBe('\xad');
    expect(serialize(doc.interchanges).equals(bytes)).toBe(true);
  });

  it('when segments hold non-ASCII bytes read as latin1, then serialize gives back the same bytes', () => {
    const bytes = Buffer.from(syntheticInterchange().replace('GS*HC*FAKESENDER', 'GS*HC*FAKES\xc9NDER'), 'latin1');
    expect(serialize(parseX12Document(bytes, { encoding: 'latin1' }).interchanges).equals(bytes)).toBe(true);
    // with non-ASCII delimiters the reader also decodes latin1
    const odd = Buffer.from(syntheticInterchange({ segment: '\xad' }).replace('GS*HC*FAKESENDER', 'GS*HC*FAKES\xc9NDER'), 'latin1');
    expect(serialize(parseX12Document(odd).interchanges).equals(odd)).toBe(true);
  });

  it('when echoed ids and bad values hold control characters or ack delimiters, then the acknowledgments are still valid X12', () => {
    // GS03 (echoed as the ack's GS02) with a DEL and a '*' (the ack's element separator); ST02 with a control character (echoed in AK2 and IK404)
    const text = syntheticInterchange({ element: '|' }).replace('GS|HC|FAKESENDER|FAKERECEIVER', 'GS|HC|FAKESENDER|FAKE*RECEIVER\x7f').replace(/ST\|837\|0001/, 'ST|837|00\x01A').replace(/SE\|(\d+)\|0001/, 'SE|$1|00\x01A');
    const report = validate(parseX12Document(text));
    expect(report.valid).toBe(false);
    const acks = generateAcks(report, ackOptions());
    const out = (acks.ta1 ?? '') + (acks.ack999 ?? '');
    expect(out).toContain('GS*FA*FAKERECEIVER*FAKESENDER*');
    expect(out).not.toMatch(/[\x00-\x08\x7f]/);
    expect(validate(parseX12Document(out)).valid).toBe(true);
  });
});

describe('element separators other than *', () => {
  it('when a file uses |, !, + or GS (0x1D) as element separator, then SE, GE and IEA are found exactly as with *', () => {
    const base =
      'ISA*00*          *00*          *ZZ*A              *ZZ*B              *261123*1330*^*00501*000000007*0*T*:~GS*HC*A*B*20261123*1330*7*X*005010X223A2~ST*837*0007~BHT*0019*00*1*20261123*1330*CH~SE*3*0007~GE*1*7~IEA*1*000000007~';
    const shape = (text: string) => {
      const [ic] = parseX12(text);
      return {
        groups: ic.groups.map((g) => ({ ge: g.ge !== undefined, sets: g.transactions.map((t) => [t.setId, t.segments.length, t.issues.map((i) => i.code)]) })),
        iea: ic.iea !== undefined,
        issues: ic.issues.map((i) => i.code),
      };
    };
    const expected = shape(base);
    expect(expected.groups[0]).toEqual({ ge: true, sets: [['837', 3, []]] });
    for (const sep of ['|', '!', '+', '\u001d']) expect(shape(base.split('*').join(sep))).toEqual(expected);
  });
});
