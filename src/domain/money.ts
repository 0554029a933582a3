/**
 * Exact money. Amounts arrive as JSON numbers or CSV text with at most two decimals and live inside
 * the platform as integer cents, so that sums are exact to the cent (CONTRACT.md). Floats are only
 * ever read through their shortest decimal representation, never multiplied by 100 and rounded: a
 * number like 1.005 is really 1.00499999999999989..., and rounding it would silently accept an
 * amount the sender did not mean.
 */

/** An amount in integer cents; always a safe integer. */
export type Cents = number;

/**
 * Largest accepted magnitude (exclusive), in whole currency units. 1e13 units is 1e15 cents, well
 * inside Number.MAX_SAFE_INTEGER (about 9.007e15), so single amounts and the sum of a few of them
 * stay exact as plain numbers.
 */
export const MAX_AMOUNT = 1e13;
const MAX_CENTS = 10n ** 15n;

/**
 * Optional sign, digits, optional fraction and optional exponent: what String(number) produces, and
 * what a caller may write to state a rate without ever making it a float.
 */
const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;
/** What an accountant writes in a cell: no thousands separators, currency signs or exponents. */
const AMOUNT_TEXT = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;
/** Longer decimal text is no amount or rate anyone states. */
const MAX_DECIMAL_TEXT = 40;

/**
 * A decimal as an integer and a power-of-ten scale (value = units / 10^scale), with the scale
 * reduced as far as trailing zeros allow (never below 0).
 */
export interface Decimal {
  units: bigint;
  scale: number;
}

function decimalFromParts(sign: string, whole: string, fraction: string, exponent: number): Decimal {
  let units = BigInt(whole + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units: sign === '-' ? -units : units, scale };
}

/**
 * The exact decimal a finite number or a decimal string stands for: the one decimal parser of the
 * domain (amounts here, rates in plans/units.ts). A number is read from its shortest round-tripping
 * text, so 0.1 is exactly one tenth; a string is trimmed. Null for anything else.
 */
export function decimalOf(value: unknown): Decimal | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
    if (text.length > MAX_DECIMAL_TEXT) return null;
  } else {
    return null;
  }
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return null;
  const [, sign = '', whole = '0', fraction = '', exponent = '0'] = match;
  const exp = Number(exponent);
  // Exponents this large are far outside any amount or rate; refuse before building 10^exp.
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 400) return null;
  return decimalFromParts(sign, whole, fraction, exp);
}

/**
 * `decimal` times 10^decimals as an exact integer; null when it has more than `decimals` places. A
 * Decimal is reduced (no trailing zeros), so 0.10000000 counts as one place.
 */
function scaledUnits(decimal: Decimal, decimals: number): bigint | null {
  if (decimal.scale > decimals) return null;
  return decimal.units * 10n ** BigInt(decimals - decimal.scale);
}

/**
 * The one decimal parser of the domain: a finite number or decimal string (read by decimalOf) as an
 * exact integer of 10^-decimals units, or null when it is no decimal or has more places. Amounts use
 * it with 2 (cents), plan rates with 6 (micro-units, plans/units.ts).
 */
export function parseScaled(value: unknown, decimals: number): bigint | null {
  const decimal = decimalOf(value);
  return decimal ? scaledUnits(decimal, decimals) : null;
}

function centsInRange(cents: bigint | null): Cents | null {
  if (cents === null || cents >= MAX_CENTS || cents <= -MAX_CENTS) return null;
  // Number(-0n) is 0, so a negative zero input never leaks out as -0.
  return Number(cents);
}

/** Cents for a JSON amount, or null when it has more than 2 decimals or |value| >= 1e13. */
export function parseAmount(value: number): Cents | null {
  // Fast path (every closing's GP goes through here, months of them in a simulation), exact: c is
  // the candidate integer of cents, and c / 100 (correctly rounded) is the double nearest to the
  // decimal c/100, so it equals `value` exactly when value's shortest text has at most 2 decimals
  // (test/unit/money.test.ts checks both paths agree). Nothing is accepted on the float product
  // alone: 1.005 gives c = 100, 100 / 100 !== 1.005, and the text path refuses it.
  if (typeof value === 'number' && value > -MAX_AMOUNT && value < MAX_AMOUNT) {
    const cents = Math.round(value * 100);
    if (cents / 100 === value) return cents === 0 ? 0 : cents;
  }
  return centsInRange(parseScaled(value, 2));
}

/**
 * Cents for a CSV cell such as `-250.00`, `1234.5` or `1234`; null for blanks, thousands separators,
 * currency signs, exponents or more than 2 decimals. Surrounding spaces are tolerated because
 * spreadsheet tools add them.
 */
export function parseAmountText(text: string): Cents | null {
  const match = AMOUNT_TEXT.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '0', fraction = ''] = match;
  // Built from the parts rather than re-read by decimalOf, which refuses text over 40 characters.
  return centsInRange(scaledUnits(decimalFromParts(sign, whole, fraction, 0), 2));
}

/**
 * The JSON number for an amount. Division by 100 is correctly rounded and |cents| < 1e15 has at most
 * 15 significant digits, so the result prints as exactly the intended decimal.
 */
export function toAmount(cents: Cents): number {
  return cents / 100;
}

/** Always two decimals, no separators: `-250.00`, `0.05`, `1234.50`. */
export function formatAmount(cents: Cents): string {
  const magnitude = Math.abs(cents);
  const rest = magnitude % 100;
  const whole = (magnitude - rest) / 100;
  return `${cents < 0 ? '-' : ''}${whole}.${String(rest).padStart(2, '0')}`;
}

/** Exact as long as the total stays a safe integer (callers check Number.isSafeInteger on big sums). */
export function sumCents(values: readonly Cents[]): Cents {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * Integer division rounding half away from zero (2.5 → 3, -2.5 → -3). The denominator must be
 * non-zero; callers decide what an empty whole means.
 */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  if ((n % d) * 2n >= d) quotient += 1n;
  return negative ? -quotient : quotient;
}

/**
 * `part` as a percentage of `whole`, rounded half-up at `decimals` places with integer arithmetic
 * (so 19.25% shows as 19.3%, not whatever the float happens to be). Null when whole is 0.
 */
export function percentOf(part: Cents, whole: Cents, decimals = 1): number | null {
  if (whole === 0) return null;
  const scale = 10n ** BigInt(decimals);
  const scaled = roundHalfUpDiv(BigInt(part) * 100n * scale, BigInt(whole));
  return Number(scaled) / Number(scale);
}

/**
 * A number rounded half-up at `decimals` places, reading its exact decimal value; used to compare a
 * sender's percentage with a computed one at the same precision. Null for non-finite input.
 */
export function roundDecimal(value: number, decimals: number): number | null {
  const decimal = decimalOf(value);
  if (!decimal) return null;
  if (decimal.scale <= decimals) return value;
  const rounded = roundHalfUpDiv(decimal.units, 10n ** BigInt(decimal.scale - decimals));
  return Number(rounded) / 10 ** decimals;
}
