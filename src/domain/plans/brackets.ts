/**
 * Bracket math in exact integers. A bracket covers the measure from the previous bound (exclusive)
 * up to its own `upTo` (inclusive), so 50,000.00 sits in the first bracket of [50,000 @ 10%, rest
 * @ 8%] and 50,000.01 reaches the second.
 *
 * - graduated: each slice of the measure is paid at its bracket's rate
 *   (70,000 → 50,000 × 0.10 + 20,000 × 0.08 = 6,600).
 * - retroactive: the whole measure is paid at the rate of the bracket it reaches (70,000 → 5,600).
 *
 * Units are the caller's: with the measure in cents and rates in micro-units the amounts are
 * micro-cents; with a count of deals and rates in micro-cents per deal they are micro-cents too.
 * A negative measure (a month of net GP reversals) falls in the first bracket in both modes, so pay
 * stays monotone in the measure.
 */
import type { BracketMode } from './definition.js';

export type { BracketMode };

export interface Bracket {
  /** Inclusive upper bound; null only for the last bracket. */
  upTo: bigint | null;
  rate: bigint;
}

export interface BracketSlice {
  /** 0-based bracket index. */
  index: number;
  /** Exclusive lower bound of the bracket (0 for the first). */
  lower: bigint;
  upper: bigint | null;
  /** The part of the measure paid at this bracket's rate. */
  base: bigint;
  rate: bigint;
  amount: bigint;
}

function lowerBound(brackets: readonly Bracket[], index: number): bigint {
  return index === 0 ? 0n : (brackets[index - 1]?.upTo ?? 0n);
}

/** The bracket a measure reaches: the first whose bound it does not exceed. */
export function bracketReached(measure: bigint, brackets: readonly Bracket[]): number {
  for (let index = 0; index < brackets.length; index += 1) {
    const upTo = brackets[index]?.upTo;
    if (upTo === null || upTo === undefined || measure <= upTo) return index;
  }
  return brackets.length - 1;
}

/** The slices of `measure` per bracket, with a non-zero base only (graduated mode). */
export function graduatedSlices(measure: bigint, brackets: readonly Bracket[]): BracketSlice[] {
  const slices: BracketSlice[] = [];
  if (measure < 0n) {
    const first = brackets[0];
    if (first) slices.push({ index: 0, lower: 0n, upper: first.upTo, base: measure, rate: first.rate, amount: measure * first.rate });
    return slices;
  }
  for (let index = 0; index < brackets.length; index += 1) {
    const bracket = brackets[index];
    if (!bracket) break;
    const lower = lowerBound(brackets, index);
    if (measure <= lower) break;
    const top = bracket.upTo === null || measure < bracket.upTo ? measure : bracket.upTo;
    const base = top - lower;
    slices.push({ index, lower, upper: bracket.upTo, base, rate: bracket.rate, amount: base * bracket.rate });
  }
  return slices;
}

/** The whole measure at the rate of the bracket reached (retroactive mode); none for a zero measure. */
export function retroactiveSlice(measure: bigint, brackets: readonly Bracket[]): BracketSlice[] {
  if (measure === 0n || brackets.length === 0) return [];
  const index = bracketReached(measure, brackets);
  const bracket = brackets[index];
  if (!bracket) return [];
  return [{ index, lower: lowerBound(brackets, index), upper: bracket.upTo, base: measure, rate: bracket.rate, amount: measure * bracket.rate }];
}

export function bracketSlices(measure: bigint, brackets: readonly Bracket[], mode: BracketMode): BracketSlice[] {
  return mode === 'graduated' ? graduatedSlices(measure, brackets) : retroactiveSlice(measure, brackets);
}

/** What the brackets pay on `measure`, exactly (measure units × rate units). */
export function bracketAmount(measure: bigint, brackets: readonly Bracket[], mode: BracketMode): bigint {
  let total = 0n;
  for (const slice of bracketSlices(measure, brackets, mode)) total += slice.amount;
  return total;
}

/**
 * The base each bracket's rate applies to, so that pay = Σ rate_i × base_i. Pay is linear in the
 * rates once the bounds are fixed, in both modes; the optimiser searches rates on these bases.
 */
export function bracketBases(measure: bigint, bounds: readonly (bigint | null)[], mode: BracketMode): bigint[] {
  const brackets = bounds.map((upTo) => ({ upTo, rate: 0n }));
  const bases = bounds.map(() => 0n);
  for (const slice of bracketSlices(measure, brackets, mode)) bases[slice.index] = slice.base;
  return bases;
}
