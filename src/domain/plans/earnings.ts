/**
 * What a plan's earning components pay on one window of measures, as exact lines: brackets, flat
 * rates, per-deal amounts, bonuses, overrides and formulas, then the per-deal and per-period limits.
 * This is the period function f of the basis: for basis quarter/year the caller pays
 * f(to date) − f(to the previous month) line by line (see {@link differenceLines}).
 * Clawbacks and draws are cash mechanics of a month, not of the measure, and live in ./calculate.ts.
 */
import type { Measure, PayeeType } from './definition.js';
import { Exact } from './exact.js';
import { COUNT_MEASURES } from './vocabulary.js';
import { bracketSlices, type Bracket } from './brackets.js';
import type { CompiledLimit, CompiledPlan, Earning } from './compiled.js';
import type { ExactVariables } from './formula.js';
import type { Facts } from './measures.js';
import type { ExactLine } from './statement.js';
import { formatCents, formatRate, MICRO, roundMicroCents } from './units.js';

/** The measures one evaluation of the plan sees. */
export interface Window {
  month: string;
  /** Overrides pay managers only, whatever else the plan applies to. */
  payeeType: PayeeType;
  /** "month", "QTD" or "YTD": how descriptions name the window. */
  span: 'month' | 'QTD' | 'YTD';
  facts: Facts;
  /** Facts of the month alone, the quarter and the year to date (for formula variables). */
  monthFacts: Facts;
  /** Null when the plan reads no quarter or year to date (CompiledPlan.periodToDate): not measured. */
  qtd: Facts | null;
  ytd: Facts | null;
}

export const MEASURE_NAMES: Readonly<Record<Measure, string>> = {
  gp: 'GP',
  deals: 'deals',
  team_gp: 'team GP',
  transactions: 'transactions',
  company_gp: 'company GP',
  company_transactions: 'company transactions',
  goal_gp: 'GP goal',
  goal_transactions: 'transactions goal',
};

/** Payee-level facts have no closings-only measures (compilePlan refuses plans using them). */
function measureOf(facts: Facts, measure: Measure): bigint {
  if (measure === 'deals' || measure === 'transactions') return facts.deals;
  if (measure === 'team_gp') return facts.teamGp;
  return facts.gp;
}

function quantityText(value: bigint, measure: Measure): string {
  return COUNT_MEASURES.has(measure) ? `${value} deal${value === 1n ? '' : 's'}` : formatCents(value);
}

function countOrAmount(value: bigint, measure: Measure): string {
  return COUNT_MEASURES.has(measure) ? `${value}` : formatCents(value);
}

function rangeText(brackets: readonly Bracket[], index: number, measure: Measure): string {
  const upper = brackets[index]?.upTo ?? null;
  const lower = index === 0 ? null : (brackets[index - 1]?.upTo ?? null);
  if (lower === null && upper === null) return 'all';
  if (lower === null) return `up to ${quantityText(upper ?? 0n, measure)}`;
  if (upper === null) return `above ${quantityText(lower, measure)}`;
  return `above ${quantityText(lower, measure)} up to ${quantityText(upper, measure)}`;
}

function rateText(rate: bigint, measure: Measure): string {
  return COUNT_MEASURES.has(measure) ? `${formatCents(rate / MICRO)} per deal` : formatRate(rate);
}

/** Where an earning is evaluated: the whole window, or one deal of it (basis deal). */
interface Scope {
  facts: Facts;
  /** Appended to line keys; "" for the window. */
  key: string;
  /** Prefix for descriptions, e.g. "Deal D-1001: ". */
  prefix: string;
  /** Prefix for the measure's name, e.g. "QTD ". */
  span: string;
  /** False: lines carry their amounts and an empty description (a simulation reads only totals). */
  describe: boolean;
}

/** Exact currency and counts: a formula is evaluated in decimals, never in floating point. */
function formulaVariables(window: Window, facts: Facts): ExactVariables {
  const money = (cents: bigint) => new Exact(cents.toString()).div(100);
  const count = (value: bigint) => new Exact(value.toString());
  const month = Number(window.month.slice(5, 7));
  const { qtd, ytd } = window;
  return {
    gp: money(facts.gp),
    deals: count(facts.deals),
    terminations: count(facts.terminations),
    team_gp: money(facts.teamGp),
    team_deals: count(facts.teamDeals),
    team_commission: money(facts.teamCommission),
    month_gp: money(window.monthFacts.gp),
    month_deals: count(window.monthFacts.deals),
    month_terminations: count(window.monthFacts.terminations),
    // Measured whenever a formula reads them; absent, a formula reading one fails with its name.
    ...(qtd === null ? {} : { qtd_gp: money(qtd.gp), qtd_deals: count(qtd.deals) }),
    ...(ytd === null ? {} : { ytd_gp: money(ytd.gp), ytd_deals: count(ytd.deals) }),
    month_index: new Exact(month),
    quarter: new Exact(Math.floor((month - 1) / 3) + 1),
  };
}

/** Currency as micro-cents, half-up at the 8th decimal: a formula's exact value in the engine's unit. */
function exactToMicroCents(value: Exact): bigint {
  return BigInt(value.mul(100_000_000).toDecimalPlaces(0, Exact.ROUND_HALF_UP).toFixed());
}

function earn(earning: Earning, scope: Scope, window: Window, warnings: string[]): ExactLine[] {
  const { facts, prefix, span } = scope;
  const key = `${earning.key}${scope.key}`;
  // Literals without spreads: a line per deal is the engine's most frequent object, and copying
  // fields in from spreads made each one slow to build and to collect.
  const label = earning.label;
  switch (earning.kind) {
    case 'tiers': {
      const measure = measureOf(facts, earning.measure);
      const name = `${span}${MEASURE_NAMES[earning.measure]}`;
      const counted = COUNT_MEASURES.has(earning.measure);
      const unit = counted ? 'count' : 'money';
      return bracketSlices(measure, earning.brackets, earning.mode).map((slice) => ({
        label,
        key: `${key}:b${slice.index}`,
        component: 'tiers',
        description: !scope.describe
          ? ''
          : earning.mode === 'graduated'
            ? `${prefix}Bracket ${slice.index + 1} (${rangeText(earning.brackets, slice.index, earning.measure)}): ${rateText(slice.rate, earning.measure)} on ${quantityText(slice.base, earning.measure)} of ${name}`
            : `${prefix}Bracket ${slice.index + 1} (${rangeText(earning.brackets, slice.index, earning.measure)}) reached: ${rateText(slice.rate, earning.measure)} on all ${quantityText(slice.base, earning.measure)} of ${name}`,
        bracket: slice.index + 1,
        rate: counted ? undefined : slice.rate,
        unitAmount: counted ? slice.rate / MICRO : undefined,
        base: slice.base,
        unit,
        exact: slice.amount,
      }));
    }
    case 'rate': {
      const measure = measureOf(facts, earning.measure);
      if (measure === 0n) return [];
      const counted = COUNT_MEASURES.has(earning.measure);
      return [{
        label,
        key,
        component: 'rate',
        description: !scope.describe ? '' : `${prefix}${rateText(earning.rate, earning.measure)} on ${quantityText(measure, earning.measure)} of ${span}${MEASURE_NAMES[earning.measure]}`,
        rate: counted ? undefined : earning.rate,
        unitAmount: counted ? earning.rate / MICRO : undefined,
        base: measure,
        unit: counted ? 'count' : 'money',
        exact: measure * earning.rate,
      }];
    }
    case 'per_deal': {
      if (facts.deals === 0n) return [];
      return [{
        label,
        key,
        component: 'per_deal',
        description: !scope.describe ? '' : `${prefix}${formatCents(earning.amount)} per deal × ${facts.deals}`,
        unitAmount: earning.amount,
        base: facts.deals,
        unit: 'count',
        exact: facts.deals * earning.amount * MICRO,
      }];
    }
    case 'bonus': {
      const measure = measureOf(facts, earning.measure);
      if (measure < earning.atLeast) return [];
      return [{
        label,
        key,
        component: 'bonus',
        description: !scope.describe ? '' : `${prefix}Threshold reached: ${span}${MEASURE_NAMES[earning.measure]} ${countOrAmount(measure, earning.measure)} ≥ ${countOrAmount(earning.atLeast, earning.measure)}`,
        base: measure,
        unit: COUNT_MEASURES.has(earning.measure) ? 'count' : 'money',
        exact: earning.amount * MICRO,
      }];
    }
    case 'override': {
      if (window.payeeType !== 'manager') return [];
      const measure = earning.of === 'team_gp' ? facts.teamGp : facts.teamCommission;
      if (measure === 0n) return [];
      return [{
        label,
        key,
        component: 'override',
        description: !scope.describe ? '' : `${prefix}${formatRate(earning.rate)} of ${span}team ${earning.of === 'team_gp' ? 'GP' : 'commission'} ${formatCents(measure)}`,
        rate: earning.rate,
        base: measure,
        unit: 'money',
        exact: measure * earning.rate,
      }];
    }
    case 'formula': {
      const result = earning.formula.evaluateExact(formulaVariables(window, facts));
      if (!result.ok) {
        warnings.push(`${earning.label}: ${result.message}; counted as 0 for ${window.month}`);
        return [];
      }
      const exact = exactToMicroCents(result.value);
      if (exact === 0n) return [];
      return [{
        label,
        key,
        component: 'formula',
        description: !scope.describe ? '' : `${prefix}${earning.formula.text} = ${formatCents(roundMicroCents(exact))}`,
        base: 0n,
        unit: 'money',
        exact,
      }];
    }
  }
}

/** The adjustment that brings `lines` within a floor/cap, if any. */
function limitLine(limit: CompiledLimit, lines: readonly ExactLine[], key: string, prefix: string, describe: boolean): ExactLine | null {
  let earned = 0n;
  for (const line of lines) earned += line.exact;
  const fields = { key: `${limit.key}${key}`, component: 'limit' as const, label: limit.label, base: BigInt(roundMicroCents(earned)), unit: 'money' as const };
  if (limit.max !== null && earned > limit.max * MICRO) {
    return { ...fields, description: describe ? `${prefix}Capped at ${formatCents(limit.max)}` : '', exact: limit.max * MICRO - earned };
  }
  if (limit.min !== null && earned < limit.min * MICRO) {
    return { ...fields, description: describe ? `${prefix}Raised to the minimum of ${formatCents(limit.min)}` : '', exact: limit.min * MICRO - earned };
  }
  return null;
}

/** Earnings evaluated per deal under basis deal: GP brackets and rates, and per-deal amounts. */
function perDeal(earning: Earning, hasDealData: boolean): boolean {
  if (earning.kind === 'per_deal') return hasDealData;
  return (earning.kind === 'tiers' || earning.kind === 'rate') && earning.measure === 'gp';
}

/** The period function: every earning line for the window, limits applied (`describe` false: descriptions left empty). */
export function earnWindow(plan: CompiledPlan, window: Window, warnings: string[], describe = true): ExactLine[] {
  const lines: ExactLine[] = [];
  const span = window.span === 'month' ? '' : `${window.span} `;
  const facts = window.facts;
  const byDeal = plan.basis === 'deal';
  if (byDeal) {
    let deals = facts.dealList;
    if (!facts.hasDealData && facts.gp !== 0n) {
      warnings.push(`${window.month}: no deal-level data; the month's GP is paid as one deal`);
      deals = [...deals, { id: 'month total', date: window.month, gp: facts.gp, credited: facts.gp - deals.reduce((sum, deal) => sum + deal.credited, 0n) }];
    }
    for (const deal of deals) {
      const dealFacts: Facts = { ...facts, gp: deal.credited, deals: 1n, dealList: [deal] };
      const scope: Scope = { facts: dealFacts, key: `:d${deal.id}`, prefix: describe ? `Deal ${deal.id}: ` : '', span: '', describe };
      const dealLines: ExactLine[] = [];
      for (const earning of plan.earnings) {
        if (perDeal(earning, facts.hasDealData)) dealLines.push(...earn(earning, scope, window, warnings));
      }
      if (plan.dealLimit) {
        const adjustment = limitLine(plan.dealLimit, dealLines, scope.key, scope.prefix, describe);
        if (adjustment) dealLines.push(adjustment);
      }
      lines.push(...dealLines);
    }
  }
  const scope: Scope = { facts, key: '', prefix: '', span, describe };
  for (const earning of plan.earnings) {
    if (!(byDeal && perDeal(earning, facts.hasDealData))) lines.push(...earn(earning, scope, window, warnings));
  }
  if (plan.periodLimit) {
    const adjustment = limitLine(plan.periodLimit, lines, '', span ? `${span}` : '', describe);
    if (adjustment) lines.push(adjustment);
  }
  return lines;
}

export function sumExact(lines: readonly ExactLine[]): bigint {
  let total = 0n;
  for (const line of lines) total += line.exact;
  return total;
}

/**
 * Lines of f(to date) − f(to the previous month), matched by key: what this month adds to the
 * period's pay. A bracket left behind (retroactive mode) appears as a reversal of what earlier months
 * were paid on it.
 */
export function differenceLines(current: readonly ExactLine[], previous: readonly ExactLine[], period: string, describe = true): ExactLine[] {
  const before = new Map(previous.map((line) => [line.key, line]));
  const out: ExactLine[] = [];
  for (const line of current) {
    const earlier = before.get(line.key);
    before.delete(line.key);
    if (!earlier) {
      out.push(line);
      continue;
    }
    const exact = line.exact - earlier.exact;
    const base = line.base - earlier.base;
    if (exact === 0n && base === 0n) continue;
    out.push({
      ...line,
      description: describe ? `${line.description}, less ${formatCents(roundMicroCents(earlier.exact))} paid on it earlier in ${period}` : '',
      base,
      exact,
    });
  }
  for (const earlier of before.values()) {
    if (earlier.exact === 0n && earlier.base === 0n) continue;
    out.push({
      ...earlier,
      description: describe ? `Reversal of earlier months in ${period}: ${earlier.description}` : '',
      base: -earlier.base,
      exact: -earlier.exact,
    });
  }
  return out;
}
