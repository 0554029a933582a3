/**
 * Tier-gaming signals over closings months: patterns that suggest a payee steers their figures to
 * a bracket's lower bound. Each signal carries its evidence so a manager can check it by hand.
 *
 * - `bunching`: the payee's monthly credited GP lands just above a bracket's lower bound L (in
 *   [L, L + w), w = 5% of L) far more often than just below it ([L − w, L)). Under any smooth
 *   distribution the two adjacent windows of equal width are about equally likely, so of the n
 *   months in either window the expected count above is n / 2, and the evidence is the binomial
 *   tail P(Bin(n, ½) ≥ above). Flagged at a tail of at most {@link SIGNAL_TAIL}.
 * - `month_end`: the payee's deals dated in the last {@link MONTH_END_DAYS} days of their month,
 *   against the count expected if dates were uniform over the month (Σ days / days in month), with
 *   the Poisson tail P(N ≥ late); flagged at most {@link SIGNAL_TAIL} and when at least one month's
 *   late deals lifted them into a higher bracket. Each lift's pay difference is exact: the payee's
 *   statement total from the plan engine with the month's closings, less without the late deals.
 * - `true_up`: a positive `true_up` adjustment (GP raised after the close, paid as a one-off), each
 *   listed with its amount.
 *
 * Also per agent, the termination-risk holdback suggestion (no payout changes): the posterior mean
 * termination rate (the Beta prior of termination-evidence.ts) times the month's plan pay, which is
 * what a terminated deal's clawback would take back on average.
 */
import type { Adjustment, Closing } from '../closings/closing.js';
import { creditsOf } from '../closings/credits.js';
import { calculatePayouts, type PlanInForce } from '../payouts/calculate-payouts.js';
import type { Bracket } from '../plans/definition-shape.js';
import { formatAmount, parseAmount, roundHalfUpDiv, toAmount, type Cents } from '../money.js';
import { PRIOR_CONTRACTS } from './termination-evidence.js';

const SIGNAL_TAIL = 0.01;
const MONTH_END_DAYS = 3;
/** The window each side of a bound, as a fraction of the bound. */
const BUNCHING_WIDTH = 0.05;

export interface TierSignalMonth {
  month: string;
  closings: Closing[];
  adjustments: Adjustment[];
  plans: PlanInForce[];
}

export interface TierSignal {
  kind: 'bunching' | 'month_end' | 'true_up';
  payee: string;
  /** What was counted (months near a bound, deals dated late) or null for a true-up. */
  observed: number | null;
  /** The count expected under a smooth distribution (or uniform dates). */
  expected: number | null;
  /** The tail probability of observing at least `observed` by chance. */
  tail_probability: number | null;
  /** Exact pay difference in currency (late deals' lifts summed; the true-up's amount). */
  pay_difference: number | null;
  months: string[];
  explanation: string;
}

export interface HoldbackSuggestion {
  agent: string;
  terminated: number;
  contracts: number;
  /** Posterior mean termination rate, a fraction with 3 decimals. */
  expected_rate: number;
  /** The month's plan pay (statement total less adjustments), currency. */
  pay_at_risk: number;
  /** Expected clawback = expected_rate × pay_at_risk, currency. */
  holdback: number;
  /** holdback over the month's whole pay, a fraction with 3 decimals; null without pay. */
  share: number | null;
  reasoning: string;
}

const logFactorial = (n: number) => {
  let sum = 0;
  for (let k = 2; k <= n; k += 1) sum += Math.log(k);
  return sum;
};

/** P(Bin(n, ½) ≥ k). */
export function binomialHalfTail(k: number, n: number): number {
  if (k <= 0) return 1;
  let sum = 0;
  for (let i = k; i <= n; i += 1) sum += Math.exp(logFactorial(n) - logFactorial(i) - logFactorial(n - i) - n * Math.LN2);
  return Math.min(1, sum);
}

/** P(Poisson(λ) ≥ k). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  let below = 0;
  for (let i = 0; i < k; i += 1) below += Math.exp(i * Math.log(lambda) - lambda - logFactorial(i));
  return Math.max(0, 1 - below);
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
const daysIn = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

/** Lower bounds (cents, above 0) of the monthly GP brackets of the plans, ascending. */
function gpLowerBounds(plans: readonly PlanInForce[]): Cents[] {
  const bounds = new Set<Cents>();
  for (const { definition } of plans) {
    const tiers = (definition as { tiers?: { measure?: string; brackets?: Bracket[] }; basis?: string }).tiers;
    if ((definition.basis ?? 'month') !== 'month' || !tiers || tiers.measure !== 'gp' || !tiers.brackets) continue;
    const brackets = tiers.brackets;
    brackets.forEach((bracket, i) => {
      if (bracket.from !== undefined && bracket.from > 0) bounds.add(parseAmount(bracket.from)!);
      if (bracket.up_to !== undefined && bracket.up_to !== null && i < brackets.length - 1) bounds.add(parseAmount(bracket.up_to)! + 1);
    });
  }
  return [...bounds].sort((a, b) => a - b);
}

/** Each agent's credited GP (cents, closed deals) in a month. */
function agentGp(closings: readonly Closing[]): Map<string, Cents> {
  const gp = new Map<string, Cents>();
  for (const credit of creditsOf(closings)) {
    if (credit.kind !== 'agent' || credit.terminated) continue;
    gp.set(credit.person, (gp.get(credit.person) ?? 0) + Math.round(credit.gpCents.toNumber()));
  }
  return gp;
}

const bracketOf = (gp: Cents, bounds: readonly Cents[]) => bounds.filter((bound) => gp >= bound).length;

function payOf(month: TierSignalMonth, closings: Closing[], payee: string): Cents {
  const payout = calculatePayouts({ month: month.month, closings, plans: month.plans });
  const statement = payout.statements.find((entry) => entry.payee === payee);
  return statement ? parseAmount(statement.total)! : 0;
}

export function tierSignals(months: readonly TierSignalMonth[]): TierSignal[] {
  const signals: TierSignal[] = [];
  const near = new Map<string, { above: number; below: number; months: string[] }>();
  const late = new Map<string, { dated: number; late: number; expected: number; lifts: { month: string; cents: Cents }[] }>();
  for (const month of months) {
    const bounds = gpLowerBounds(month.plans);
    if (bounds.length === 0) continue;
    const gp = agentGp(month.closings);
    for (const [payee, cents] of gp) {
      const tally = near.get(payee) ?? { above: 0, below: 0, months: [] };
      for (const bound of bounds) {
        const width = Math.round(bound * BUNCHING_WIDTH);
        if (cents >= bound && cents < bound + width) {
          tally.above += 1;
          tally.months.push(month.month);
        } else if (cents < bound && cents >= bound - width) tally.below += 1;
      }
      near.set(payee, tally);
    }
    const days = daysIn(month.month);
    const isLate = (closing: Closing) => closing.date !== undefined && Number(closing.date.slice(8, 10)) > days - MONTH_END_DAYS;
    for (const payee of gp.keys()) {
      const own = month.closings.filter((closing) => closing.status !== 'terminated' && closing.sides.some((side) => side.agent === payee));
      const dated = own.filter((closing) => closing.date !== undefined);
      const lateDeals = dated.filter(isLate);
      const tally = late.get(payee) ?? { dated: 0, late: 0, expected: 0, lifts: [] };
      tally.dated += dated.length;
      tally.late += lateDeals.length;
      tally.expected += (dated.length * MONTH_END_DAYS) / days;
      if (lateDeals.length > 0) {
        const without = month.closings.filter((closing) => !lateDeals.includes(closing));
        const before = agentGp(without).get(payee) ?? 0;
        if (bracketOf(before, bounds) < bracketOf(gp.get(payee)!, bounds)) {
          tally.lifts.push({ month: month.month, cents: payOf(month, month.closings, payee) - payOf(month, without, payee) });
        }
      }
      late.set(payee, tally);
    }
    for (const adjustment of month.adjustments) {
      if (adjustment.reason !== 'true_up' || adjustment.amount <= 0) continue;
      signals.push({
        kind: 'true_up', payee: adjustment.payee, observed: null, expected: null, tail_probability: null, pay_difference: adjustment.amount, months: [month.month],
        explanation: `a true-up of ${formatAmount(parseAmount(adjustment.amount)!)} raised ${month.month}'s pay after the close${adjustment.note ? ` (${adjustment.note})` : ''}`,
      });
    }
  }
  for (const [payee, tally] of near) {
    const n = tally.above + tally.below;
    const tail = binomialHalfTail(tally.above, n);
    if (tail > SIGNAL_TAIL) continue;
    signals.push({
      kind: 'bunching', payee, observed: tally.above, expected: n / 2, tail_probability: round3(tail), pay_difference: null, months: tally.months,
      explanation: `${tally.above} months just above a bracket's lower bound and ${tally.below} just below (within ${100 * BUNCHING_WIDTH}% of it); ` +
        `a smooth spread would put ${n / 2} above; ${tail < 0.001 ? 'under 0.1%' : `${(100 * tail).toFixed(1)}%`} likely by chance`,
    });
  }
  for (const [payee, tally] of late) {
    const tail = poissonTail(tally.late, tally.expected);
    if (tail > SIGNAL_TAIL || tally.lifts.length === 0) continue;
    const cents = tally.lifts.reduce((sum, lift) => sum + lift.cents, 0);
    signals.push({
      kind: 'month_end', payee, observed: tally.late, expected: round3(tally.expected), tail_probability: round3(tail), pay_difference: toAmount(cents), months: tally.lifts.map((lift) => lift.month),
      explanation: `${tally.late} of ${tally.dated} deals dated in the last ${MONTH_END_DAYS} days of their month (uniform dates would give ${tally.expected.toFixed(1)}); ` +
        `in ${tally.lifts.length} month${tally.lifts.length === 1 ? '' : 's'} they lifted the payee into a higher bracket, worth ${formatAmount(cents)} in pay`,
    });
  }
  const order = { bunching: 0, month_end: 1, true_up: 2 };
  return signals.sort((a, b) => a.payee.localeCompare(b.payee) || order[a.kind] - order[b.kind]);
}

/**
 * The holdback suggestion per agent: `terminated` of `contracts` over the history, the tenant's
 * rate as the prior (weight {@link PRIOR_CONTRACTS}), the month's pay in cents and its plan part.
 */
export function holdbackSuggestion(agent: string, terminated: number, contracts: number, tenantRate: number, payCents: Cents, planPayCents: Cents): HoldbackSuggestion {
  const rate = (tenantRate * PRIOR_CONTRACTS + terminated) / (PRIOR_CONTRACTS + contracts);
  const atRisk = Math.max(0, planPayCents);
  // The rate as parts per million, so the holdback is rounded half-up once, to the cent.
  const holdback = Number(roundHalfUpDiv(BigInt(atRisk) * BigInt(Math.round(rate * 1e6)), 1_000_000n));
  const share = payCents > 0 ? round3(holdback / payCents) : null;
  return {
    agent, terminated, contracts, expected_rate: round3(rate), pay_at_risk: toAmount(atRisk), holdback: toAmount(holdback), share,
    reasoning: `${terminated} of ${contracts} contracts terminated; with the tenant's ${(100 * tenantRate).toFixed(1)}% worth ${PRIOR_CONTRACTS} contracts ` +
      `the expected rate is ${(100 * rate).toFixed(1)}%, so of ${formatAmount(atRisk)} plan pay about ${formatAmount(holdback)} would be clawed back` +
      (share === null ? '' : ` (${(100 * share).toFixed(1)}% of the month's pay)`),
  };
}

export interface TierSignalsInput {
  from: string;
  to: string;
  months: TierSignalMonth[];
  /** The last month's stored statements (draft or approved): pay and plan pay in cents by payee. */
  pay: { payee: string; total: Cents; plan: Cents }[];
}

export interface TierSignalsAnswer {
  from: string;
  to: string;
  months: string[];
  signals: TierSignal[];
  /** For the period's last month, per agent with pay. */
  holdback_month: string;
  holdback: HoldbackSuggestion[];
}

/** The signals over the months, and the holdback suggestion on the last month's pay. */
export function tierSignalsAnswer(input: TierSignalsInput): TierSignalsAnswer {
  const counts = new Map<string, { terminated: number; contracts: number }>();
  let terminated = 0;
  let contracts = 0;
  for (const month of input.months) {
    for (const credit of creditsOf(month.closings)) {
      if (credit.kind !== 'agent') continue;
      const count = counts.get(credit.person) ?? { terminated: 0, contracts: 0 };
      count.contracts += 1;
      contracts += 1;
      if (credit.terminated) {
        count.terminated += 1;
        terminated += 1;
      }
      counts.set(credit.person, count);
    }
  }
  const tenantRate = contracts === 0 ? 0 : terminated / contracts;
  const holdback = input.pay
    .filter((entry) => counts.has(entry.payee))
    .map((entry) => {
      const count = counts.get(entry.payee)!;
      return holdbackSuggestion(entry.payee, count.terminated, count.contracts, tenantRate, entry.total, entry.plan);
    })
    .sort((a, b) => a.agent.localeCompare(b.agent));
  return { from: input.from, to: input.to, months: input.months.map((month) => month.month), signals: tierSignals(input.months), holdback_month: input.to, holdback };
}
