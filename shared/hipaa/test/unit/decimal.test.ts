import { formatDecimal, parseDecimal } from '@ediflow/hipaa';
import { seededRandom } from '@ediflow/testkit';

describe('exact decimals', () => {
  it('when amounts are summed, then there is no floating-point error', () => {
    const sum = ['0.1', '0.2', '1088', '-.5', '12.345678'].reduce((a, v) => a + parseDecimal(v)!, 0n);
    expect(formatDecimal(sum)).toBe('1100.145678');
    expect(formatDecimal(parseDecimal('0.1')! + parseDecimal('0.2')!)).toBe('0.3');
  });

  it('when a value is not an X12 decimal, then it does not parse', () => {
    expect(parseDecimal('12a')).toBeUndefined();
    expect(parseDecimal('')).toBeUndefined();
    expect(parseDecimal('.')).toBeUndefined();
    expect(formatDecimal(parseDecimal('-3.00')!)).toBe('-3');
  });

  it('when values of up to 9 whole digits are parsed (the quick path), then each is what the general grammar gives, digit for digit', () => {
    // the grammar, written out: optional minus, digits, optional point and digits (cut after the sixth), a digit somewhere
    const general = (v: string): bigint | undefined => {
      const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(v.trim());
      if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
      const n = BigInt(m[2] === '' ? '0' : m[2]) * 1_000_000n + BigInt((m[3] ?? '').slice(0, 6).padEnd(6, '0'));
      return m[1] === '-' ? -n : n;
    };
    const edges = ['', '-', '.', '-.', '0', '-0', '1.', '.5', '-.5', '12.34', '999999999', '1000000000', '999999999.9999999', '1.2345678', '0.0000001', '1.2.3', '--1', '+1', '1e3', ' 1', '1 ', '00012.50'];
    for (const v of edges) expect({ v, n: parseDecimal(v) }).toEqual({ v, n: general(v) });
    const random = seededRandom(7);
    const chars = '0123456789.- ';
    for (let k = 0; k < 20_000; k++) {
      let v = '';
      for (let j = Math.floor(random() * 14); j > 0; j--) v += chars[Math.floor(random() * chars.length)];
      expect({ v, n: parseDecimal(v) }).toEqual({ v, n: general(v) });
    }
    expect(parseDecimal('999999999.999999')).toBe(999_999_999_999_999n);
    expect(parseDecimal('-1234567890.5')).toBe(-1_234_567_890_500_000n);
  });
});
