/**
 * The Mann-Kendall trend test and Sen's slope: whether a series tends to go down (or up) over
 * time, without assuming the change is linear or the noise normal, and how fast. The test counts
 * every pair of months: S = Σ_{i<j} sign(x_j − x_i). With no trend, S is near 0 with variance
 *
 *   Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18,
 *
 * the sum over groups of t_g tied values (months with the same figure, often 0). The standardised
 * Z = (S − 1)/√Var(S) for S > 0, (S + 1)/√Var(S) for S < 0 (a continuity correction), 0 for S = 0,
 * and the two-sided p = 2(1 − Φ(|Z|)). Sen's slope is the median of all pairwise slopes
 * (x_j − x_i)/(j − i): the typical change per month, robust to a few outlying months.
 * (Mann 1945, Kendall 1975, Sen 1968; as pymannkendall's `original_test` computes them.)
 */

export interface MannKendall {
  n: number;
  /** Σ sign(x_j − x_i) over i < j. */
  s: number;
  /** Var(S) with the tie correction. */
  variance: number;
  z: number;
  /** Two-sided p-value under no trend (normal approximation). */
  p_value: number;
  /** Sen's slope: the median pairwise slope, in the series' unit per step. */
  slope: number;
}

/**
 * erfc(x) to a relative error under 1.2e-7 (the Chebyshev fit of Press et al., Numerical Recipes,
 * §6.2): ample for a p-value read to three decimals.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided normal tail: P(|N(0,1)| ≥ |z|). */
export function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The test on a series in time order, one value per step; null below 3 values (no pairs to speak of). */
export function mannKendall(values: readonly number[]): MannKendall | null {
  const n = values.length;
  if (n < 3) return null;
  let s = 0;
  const slopes: number[] = [];
  for (let i = 0; i < n - 1; i += 1) {
    const xi = values[i]!;
    for (let j = i + 1; j < n; j += 1) {
      const difference = values[j]! - xi;
      s += Math.sign(difference);
      slopes.push(difference / (j - i));
    }
  }
  const groups = new Map<number, number>();
  for (const value of values) groups.set(value, (groups.get(value) ?? 0) + 1);
  let ties = 0;
  for (const t of groups.values()) ties += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const sd = Math.sqrt(variance);
  const z = variance === 0 || s === 0 ? 0 : (s > 0 ? s - 1 : s + 1) / sd;
  slopes.sort((a, b) => a - b);
  return { n, s, variance, z, p_value: twoSidedP(z), slope: median(slopes) };
}
