/**
 * What-if over closings history: the month's payouts (./calculate-payouts.ts) computed month after
 * month under a set of plans, each month carrying into the next what it paid under quarter and
 * year plans and its draw balances, exactly as stored payouts do, and compared with the approved
 * payouts, which are each month's actual commission (CONTRACT.md, "Payouts"). Simulating the
 * tenant's own plans over its approved months therefore reproduces every approved statement to
 * the cent; a difference means the plans (or the month's inputs) changed since the approval.
 *
 * Months before `from` in its year are computed too (not reported): a quarter or year plan's first
 * reported month needs what the earlier months of its period paid. Pure: no I/O.
 */
import type { Adjustment, Closing } from '../closings/closing.js';
import { parseAmount, percentOf, toAmount, type Cents } from '../money.js';
import { calculatePayouts, type DrawBalance, type PaidBefore, type PayoutPreparation, type PlanInForce } from './calculate-payouts.js';
import { paidBeforeOf } from './carry.js';
import { compileExactPlan, type ExactPlan } from './exact-plan.js';
import { monthCredits, type Goals, type MonthCredits } from './window.js';

export interface SimulatedMonthInput {
  month: string;
  closings: Closing[];
  adjustments: Adjustment[];
  goals: Goals | null;
  /** The plans that pay this month in the simulation. */
  plans: PlanInForce[];
  /** The approved statements' totals by payee (currency), or null when the month is not approved. */
  actual: Record<string, number> | null;
}

export interface PayoutSimulationInput {
  from: string;
  to: string;
  /** Every closings month from the start of `from`'s year to `to`, in any order. */
  months: SimulatedMonthInput[];
  /** Draw balances before the first month (the stored carry, for the tenant's own plans). */
  draw_balances?: DrawBalance[];
  top?: number;
}

export interface PayeeMonthComparison {
  month: string;
  payee: string;
  simulated: number;
  /** Null when the month is not approved (no actual commission yet). */
  actual: number | null;
  delta: number | null;
}

export interface PayeeComparison {
  agent: string;
  roles: string[];
  simulated: number;
  actual: number;
  delta: number;
  delta_pct: number | null;
}

export interface PayoutSimulation {
  source: 'closings';
  from: string;
  to: string;
  months: string[];
  /** The months compared with actual commission (approved). */
  approved_months: string[];
  total_gp: number;
  total_commission: number;
  /** Over approved months only. */
  actual_commission: number;
  /** Simulated commission of the approved months, comparable with actual_commission. */
  simulated_commission_approved: number;
  commission_pct: number | null;
  actual_commission_pct: number | null;
  by_month: { month: string; approved: boolean; gp: number; simulated: number; actual: number | null; delta: number | null; commission_pct: number | null; uncovered: string[] }[];
  /** Every payee over the approved months, simulated against actual, by name. */
  by_agent: PayeeComparison[];
  by_payee_month: PayeeMonthComparison[];
  /** Payee-months whose simulated total differs from the approved statement. */
  mismatches: number;
  winners: PayeeComparison[];
  losers: PayeeComparison[];
  warnings: string[];
}

const MAX_WARNINGS = 50;
/** An amount the engine gave (whole cents) in cents. */
function toCents(amount: number): Cents {
  const cents = parseAmount(amount);
  if (cents === null) throw new RangeError(`Not an amount in whole cents: ${amount}`);
  return cents;
}
const key = (planId: string, payee: string) => `${planId}\u0000${payee}`;

export function simulatePayouts(input: PayoutSimulationInput): PayoutSimulation {
  const months = [...input.months].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  const carriedPaid: (PaidBefore & { month: string })[] = [];
  const draws = new Map((input.draw_balances ?? []).map((entry) => [key(entry.plan_id, entry.payee), entry]));
  const byMonth: PayoutSimulation['by_month'] = [];
  const byPayeeMonth: PayeeMonthComparison[] = [];
  const payees = new Map<string, { agent: string; roles: Set<string>; simulated: Cents; actual: Cents }>();
  const warnings: string[] = [];
  let totalGp: Cents = 0;
  let totalSimulated: Cents = 0;
  let totalActual: Cents = 0;
  let simulatedApproved: Cents = 0;
  let approvedGp: Cents = 0;
  let mismatches = 0;
  const approvedMonths: string[] = [];

  // Each month's closings are read once and each plan compiled once, however many months use them.
  const periodic = months.some((entry) => entry.plans.some((plan) => plan.definition.basis === 'quarter' || plan.definition.basis === 'year'));
  const credits = new Map<string, { closings: readonly Closing[]; goals: Goals | null; read: MonthCredits }>();
  const compiled = new Map<PlanInForce['definition'], ExactPlan>();
  const prepared: PayoutPreparation = {
    monthCredits: (month, closings, goals) => {
      const cached = credits.get(month);
      if (cached && cached.closings === closings && cached.goals === goals) return cached.read;
      const read = monthCredits(month, closings, goals);
      // Only quarter and year plans read earlier months, and only of the same year: keep no more.
      if (periodic) {
        for (const kept of credits.keys()) if (kept.slice(0, 4) !== month.slice(0, 4)) credits.delete(kept);
        credits.set(month, { closings, goals, read });
      }
      return read;
    },
    compile: (plan) => {
      const cached = compiled.get(plan.definition);
      if (cached) return cached;
      const exact = compileExactPlan(plan.definition);
      compiled.set(plan.definition, exact);
      return exact;
    },
  };

  for (const entry of months) {
    const year = entry.month.slice(0, 4);
    const earlier = months.filter((other) => other.month < entry.month && other.month.startsWith(year));
    const payout = calculatePayouts({
      month: entry.month,
      closings: entry.closings,
      adjustments: entry.adjustments,
      goals: entry.goals,
      plans: entry.plans,
      earlier: earlier.map((other) => ({ month: other.month, closings: other.closings, goals: other.goals })),
      paid_before: paidBeforeOf(entry.month, entry.plans, carriedPaid),
      draw_balances: [...draws.values()],
    }, prepared);
    for (const paid of payout.paid) carriedPaid.push({ ...paid, month: entry.month });
    for (const balance of payout.draw_balances) draws.set(key(balance.plan_id, balance.payee), balance);
    if (entry.month < input.from || entry.month > input.to) continue;

    const gp = toCents(payout.company_gp);
    const simulated = toCents(payout.total);
    const approved = entry.actual !== null;
    const actualTotals = entry.actual ?? {};
    const actual = Object.values(actualTotals).reduce((sum: Cents, amount) => sum + toCents(amount), 0);
    totalGp += gp;
    totalSimulated += simulated;
    if (approved) {
      approvedMonths.push(entry.month);
      totalActual += actual;
      simulatedApproved += simulated;
      approvedGp += gp;
    }
    byMonth.push({
      month: entry.month,
      approved,
      gp: toAmount(gp),
      simulated: toAmount(simulated),
      actual: approved ? toAmount(actual) : null,
      delta: approved ? toAmount(simulated - actual) : null,
      commission_pct: percentOf(simulated, gp, 2),
      uncovered: payout.uncovered,
    });
    const simulatedBy = new Map(payout.statements.map((statement) => [statement.payee, statement]));
    const names = [...simulatedBy.keys(), ...Object.keys(actualTotals).filter((name) => !simulatedBy.has(name))];
    for (const payee of names) {
      const statement = simulatedBy.get(payee);
      const simulatedCents = statement ? toCents(statement.total) : 0;
      const actualCents = approved ? toCents(actualTotals[payee] ?? 0) : null;
      byPayeeMonth.push({
        month: entry.month,
        payee,
        simulated: toAmount(simulatedCents),
        actual: actualCents === null ? null : toAmount(actualCents),
        delta: actualCents === null ? null : toAmount(simulatedCents - actualCents),
      });
      if (actualCents !== null && actualCents !== simulatedCents) mismatches += 1;
      for (const warning of statement?.warnings ?? []) {
        if (warnings.length < MAX_WARNINGS) warnings.push(`${entry.month} ${payee}: ${warning}`);
      }
      if (!approved) continue;
      const totals = payees.get(payee) ?? { agent: payee, roles: new Set<string>(), simulated: 0, actual: 0 };
      for (const role of statement?.roles ?? []) totals.roles.add(role);
      totals.simulated += simulatedCents;
      totals.actual += actualCents ?? 0;
      payees.set(payee, totals);
    }
  }
  const byAgent: PayeeComparison[] = [...payees.values()]
    .map((entry) => ({
      agent: entry.agent,
      roles: [...entry.roles],
      simulated: toAmount(entry.simulated),
      actual: toAmount(entry.actual),
      delta: toAmount(entry.simulated - entry.actual),
      delta_pct: percentOf(entry.simulated - entry.actual, entry.actual, 1),
    }))
    .sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  const top = input.top ?? 5;
  return {
    source: 'closings',
    from: input.from,
    to: input.to,
    months: byMonth.map((entry) => entry.month),
    approved_months: approvedMonths,
    total_gp: toAmount(totalGp),
    total_commission: toAmount(totalSimulated),
    actual_commission: toAmount(totalActual),
    simulated_commission_approved: toAmount(simulatedApproved),
    commission_pct: percentOf(totalSimulated, totalGp, 2),
    actual_commission_pct: percentOf(totalActual, approvedGp, 2),
    by_month: byMonth,
    by_agent: byAgent,
    by_payee_month: byPayeeMonth,
    mismatches,
    winners: byAgent.filter((entry) => entry.delta > 0).sort((a, b) => b.delta - a.delta).slice(0, top),
    losers: byAgent.filter((entry) => entry.delta < 0).sort((a, b) => a.delta - b.delta).slice(0, top),
    warnings,
  };
}
