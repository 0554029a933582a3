/**
 * The reported ratios, defined once so that the summary, the series and the tests all mean the same
 * thing by them. Each is computed with integer arithmetic and rounded half-up, so a figure a user
 * checks by hand from the exported amounts comes out the same to the last digit.
 */
import { percentOf, roundHalfUpDiv, type Cents } from '../money.js';

/** All commission over GP as a percentage with one decimal (14.3); null when GP is 0. */
export function commissionPct(commission: Cents, gp: Cents): number | null {
  return percentOf(commission, gp, 1);
}

/** Commission over GP in tenths of a percent (143 for 14.3%), for exact comparisons. */
export function commissionTenths(commission: Cents, gp: Cents): number | null {
  return gp === 0 ? null : Number(roundHalfUpDiv(BigInt(commission) * 1000n, BigInt(gp)));
}

/** Terminated contracts over closed plus terminated, a fraction with three decimals (0.138); null with no contracts. */
export function terminationRate(terminated: number, closed: number): number | null {
  const contracts = terminated + closed;
  if (contracts === 0) return null;
  return Number(roundHalfUpDiv(BigInt(terminated) * 1000n, BigInt(contracts))) / 1000;
}

/** GP earned per dollar of commission, two decimals (6.99); null unless commission is positive. */
export function gpPerCommissionDollar(gp: Cents, commission: Cents): number | null {
  if (commission <= 0) return null;
  return Number(roundHalfUpDiv(BigInt(gp) * 100n, BigInt(commission))) / 100;
}

/**
 * A termination rate shrunk toward the tenant's (beta-binomial posterior mean with a prior worth
 * `k` contracts (a non-negative integer) at the tenant rate T/N): (t + k·T/N) / (n + k), exact, three decimals. A market with
 * two contracts, one terminated, shows close to the tenant rate instead of 50%; one with hundreds
 * shows its own. Null when the tenant has no contracts to take a mean from.
 */
export function shrunkTerminationRate(
  terminated: number,
  contracts: number,
  tenantTerminated: number,
  tenantContracts: number,
  k: number,
): number | null {
  if (tenantContracts === 0 || !Number.isSafeInteger(k) || k < 0) return null;
  const numerator = BigInt(terminated) * BigInt(tenantContracts) + BigInt(k) * BigInt(tenantTerminated);
  const denominator = BigInt(contracts + k) * BigInt(tenantContracts);
  if (denominator === 0n) return null;
  return Number(roundHalfUpDiv(numerator * 1000n, denominator)) / 1000;
}
