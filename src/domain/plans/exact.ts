/**
 * Exact decimal arithmetic for pay computed from closings (src/domain/payouts/): decimal.js with
 * enough significant digits that every product of an amount (cents, credited with a fraction of
 * up to 12 decimals) and a rate (up to 12 decimals) is exact, and rounding to the cent happens
 * once, half-up, per statement. Only divisions (a rate written as a fraction such as "1/30", a
 * formula's `/`) can leave a non-terminating decimal; those are carried to 80 significant digits,
 * far below anything the cent rounding can see.
 */
import { Decimal } from 'decimal.js';
import { parseAmount, type Cents } from '../money.js';

/** decimal.js configured for pay: a clone, so the library's global defaults stay as they are. */
export const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type Exact = InstanceType<typeof Exact>;

/** Rates carry at most this many decimals (0.03333333333 is 11). */
const EXACT_RATE_DECIMALS = 12;

const DECIMAL_TEXT = /^-?(\d+)(?:\.(\d+))?$/;
const FRACTION_TEXT = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/;

function decimalsOf(text: string): number {
  const fraction = /\.(\d+)$/.exec(text)?.[1] ?? '';
  return fraction.replace(/0+$/, '').length;
}

/**
 * A rate as users write it: a JSON number or decimal string with at most 12 decimals, or a
 * fraction of two such decimals ("2/3", "0.1/3") for rates no decimal can state. Numbers are read
 * through their shortest round-tripping text, so 0.08 is exactly eight hundredths. Null when the
 * value is none of these (or a fraction divides by zero).
 */
export function parseExactRate(value: unknown): Exact | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = new Exact(value).toFixed();
  } else if (typeof value === 'string') {
    text = value.trim();
    if (text.length === 0 || text.length > 60) return null;
  } else {
    return null;
  }
  const fraction = FRACTION_TEXT.exec(text);
  if (fraction) {
    const [, top = '', bottom = ''] = fraction;
    if (decimalsOf(top) > EXACT_RATE_DECIMALS || decimalsOf(bottom) > EXACT_RATE_DECIMALS) return null;
    const divisor = new Exact(bottom);
    return divisor.isZero() ? null : new Exact(top).div(divisor);
  }
  if (!DECIMAL_TEXT.test(text) || decimalsOf(text) > EXACT_RATE_DECIMALS) return null;
  return new Exact(text);
}

/** A definition amount (a JSON number with at most 2 decimals) as exact currency; null otherwise. */
export function parseExactAmount(value: unknown): Exact | null {
  if (typeof value !== 'number') return null;
  const cents = parseAmount(value);
  return cents === null ? null : new Exact(cents).div(100);
}

/** Currency rounded half-up (away from zero) to whole cents: the one rounding of a statement. */
export function roundToCents(amount: Exact): Cents {
  return amount.mul(100).toDecimalPlaces(0, Exact.ROUND_HALF_UP).toNumber();
}

/** Currency for people: thousands separators and two decimals, rounded half-up ("31,569.00"). */
export function formatMoney(amount: Exact): string {
  const fixed = amount.toFixed(2, Exact.ROUND_HALF_UP);
  const negative = fixed.startsWith('-');
  const [whole = '0', cents = '00'] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative && fixed !== '-0.00' ? '-' : ''}${grouped}.${cents}`;
}

/** An exact amount as decimal text without exponent ("1052.3", "0.000333333333333"). */
export function exactText(amount: Exact): string {
  // Non-terminating quotients are shown to 20 decimals: exact enough to audit, short enough to read.
  const text = amount.toFixed();
  const dot = text.indexOf('.');
  return dot >= 0 && text.length - dot - 1 > 20 ? amount.toFixed(20).replace(/0+$/, '') : text;
}

