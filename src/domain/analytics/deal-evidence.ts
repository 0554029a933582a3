/**
 * Is an agent's commission % or GP per deal really past the line, or did they just have one or two
 * odd deals? The deal rules' counterpart of termination-evidence.ts, with the same shape of rule.
 *
 * Each closed deal is one noisy observation of the agent's true figure, with the tenant's per-deal
 * noise σ. Before seeing an agent's deals we expect their figure to be the tenant's, with the
 * weight of {@link PRIOR_DEALS} deals (the prior termination rates get, PRIOR_CONTRACTS); after n
 * deals averaging x the figure is normal with mean (w·tenant + n·x) / (w + n) and standard
 * deviation σ / √(w + n) (the conjugate normal model with σ known). An agent is flagged when their
 * own figure is past the line and the posterior probability that the true figure is past it is at
 * least {@link FLAG_PROBABILITY}, as for terminations, and they closed at least {@link MIN_DEALS_JUDGED}
 * deals (a measured σ can be small enough to make two odd deals look like proof; they are not).
 *
 * σ is measured, not assumed: how much each agent's monthly figure moves around their own average,
 * given the deals behind each month (a month of n deals varies by σ/√n), pooled over every agent
 * and month of the tenant's history (a one-way analysis of variance within agents). Drift in an
 * agent's figure over time inflates it, which makes the rule more careful, not less. Without
 * {@link MIN_NOISE_MONTHS} spare agent-months to measure it (a tenant with one month of data) there
 * is no evidence to weigh, and the rules fall back to asking for MIN_CLOSED_FOR_DEAL_RULES deals.
 */
import { FLAG_PROBABILITY, PRIOR_CONTRACTS } from './termination-evidence.js';

export { FLAG_PROBABILITY };
/** The prior's weight, in deals at the tenant's figure: the same weight as a termination rate's. */
export const PRIOR_DEALS = PRIOR_CONTRACTS;
/** One or two deals are anecdotes whatever they show: below this many closed deals nobody is judged. */
export const MIN_DEALS_JUDGED = 3;
/** Degrees of freedom (agent-months beyond each agent's first) needed before σ means anything. */
const MIN_NOISE_MONTHS = 3;

/** Φ(x), the standard normal distribution function (erfc by Chebyshev fitting, relative error under 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** One agent-month: `deals` closed deals whose figure (per-deal GP, or commission % of GP) was `value`. */
export interface AgentMonthFigure {
  agent: string;
  deals: number;
  value: number;
}

export interface DealNoise {
  /** Standard deviation of one deal's figure, in the figure's unit. */
  sigma: number;
  /** Agent-months it was measured on, beyond each agent's first. */
  degrees_of_freedom: number;
}

/**
 * σ pooled within agents: Σ n·(x_month − x̄_agent)² / Σ (months − 1), x̄ the agent's deal-weighted
 * mean; null below {@link MIN_NOISE_MONTHS} degrees of freedom. Months without deals carry no figure.
 */
export function dealNoise(months: readonly AgentMonthFigure[]): DealNoise | null {
  const byAgent = new Map<string, AgentMonthFigure[]>();
  for (const month of months) {
    if (month.deals <= 0 || !Number.isFinite(month.value)) continue;
    const list = byAgent.get(month.agent) ?? [];
    list.push(month);
    byAgent.set(month.agent, list);
  }
  let squares = 0;
  let df = 0;
  for (const list of byAgent.values()) {
    if (list.length < 2) continue;
    let deals = 0;
    let sum = 0;
    for (const month of list) {
      deals += month.deals;
      sum += month.deals * month.value;
    }
    const mean = sum / deals;
    for (const month of list) squares += month.deals * (month.value - mean) ** 2;
    df += list.length - 1;
  }
  return df < MIN_NOISE_MONTHS ? null : { sigma: Math.sqrt(squares / df), degrees_of_freedom: df };
}

export interface DealEvidence {
  /** The posterior mean: the agent's figure pulled toward the tenant's by the prior. */
  posterior: number;
  /** Posterior probability that the agent's true figure is past the line. */
  probability: number;
  flagged: boolean;
}

/**
 * The evidence on one agent whose `deals` closed deals gave `figure`, against `line` (`direction`
 * says which side is bad), with a prior at `tenantFigure` and per-deal noise `sigma`.
 */
export function dealEvidence(input: {
  figure: number;
  deals: number;
  tenantFigure: number;
  sigma: number;
  line: number;
  direction: 'above' | 'below';
}): DealEvidence {
  const { figure, deals, tenantFigure, sigma, line, direction } = input;
  const weight = PRIOR_DEALS + Math.max(0, deals);
  const posterior = (PRIOR_DEALS * tenantFigure + Math.max(0, deals) * figure) / weight;
  const sign = direction === 'above' ? 1 : -1;
  const excess = sign * (posterior - line);
  // σ = 0 (every agent exactly as steady as a machine) leaves no doubt either way.
  const probability = sigma > 0 ? normalCdf((excess * Math.sqrt(weight)) / sigma) : excess > 0 ? 1 : 0;
  const past = sign * (figure - line) > 0;
  return { posterior, probability, flagged: deals >= MIN_DEALS_JUDGED && past && probability >= FLAG_PROBABILITY };
}

/** "97% likely", "over 99% likely": the words of a probability. */
export function likelihoodWords(probability: number): string {
  return `${probability >= 0.995 ? 'over 99%' : `${(100 * probability).toFixed(1).replace(/\.0$/, '')}%`} likely`;
}
