import { SEGMENT_DICTIONARY, Segment, checkSegmentElements, isValidDate, isValidDateAt, isValidTime, isValidTimeAt, segmentDefinition } from '@ediflow/x12';

const delims = { element: '*', component: ':', repetition: '^', segment: '~' };
const seg = (raw: string): Segment => new Segment(raw.split('*')[0], raw, '', '~', 0, 1, 2, delims);
const codes = (raw: string, version = '00501'): string[] => {
  const s = seg(raw);
  return checkSegmentElements(s, segmentDefinition(s.id, version)!).map((f) => `${f.position}${f.component !== undefined ? '-' + f.component : ''}:${f.syntaxCode}`);
};

describe('element dictionary', () => {
  it('when the dictionary is listed, then the envelope and acknowledgment segments are there as data', () => {
    expect([...SEGMENT_DICTIONARY.keys()].sort()).toEqual(['AK1', 'AK2', 'AK3', 'AK4', 'AK5', 'AK9', 'GE', 'GS', 'IEA', 'IK3', 'IK4', 'IK5', 'ISA', 'SE', 'ST', 'TA1'].sort());
    expect(SEGMENT_DICTIONARY.get('GS')!.elements[3]).toMatchObject({ ref: '373', type: 'DT', min: 8, max: 8, req: 'M' });
    expect(segmentDefinition('AK1', '00401')!.elements).toHaveLength(2);
    expect(segmentDefinition('ISA', '00401')!.elements[10].codes).toEqual(['U']);
  });

  it('when dates and times are checked, then calendar and clock ranges apply', () => {
    expect(isValidDate('20240229')).toBe(true);
    expect(isValidDate('20230229')).toBe(false);
    expect(isValidDate('240431')).toBe(false);
    expect(isValidTime('2359')).toBe(true);
    expect(isValidTime('235960')).toBe(false);
    expect(isValidTime('2400')).toBe(false);
    expect(isValidTime('12345')).toBe(false);
    expect(isValidDate('19000229')).toBe(false);
    expect(isValidDate('20000229')).toBe(true);
    expect(isValidDate('20241301')).toBe(false);
    expect(isValidDate('20240100')).toBe(false);
    expect(isValidTime('235959')).toBe(true);
    expect(isValidTime('1200a0')).toBe(false);
  });

  it('when dates and times are checked in bytes, then the answers are those of the strings', () => {
    const values = [
      '20240229', '20230229', '19000229', '20000229', '240431', '240430', '20241301', '20240100', '20241231', '2024123', '2024-1-1', '',
      '2359', '2400', '235960', '235959', '12345', '1200a0', '120000', '12000099', '120000999', '0000', '00000000',
    ];
    for (const v of values) {
      // the value inside other bytes, as the validator reads it from a segment
      const b = Buffer.from(`DTP*472*D8*${v}~`, 'latin1');
      const from = 11;
      expect([v, isValidDateAt(b, from, from + v.length)]).toEqual([v, isValidDate(v)]);
      expect([v, isValidTimeAt(b, from, from + v.length)]).toEqual([v, isValidTime(v)]);
    }
  });

  it('when segments break the element syntax, then IK403 codes name each problem', () => {
    expect(codes('AK9*A*1*1*1')).toEqual([]);
    expect(codes('AK9**1*1*1')).toEqual(['1:1']);
    expect(codes('AK9*Q*1*1*1')).toEqual(['1:7']);
    expect(codes('AK9*A*1234567*1*1')).toEqual(['2:5']);
    expect(codes('AK9*A*1X*1*1')).toEqual(['2:6']);
    expect(codes('IK3*NM1*12**8*X')).toEqual(['5:3']);
    expect(codes('IK4*3:1:2*66*7*BAD')).toEqual([]);
    expect(codes('IK4*3:1:2:4*66*7')).toEqual(['1-4:13']);
    expect(codes('IK4*:1*66*7')).toEqual(['1-1:1']);
    expect(codes('GS*HC*A*RECEIVER*20241301*2500*1*X*005010X222A1')).toEqual(['2:4', '4:8', '5:9']);
    expect(codes('SE*-12*0001')).toEqual([]);
    expect(codes('AK1*HC*1*005010')).toEqual([]);
    expect(codes('AK1*HC*1*004010', '00401')).toEqual(['3:3']);
    expect(codes('AK5*A^E')).toEqual(['1:12']);
  });
});
