/**
 * Is an agent's termination rate really above the tenant's threshold, or did they just have one
 * bad deal? The one rule the import warnings and the summary's problem agents share.
 *
 * Beta-binomial: before seeing an agent's contracts we expect them to terminate like the tenant
 * does, with the weight of {@link PRIOR_CONTRACTS} contracts (the same weight the Markets view
 * shrinks with); after seeing t terminated of n contracts the rate is Beta(a + t, b + n − t)
 * distributed. An agent is flagged when the posterior probability that their rate exceeds the
 * threshold is at least {@link FLAG_PROBABILITY}: 5 of 6 terminated is flagged, 1 of 2 is not.
 *
 * {@link judgeTerminations} is the rule as its three users apply it (the payee import's warnings,
 * the closings import's warnings, the summary's problem agents): the prior is the rate of the
 * agents judged together (a month's, or a period's), and {@link terminationWarning} is the
 * contract's warning wording.
 */
import { percentOf } from '../money.js';

/** The prior's weight, in contracts at the tenant's rate. */
export const PRIOR_CONTRACTS = 10;
/** How sure the evidence must be that the rate is above the threshold. */
export const FLAG_PROBABILITY = 0.9;
/** A tenant rate of 0 or 1 would make the prior degenerate; keep it just inside. */
const RATE_FLOOR = 0.005;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): accurate to about 15 digits. */
function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < coefficients.length; i += 1) sum += coefficients[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz), for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let result = d;
  for (let m = 1; m <= 300; m += 1) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + even * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + even / c;
    if (Math.abs(c) < tiny) c = tiny;
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + odd * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + odd / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return result;
}

/** The regularised incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast on one side of the mean; use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) on the other.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

export interface TerminationEvidence {
  terminated: number;
  contracts: number;
  /** The agent's own rate, terminated over contracts. */
  rate: number;
  /** Posterior probability that the agent's rate is above the threshold. */
  probability: number;
  flagged: boolean;
  /** In words: "5 of 6 contracts terminated (83%); 97% likely above the 15% threshold". */
  explanation: string;
}

// Whole percents where they are whole (15%), one decimal otherwise (12.5%).
const percent = (fraction: number) => `${(100 * fraction).toFixed(1).replace(/\.0$/, '')}%`;

/**
 * The evidence on one agent: `terminated` of `contracts` (closed plus terminated), judged against
 * `threshold` with a prior centred on the tenant's own rate over the same months.
 */
export function terminationEvidence(terminated: number, contracts: number, tenantRate: number, threshold: number): TerminationEvidence {
  const prior = Math.min(1 - RATE_FLOOR, Math.max(RATE_FLOOR, tenantRate));
  const a = prior * PRIOR_CONTRACTS + terminated;
  const b = (1 - prior) * PRIOR_CONTRACTS + (contracts - terminated);
  const probability = 1 - betaCdf(threshold, a, b);
  const rate = contracts === 0 ? 0 : terminated / contracts;
  // The rate itself must be above the line too: evidence for a high rate is not a high rate.
  const flagged = terminated > 0 && rate > threshold && probability >= FLAG_PROBABILITY;
  return {
    terminated,
    contracts,
    rate,
    probability,
    flagged,
    explanation:
      `${terminated} of ${contracts} contract${contracts === 1 ? '' : 's'} terminated (${percent(rate)}); ` +
      `${probability >= 0.995 ? 'over 99%' : percent(probability)} likely above the ${percent(threshold)} threshold`,
  };
}

export interface ContractCount {
  terminated: number;
  /** Closed plus terminated. */
  contracts: number;
}

/**
 * Each count's evidence, the prior centred on the pooled rate of all of them (null counts, an
 * agent without a deal count, are judged as nothing and add nothing to the pool).
 */
export function judgeTerminations(counts: readonly (ContractCount | null)[], threshold: number): (TerminationEvidence | null)[] {
  let terminated = 0;
  let contracts = 0;
  for (const count of counts) {
    terminated += count?.terminated ?? 0;
    contracts += count?.contracts ?? 0;
  }
  const tenantRate = contracts === 0 ? 0 : terminated / contracts;
  return counts.map((count) => (count ? terminationEvidence(count.terminated, count.contracts, tenantRate, threshold) : null));
}

/** The contract's wording: `Agent 'NAME' termination rate (19.2%) above threshold`. */
export function terminationWarning(name: string, count: ContractCount): string {
  return `Agent '${name}' termination rate (${percentOf(count.terminated, count.contracts, 1)?.toFixed(1)}%) above threshold`;
}

/** The warnings of the agents the rule flags, in the order given. */
export function terminationWarnings(agents: readonly ({ name: string } & ContractCount)[], threshold: number): string[] {
  const judged = judgeTerminations(agents, threshold);
  return agents.flatMap((agent, i) => (judged[i]?.flagged ? [terminationWarning(agent.name, agent)] : []));
}
