import { formatDecimal, parseDecimal } from '@ediflow/hipaa';

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
});
