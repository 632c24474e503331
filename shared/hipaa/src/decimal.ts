/**
 * Exact decimal arithmetic for X12 amounts (R type): values are kept as bigint scaled by 10^6,
 * so sums never pick up binary floating-point error.
 */
const SCALE = 6;
const FACTOR = 10n ** BigInt(SCALE);

/** X12 R type: optional minus, digits with an optional decimal point ('12.', '.5'); no sign '+', no exponent. */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

/** Whether a value is an X12 decimal (R type) as sent, without trimming. */
export function isDecimal(v: string): boolean {
  return DECIMAL.test(v);
}

/** Parses an X12 decimal ('-12.5', '.5', '100'); undefined when it is not one. */
export function parseDecimal(v: string): bigint | undefined {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(v.trim());
  if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return undefined;
  const frac = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const n = BigInt(m[2] === '' ? '0' : m[2]) * FACTOR + BigInt(frac);
  return m[1] === '-' ? -n : n;
}

/** Decimal text of a scaled value, without trailing zeros ('12.5', '-3', '0'). */
export function formatDecimal(n: bigint): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const int = a / FACTOR;
  let frac = (a % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '');
  if (frac !== '') frac = `.${frac}`;
  return `${neg ? '-' : ''}${int.toString()}${frac}`;
}
