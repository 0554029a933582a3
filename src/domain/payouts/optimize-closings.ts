/**
 * The structure optimiser over closings history: searches a role plan of retroactive tiers written
 * with `from` bounds (a spreadsheet's approximate lookup), the bracket chosen on the month's whole
 * GP, and, with `rate_by: "flat_fee"`, the GP of flat-fee deals paid at a ratio of the bracket's
 * rate (1, 2/3, 1/2 by default, as the issue's disposition plans do) for a target commission % of
 * company GP, subject to the same constraints as the payee-level optimiser (../plans/optimize.ts):
 * no covered payee loses more than `max_loss_pct` of what the approved payouts paid them under the
 * role plans, the top N by GP keep at least that, rates within bounds and declining.
 *
 * Linear for fixed bounds and ratio: in a month a payee's bracket depends only on their GP, and
 * the pay is rate_b × (other GP + ratio × flat-fee GP), so each (bounds, ratio) costs one pass over
 * the payee-months and each rate tuple a dot product per payee. Every plan returned is then a
 * valid plan (checked by the plan language's own validation) and paid exactly by the payouts
 * engine month by month, its constraints re-checked on those exact statements in cents.
 */
import { parseAmount, percentOf, type Cents } from '../money.js';
import { creditsOf } from '../closings/credits.js';
import type { Closing } from '../closings/closing.js';
import type { Bracket, PlanDefinition } from '../plans/definition.js';
import { Exact, parseExactRate, roundToCents } from '../plans/exact.js';
import { combinations, decliningTuples, nice, rateGrid, validateOptimizeOptions, type OptimizeOptions } from '../plans/optimize.js';
import type { PlanIssue } from '../plans/validate.js';
import { parsePlan } from '../plans/validate.js';
import { rateNumber } from '../plans/units.js';
import { calculatePayouts, type PayoutStatement } from './calculate-payouts.js';

export interface ClosingsOptimizeMonth {
  month: string;
  closings: Closing[];
  /**
   * What the approved payout paid each payee under the role plans being replaced (currency), or
   * null when the month is not approved: its payees are then not held to the constraints.
   */
  actual: Record<string, number> | null;
  /** People a plan of their own pays for the role this month (named in its agents): left out of the search. */
  paid_elsewhere?: string[];
}

/** The payee-level optimiser's constraints and grid (../plans/optimize.ts), and what closings add. */
export type ClosingsOptimizeOptions = Pick<
  OptimizeOptions,
  'target_commission_pct' | 'max_loss_pct' | 'protect_top_n' | 'rate_bounds' | 'rate_step' | 'bracket_count' | 'exempt' | 'results' | 'name'
> & {
  /** The one agent role the plan pays (default acq). */
  role?: 'acq' | 'dispo';
  /** "flat_fee" (default): flat-fee deals at a ratio of the bracket's rate; null: one rate per bracket. */
  rate_by?: 'flat_fee' | null;
  /** Ratios searched for flat-fee GP, as rates are written ("2/3", 0.5); default 1, 2/3, 1/2. */
  flat_fee_ratios?: (string | number)[];
  /** Names the plan excludes (the house account): not paid, not constrained. */
  exclude?: string[];
};

export interface ClosingsCandidate {
  plan: PlanDefinition;
  /** Exact: what the plan pays over the months (its covered payees, not those paid elsewhere), and as a % of company GP. */
  total_commission: number;
  commission_pct: number | null;
  target_gap_pct: number;
  worst_loss_pct: number;
  by_month: { month: string; gp: number; simulated: number }[];
}

export interface ClosingsOptimizeResult {
  source: 'closings';
  plans: ClosingsCandidate[];
  reason: string | null;
  evaluated: number;
}

const DEFAULT_FLAT_FEE_RATIOS: readonly string[] = ['1', '2/3', '1/2'];

/** The options' problems with their pointers; none: the search can run. */
export function validateClosingsOptimizeOptions(options: ClosingsOptimizeOptions): PlanIssue[] {
  const { role, rate_by: rateBy, flat_fee_ratios: ratios, exclude, ...shared } = options;
  const issues = validateOptimizeOptions(shared);
  if (role !== undefined && role !== 'acq' && role !== 'dispo') issues.push({ pointer: '/role', message: 'Must be acq or dispo' });
  if (rateBy !== undefined && rateBy !== null && rateBy !== 'flat_fee') issues.push({ pointer: '/rate_by', message: 'Must be flat_fee or null' });
  if (ratios !== undefined) {
    if (!Array.isArray(ratios) || ratios.length === 0 || ratios.length > 10) issues.push({ pointer: '/flat_fee_ratios', message: 'Must be 1 to 10 ratios' });
    else ratios.forEach((ratio, index) => {
      const value = parseExactRate(ratio);
      if (value === null || value.lessThanOrEqualTo(0) || value.greaterThan(1)) issues.push({ pointer: `/flat_fee_ratios/${index}`, message: 'Must be a ratio above 0 and at most 1, as a decimal or a fraction ("2/3")' });
    });
  }
  if (exclude !== undefined && (!Array.isArray(exclude) || exclude.some((name) => typeof name !== 'string' || name.trim() === ''))) issues.push({ pointer: '/exclude', message: 'Must be a list of names' });
  return issues;
}

interface PayeeMonth {
  gp: number;
  other: number;
  flat: number;
}

interface Subject {
  name: string;
  months: PayeeMonth[];
  gp: number;
  actual: Cents;
  floor: Cents | null;
}

const toCents = (amount: number): Cents => parseAmount(amount) ?? 0;

/** A rate times a ratio as a rate the plan language takes: exact decimal text, or a fraction of two. */
function ratioRate(rate: bigint, ratio: string): string {
  const base = new Exact(rate.toString()).div(1e6);
  const [top, bottom] = ratio.includes('/') ? ratio.split('/') : [ratio, '1'];
  const numerator = base.mul(top ?? '1');
  const denominator = new Exact(bottom ?? '1');
  const quotient = numerator.div(denominator);
  return quotient.decimalPlaces() <= 12 ? quotient.toFixed() : `${numerator.toFixed()}/${denominator.toFixed()}`;
}

function planOf(options: ClosingsOptimizeOptions, bounds: readonly number[], rates: readonly bigint[], ratio: string | null, index: number): PlanDefinition {
  const brackets: Bracket[] = rates.map((rate, i) => ({
    from: i === 0 ? 0 : (bounds[i - 1] ?? 0),
    rate: ratio === null ? rateNumber(rate) : { false: rateNumber(rate), true: ratioRate(rate, ratio), '*': rateNumber(rate) },
  }));
  const plan: PlanDefinition = {
    name: `${options.name ?? 'Optimised plan'} #${index}`,
    description: `${rates.length} retroactive bracket(s) by lower bound on monthly GP${ratio === null ? '' : `, flat-fee GP at ${ratio} of the rate`}, searched for ${options.target_commission_pct}% of company GP`,
    applies_to: [options.role ?? 'acq'],
    basis: 'month',
    tiers: { measure: 'gp', mode: 'retroactive', ...(ratio === null ? {} : { rate_by: 'flat_fee' }), brackets },
  };
  if (options.exclude && options.exclude.length > 0) plan.exclude = [...options.exclude];
  return plan;
}

/** The candidate paid exactly by the payouts engine, month by month. */
function payExactly(plan: PlanDefinition, months: readonly ClosingsOptimizeMonth[]) {
  const byPayee = new Map<string, Cents>();
  const byMonth: ClosingsCandidate['by_month'] = [];
  let total: Cents = 0;
  let gp: Cents = 0;
  for (const month of months) {
    const elsewhere = new Set(month.paid_elsewhere ?? []);
    const payout = calculatePayouts({ month: month.month, closings: month.closings, plans: [{ id: 'candidate', name: plan.name, version: 1, effective_from: '1970-01', definition: plan }] });
    let paid: Cents = 0;
    for (const statement of payout.statements) {
      if (elsewhere.has(statement.payee)) continue;
      byPayee.set(statement.payee, (byPayee.get(statement.payee) ?? 0) + toCents(statement.total));
      paid += toCents(statement.total);
    }
    total += paid;
    gp += toCents(payout.company_gp);
    byMonth.push({ month: month.month, gp: payout.company_gp, simulated: paid / 100 });
  }
  return { byPayee, byMonth, total, gp };
}

export function optimizeClosingsPlan(months: readonly ClosingsOptimizeMonth[], options: ClosingsOptimizeOptions): ClosingsOptimizeResult {
  const role = options.role ?? 'acq';
  const excluded = new Set(options.exclude ?? []);
  const exempt = new Set(options.exempt ?? []);
  const none = (reason: string, evaluated = 0): ClosingsOptimizeResult => ({ source: 'closings', plans: [], reason, evaluated });
  if (months.length === 0) return none('No closings months in the range');

  // --- the covered payees: each month's credited GP on the role, flat-fee and other -------------
  const subjects = new Map<string, Subject>();
  let companyCents = 0;
  for (const month of months) {
    const perPayee = new Map<string, PayeeMonth>();
    const elsewhere = new Set(month.paid_elsewhere ?? []);
    for (const credit of creditsOf(month.closings)) {
      if (credit.kind !== 'agent' || credit.role !== role || excluded.has(credit.person) || elsewhere.has(credit.person)) continue;
      const entry = perPayee.get(credit.person) ?? { gp: 0, other: 0, flat: 0 };
      const gp = credit.gpCents.toNumber();
      entry.gp += gp;
      if (credit.attributes.flat_fee === true) entry.flat += gp;
      else entry.other += gp;
      perPayee.set(credit.person, entry);
    }
    for (const closing of month.closings) companyCents += toCents(closing.gp);
    for (const [name, entry] of perPayee) {
      const subject = subjects.get(name) ?? { name, months: [], gp: 0, actual: 0, floor: null };
      subject.months.push(entry);
      subject.gp += entry.gp;
      subjects.set(name, subject);
    }
    for (const [name, amount] of Object.entries(month.actual ?? {})) {
      const subject = subjects.get(name);
      if (subject) subject.actual += toCents(amount);
    }
  }
  const list = [...subjects.values()];
  if (list.length === 0) return none(`No ${role} payees in the months searched`);
  if (companyCents <= 0) return none('The range has no GP to pay commission on');

  const maxLoss = options.max_loss_pct;
  const ranked = [...list].sort((a, b) => b.gp - a.gp || (a.name < b.name ? -1 : 1));
  const protectedNames = new Set(ranked.slice(0, options.protect_top_n ?? 0).map((subject) => subject.name));
  for (const subject of list) {
    if (exempt.has(subject.name) || subject.actual <= 0) continue;
    subject.floor = protectedNames.has(subject.name) ? subject.actual : Math.ceil((subject.actual * (100 - maxLoss)) / 100);
  }
  const constrained = list.filter((subject) => subject.floor !== null);

  // --- the search space: from bounds at quantiles of payee-month GP, declining rates, ratios ------
  const grid = rateGrid(options);
  const measures = list.flatMap((subject) => subject.months.map((month) => month.gp / 100)).filter((gp) => gp > 0).sort((a, b) => a - b);
  const quantile = (q: number) => measures[Math.min(measures.length - 1, Math.floor(q * measures.length))] ?? 0;
  const counts = options.bracket_count ? [options.bracket_count] : [1, 2, 3];
  const ratios: (string | null)[] = options.rate_by === null ? [null] : (options.flat_fee_ratios ?? DEFAULT_FLAT_FEE_RATIOS).map((ratio) => (typeof ratio === 'number' ? new Exact(ratio).toFixed() : ratio.trim()));
  const target = options.target_commission_pct;

  interface Found { bounds: number[]; rates: bigint[]; ratio: string | null; gap: number; order: number }
  const found: Found[] = [];
  let evaluated = 0;
  let order = 0;
  for (const count of counts) {
    const quantiles = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const breakpoints = [...new Set(quantiles.map((q) => nice(quantile(q))).filter((value) => value > 0))].sort((a, b) => a - b);
    const tuples = decliningTuples(grid, count).map((rates) => ({ rates, fractions: rates.map((rate) => Number(rate) / 1e6) }));
    for (const chosen of combinations(breakpoints, count - 1)) {
      const boundsCents = chosen.map((value) => Math.round(value * 100));
      const bracketOf = (gp: number) => {
        let index = 0;
        boundsCents.forEach((bound, i) => { if (gp >= bound) index = i + 1; });
        return index;
      };
      for (const ratio of ratios) {
        const factor = ratio === null ? 1 : (parseExactRate(ratio)?.toNumber() ?? 1);
        // B[a][i]: the GP (cents, flat-fee weighted by the ratio) that bracket i's rate applies to for payee a.
        const rows = list.map((subject) => {
          const row = new Array<number>(count).fill(0);
          for (const month of subject.months) {
            const i = bracketOf(month.gp);
            row[i] = (row[i] ?? 0) + (ratio === null ? month.gp : month.other + factor * month.flat);
          }
          return row;
        });
        const totals = Array.from({ length: count }, (_, i) => rows.reduce((sum, row) => sum + (row[i] ?? 0), 0));
        const scored = tuples
          .map(({ rates, fractions }) => ({ rates, fractions, gap: Math.abs((fractions.reduce((sum, rate, i) => sum + rate * (totals[i] ?? 0), 0) / companyCents) * 100 - target) }))
          .sort((a, b) => a.gap - b.gap);
        const constrainedRows = constrained.map((subject) => ({ subject, row: rows[list.indexOf(subject)] ?? [] }));
        for (const { rates, fractions, gap } of scored) {
          evaluated += 1;
          // A cent a month of rounding margin; the exact check below decides.
          const feasible = constrainedRows.every(({ subject, row }) => fractions.reduce((sum, rate, i) => sum + rate * (row[i] ?? 0), 0) >= (subject.floor ?? 0) + subject.months.length + 1);
          if (!feasible) continue;
          found.push({ bounds: chosen, rates, ratio, gap, order: order++ });
          break;
        }
      }
    }
  }
  found.sort((a, b) => a.gap - b.gap || a.rates.length - b.rates.length || a.order - b.order);

  const wanted = options.results ?? 3;
  const plans: ClosingsCandidate[] = [];
  for (const candidate of found) {
    if (plans.length >= wanted) break;
    const plan = planOf(options, candidate.bounds, candidate.rates, candidate.ratio, plans.length + 1);
    if (!parsePlan(plan).ok) continue;
    const paid = payExactly(plan, months);
    let worstLoss = 0;
    const ok = constrained.every((subject) => {
      const pay = paid.byPayee.get(subject.name) ?? 0;
      if (pay < (subject.floor ?? 0)) return false;
      if (pay < subject.actual) worstLoss = Math.max(worstLoss, percentOf(subject.actual - pay, subject.actual, 2) ?? 0);
      return true;
    });
    if (!ok) continue;
    const pct = percentOf(paid.total, paid.gp, 2);
    plans.push({
      plan,
      total_commission: paid.total / 100,
      commission_pct: pct,
      target_gap_pct: Math.round(Math.abs((pct ?? 0) - target) * 100) / 100,
      worst_loss_pct: worstLoss,
      by_month: paid.byMonth,
    });
  }
  if (plans.length > 0) return { source: 'closings', plans, reason: null, evaluated };
  return none(`No ${counts.join('/')}-bracket plan with declining rates in ${rateNumber(grid[0] ?? 0n)}..${rateNumber(grid[grid.length - 1] ?? 0n)} keeps every ${role} payee within ${maxLoss}% of the approved pay${options.protect_top_n ? ` and the top ${options.protect_top_n} at it` : ''}`, evaluated);
}

/**
 * What approved statements paid each payee under the given plans (the role plans a search would
 * replace): their lines of those plans summed exactly and rounded once per payee.
 */
export function paidUnder(statements: readonly PayoutStatement[], planIds: ReadonlySet<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const statement of statements) {
    const lines = statement.lines.filter((line) => line.plan_id !== null && planIds.has(line.plan_id));
    if (lines.length === 0) continue;
    out[statement.payee] = roundToCents(lines.reduce((sum, line) => sum.add(line.amount), new Exact(0))) / 100;
  }
  return out;
}
