/**
 * The exact units the plan engine computes in. Money measures are integer cents (../money.ts);
 * rates are integer micro-units (0.08 = 80,000 micro); a cents amount times a micro-rate is an
 * amount in micro-cents (10^-6 cent), which is exact for every rate a plan can state. Amounts stay
 * in micro-cents until the statement total is rounded half-up to the cent, once per payee per period.
 * Floats are never multiplied with money: a rate is read through its decimal text, like amounts.
 */
import { formatAmount, parseAmount, parseScaled, roundHalfUpDiv, type Cents } from '../money.js';

/** Micro-units per unit: the scale of rates and of micro-cents per cent. */
export const MICRO = 1_000_000n;

/** Rates and shares carry at most this many decimals (0.123456). */
const RATE_DECIMALS = 6;

/** A rate or share (0.08 or "0.08") in micro-units; null beyond 6 decimals. */
export function parseRate(value: unknown): bigint | null {
  return parseScaled(value, RATE_DECIMALS);
}

/** A definition amount (JSON number, at most 2 decimals) in cents; null otherwise. */
export function parseCents(value: unknown): bigint | null {
  if (typeof value !== 'number') return null;
  const cents = parseAmount(value);
  return cents === null ? null : BigInt(cents);
}

/** A count (deals): a non-negative safe integer. */
export function parseCount(value: unknown): bigint | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
}

/** Micro-cents to cents, half away from zero: the one rounding a statement total goes through. */
export function roundMicroCents(microCents: bigint): Cents {
  return Number(roundHalfUpDiv(microCents, MICRO));
}

/** A rate as a JSON number (80,000 micro → 0.08); exact because the division is correctly rounded. */
export function rateNumber(micro: bigint): number {
  return Number(micro) / 1e6;
}

/** A rate as a percentage for descriptions: 80,000 → "8%", 125,000 → "12.5%". */
export function formatRate(micro: bigint): string {
  const negative = micro < 0n;
  const magnitude = negative ? -micro : micro;
  // percent = micro / 10^4; print with up to four decimals, trailing zeros dropped.
  const whole = magnitude / 10_000n;
  const rest = (magnitude % 10_000n).toString().padStart(4, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${rest ? `.${rest}` : ''}%`;
}

/** Cents for descriptions, two decimals (the import's own format). */
export function formatCents(cents: bigint | Cents): string {
  return formatAmount(Number(cents));
}

/**
 * Micro-cents as currency text with 8 decimals (`-0.00000150`), for audit fields that must show a
 * sub-cent amount without losing it.
 */
export function formatMicroCents(microCents: bigint): string {
  const negative = microCents < 0n;
  const magnitude = negative ? -microCents : microCents;
  const scale = 100n * MICRO;
  const whole = magnitude / scale;
  const rest = (magnitude % scale).toString().padStart(8, '0');
  return `${negative ? '-' : ''}${whole}.${rest}`;
}
