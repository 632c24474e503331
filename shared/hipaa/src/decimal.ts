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
  const quick = parseShort(v);
  if (quick !== undefined) return quick === NOT_DECIMAL ? undefined : BigInt(quick);
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(v.trim());
  if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return undefined;
  const frac = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const n = BigInt(m[2] === '' ? '0' : m[2]) * FACTOR + BigInt(frac);
  return m[1] === '-' ? -n : n;
}

const NOT_DECIMAL = -1.5;

/**
 * parseDecimal's value as a number for what most amounts are: an optional minus, up to 9
 * digits, an optional point and digits, nothing else. Scaled by 10^6 that stays below 2^53,
 * so the number is exact. NOT_DECIMAL when the value has no digit (what parseDecimal rejects),
 * undefined when it is anything else (the regular expression decides).
 */
function parseShort(v: string): number | undefined {
  const n = v.length;
  let i = 0;
  const neg = n > 0 && v.charCodeAt(0) === 45;
  if (neg) i++;
  let whole = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    if (++digits > 9) return undefined;
    whole = whole * 10 + c;
  }
  let frac = 0;
  let scale = 1_000_000;
  if (i < n && v.charCodeAt(i) === 46) {
    for (i++; i < n; i++) {
      const c = v.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      digits++;
      // digits past the sixth are cut, as parseDecimal does
      if (scale > 1) {
        scale /= 10;
        frac += c * scale;
      }
    }
  }
  if (i < n) return undefined;
  if (digits === 0) return NOT_DECIMAL;
  const scaled = whole * 1_000_000 + frac;
  return neg ? -scaled : scaled;
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
