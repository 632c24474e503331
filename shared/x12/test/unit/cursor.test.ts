import { ByteSegment, SegmentCursor, nextSegment, parseX12, readsAsUtf8, shortString, skipFiller, type SegmentBounds } from '@ediflow/x12';

const ISA = (term: string): string => `ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*T*:${term}`;

describe('the byte cursor', () => {
  it('when segments are separated by line breaks, blanks, tabs and "~" after a line-break terminator, then the model and the cursor read the same segments', () => {
    for (const [term, sep] of [['~', '\r\n'], ['~', '\n  \t'], ['\n', '~\n'], ['\r', '~\r\n']]) {
      const body = ['GS*HC*S*R*20260101*1200*1*X*005010X222A1', 'ST*837*0001*005010X222A1', 'BHT*0019*00*1*20260101*1200*CH', 'NM1*41*2*A B C*****46*X', 'SE*4*0001', 'GE*1*1', 'IEA*1*000000001'];
      const text = `${ISA(term)}${sep}${body.join(`${term}${sep}`)}${term}${sep}`;
      const [ic] = parseX12(Buffer.from(text, 'latin1'));
      const tx = ic.groups[0].transactions[0];
      const cursor = new SegmentCursor(tx);
      const read: string[] = [];
      for (let i = 0; ; i++) {
        const seg = cursor.at(i);
        if (seg === undefined) break;
        read.push(`${seg.position}:${seg.offset}:${seg.elements.join('|')}`);
      }
      expect(read).toEqual(tx.segments.map((s) => `${s.position}:${s.offset}:${s.elements.join('|')}`));
      expect(read).toHaveLength(4);
    }
  });

  it('when only filler is left, then nextSegment says so; skipFiller stops at the first other byte', () => {
    const d = { element: '*', component: ':', repetition: '^', segment: '\n' };
    const b: SegmentBounds = { start: 0, end: 0 };
    expect(nextSegment(Buffer.from('A*1\n~\n \tB*2', 'latin1'), d, 4, b)).toBe(true);
    expect(b).toEqual({ start: 8, end: 11 });
    expect(nextSegment(Buffer.from('A*1\n~\r\n', 'latin1'), d, 4, b)).toBe(false);
    expect(skipFiller(Buffer.from(' \t\r\n~X', 'latin1'), 0, 6, -1)).toBe(4);
  });

  it('when a segment holds UTF-8 text, text that is not UTF-8, or U+FFFD, then it reads as the model reads it', () => {
    const utf8 = Buffer.from('NM1*IL*1*M\u00fcller', 'utf8');
    const latin1 = Buffer.from('NM1*IL*1*M\u00fcller', 'latin1');
    const replacement = Buffer.from('NM1*IL*1*\ufffd', 'utf8');
    expect(readsAsUtf8(utf8, 0, utf8.length, true)).toBe(true);
    expect(readsAsUtf8(utf8, 0, utf8.length, false)).toBe(false);
    expect(readsAsUtf8(latin1, 0, latin1.length, true)).toBe(false);
    expect(readsAsUtf8(replacement, 0, replacement.length, true)).toBe(false);
    const d = { element: '*', component: ':', repetition: '^', segment: '~' };
    expect(new ByteSegment(d, utf8).set('NM1', 1, 0, 0, utf8.length, true).element(3)).toBe('M\u00fcller');
    expect(new ByteSegment(d, latin1).set('NM1', 1, 0, 0, latin1.length, false).element(3)).toBe('M\u00fcller');
    expect(new ByteSegment(d, Buffer.from('HI*BK:8901*BF:87200')).set('HI', 1, 0, 0, 19).element(1, true)).toBe('BK');
  });

  it('when short values are read twice, then the same string comes back, equal to the bytes', () => {
    const b = Buffer.from('ABCDEF');
    expect(shortString(b, 0, 2)).toBe('AB');
    expect(shortString(b, 0, 2)).toBe(shortString(Buffer.from('AB'), 0, 2));
    expect(shortString(b, 1, 5)).toBe('BCDE');
    expect(shortString(b, 3, 3)).toBe('');
  });
});
