/**
 * What one plan's earning components pay one person on a window of closings, as exact lines that
 * explain themselves (base, bracket with its bounds, rate, amount): the period function f of the
 * plan's basis. Limits apply to the window's earnings; the period difference, draws and the
 * statement's rounding are the caller's (./calculate-payouts.ts).
 */
import type { Measure } from '../plans/definition.js';
import { MEASURE_NAMES } from '../plans/earnings.js';
import { Exact, exactText, formatMoney } from '../plans/exact.js';
import type { ExactVariables } from '../plans/formula.js';
import { COUNT_MEASURES } from '../plans/vocabulary.js';
import type { ExactBracket, ExactEarning, ExactPlan, ExactRate, ExactTable } from './exact-plan.js';
import {
  attributeKey,
  lastMonthOnly,
  measureCredits,
  measureOf,
  sumGp,
  teamCredits,
  terminationsOf,
  type PersonWindow,
  type WindowCredit,
} from './window.js';

/** A line before the statement is assembled; amounts in currency, exact. */
export interface PlanLine {
  key: string;
  component: string;
  label: string;
  base: string;
  rate: Exact | null;
  bracket: string | null;
  amount: Exact;
  reason?: string;
  /** Lines paid on a team's GP go to the manager role in by_role. */
  team: boolean;
}

export interface Forced {
  index: number;
  reason: string;
}

const ZERO = new Exact(0);
const isCount = (measure: Measure) => COUNT_MEASURES.has(measure);

function quantity(value: Exact, measure: Measure): string {
  return isCount(measure) ? value.toFixed() : formatMoney(value);
}

/** The upper bound (inclusive) of bracket `index`; null when open. */
function upperOf(table: ExactTable, index: number): Exact | null {
  return table.brackets[index]?.upTo ?? null;
}

/** Exclusive lower bound of bracket `index` for slicing (0 for the first). */
function lowerOf(table: ExactTable, index: number): Exact {
  return index === 0 ? ZERO : (table.brackets[index - 1]?.upTo ?? ZERO);
}

/** "2 of 4 (from 25,000.00 to 50,000.99)", the way the table was written. */
function bracketText(table: ExactTable, index: number, measure: Measure, forced: Forced | null): string {
  const bracket = table.brackets[index];
  const count = table.brackets.length;
  let range: string;
  if (table.lowerBounds) {
    const upper = upperOf(table, index);
    range = `from ${quantity(bracket?.from ?? ZERO, measure)}${upper ? ` to ${quantity(upper, measure)}` : ' up'}`;
  } else {
    const upper = bracket?.upTo ?? null;
    const lower = index === 0 ? null : (table.brackets[index - 1]?.upTo ?? null);
    range = lower === null ? (upper === null ? 'all' : `up to ${quantity(upper, measure)}`) : `above ${quantity(lower, measure)}${upper ? ` up to ${quantity(upper, measure)}` : ''}`;
  }
  return `${index + 1} of ${count} (${range})${forced ? `, overridden: ${forced.reason}` : ''}`;
}

/**
 * The bracket a measure reaches: the first whose upper bound it does not pass (for a `from` table,
 * the last whose from ≤ the measure; see ExactBracket); negatives stay in the first.
 */
function reachedIndex(table: ExactTable, measure: Exact): number {
  const brackets = table.brackets;
  const index = brackets.findIndex((bracket) => bracket.upTo === null || measure.lessThanOrEqualTo(bracket.upTo));
  return index < 0 ? brackets.length - 1 : index;
}

function rateFor(rate: ExactRate, value: string | null): Exact | null {
  if (!(rate instanceof Map)) return rate as Exact;
  return (value === null ? undefined : rate.get(value)) ?? rate.get('*') ?? null;
}

interface TableContext {
  key: string;
  label: string;
  component: string;
  measure: Measure;
  measureName: string;
  value: Exact;
  /** The credits the measure sums, for rate_by parts. */
  credits: readonly WindowCredit[];
  forced: Forced | null;
  team: boolean;
  warnings: string[];
}

function tableLines(table: ExactTable, context: TableContext): PlanLine[] {
  const { value, measure, forced } = context;
  const fields = { component: context.component, label: context.label, team: context.team };
  if (table.mode === 'graduated' && !forced) {
    const lines: PlanLine[] = [];
    const last = value.isNegative() ? 0 : table.brackets.length - 1;
    for (let index = 0; index <= last; index += 1) {
      const lower = lowerOf(table, index);
      const upper = upperOf(table, index);
      if (!value.isNegative() && value.lessThanOrEqualTo(lower)) break;
      const top = upper === null || value.lessThan(upper) || value.isNegative() ? value : upper;
      const base = value.isNegative() ? value : top.sub(lower);
      const rate = rateFor(table.brackets[index]?.rate ?? ZERO, null) ?? ZERO;
      lines.push({
        ...fields,
        key: `${context.key}:b${index}`,
        base: `${quantity(base, measure)} of ${context.measureName} ${quantity(value, measure)}`,
        rate,
        bracket: bracketText(table, index, measure, null),
        amount: base.mul(rate),
      });
    }
    return lines;
  }
  // Retroactive, or a bracket forced by a tier override: the whole measure at one bracket's rate.
  if (value.isZero()) return [];
  const index = forced ? Math.min(forced.index, table.brackets.length - 1) : reachedIndex(table, value);
  const bracket: ExactBracket | undefined = table.brackets[index];
  const bracketLabel = bracketText(table, index, measure, forced);
  const extra = forced ? { reason: forced.reason } : {};
  if (table.rateBy === null) {
    const rate = rateFor(bracket?.rate ?? ZERO, null) ?? ZERO;
    return [{ ...fields, ...extra, key: `${context.key}:b${index}`, base: `${context.measureName} ${quantity(value, measure)}`, rate, bracket: bracketLabel, amount: value.mul(rate) }];
  }
  const attribute = table.rateBy;
  const parts = new Map<string, WindowCredit[]>();
  for (const entry of context.credits) {
    const key = attributeKey(entry.credit, attribute);
    const part = parts.get(key);
    if (part) part.push(entry);
    else parts.set(key, [entry]);
  }
  const lines: PlanLine[] = [];
  for (const [valueKey, credits] of [...parts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const base = sumGp(credits);
    if (base.isZero()) continue;
    const rate = rateFor(bracket?.rate ?? ZERO, valueKey);
    if (rate === null) context.warnings.push(`${context.label}: no rate for ${attribute} = ${valueKey || '(none)'}; its GP ${formatMoney(base)} is paid 0`);
    lines.push({
      ...fields,
      ...extra,
      key: `${context.key}:b${index}:${valueKey}`,
      base: `${attribute}=${valueKey || '(none)'} ${context.measureName} ${formatMoney(base)} (bracket chosen on ${formatMoney(value)})`,
      rate: rate ?? ZERO,
      bracket: bracketLabel,
      amount: base.mul(rate ?? ZERO),
    });
  }
  return lines;
}

export interface EvaluationContext {
  month: string;
  span: '' | 'QTD ' | 'YTD ';
  forced: Forced | null;
  warnings: string[];
}

function variables(window: PersonWindow, monthWindow: PersonWindow, month: string): ExactVariables {
  const index = Number(month.slice(5, 7));
  const team = teamCredits(window, null);
  return {
    gp: measureOf(window, 'gp', null),
    deals: measureOf(window, 'deals', null),
    transactions: measureOf(window, 'transactions', null),
    terminations: terminationsOf(window),
    team_gp: sumGp(team),
    team_deals: team.reduce((sum, entry) => sum.add(entry.credit.transactions), new Exact(0)),
    month_gp: measureOf(monthWindow, 'gp', null),
    month_deals: measureOf(monthWindow, 'deals', null),
    month_terminations: terminationsOf(monthWindow),
    company_gp: measureOf(window, 'company_gp', null),
    company_transactions: measureOf(window, 'company_transactions', null),
    goal_gp: measureOf(window, 'goal_gp', null),
    goal_transactions: measureOf(window, 'goal_transactions', null),
    month_index: new Exact(index),
    quarter: new Exact(Math.floor((index - 1) / 3) + 1),
  };
}

function earn(earning: ExactEarning, window: PersonWindow, context: EvaluationContext, keySuffix: string, prefix: string): PlanLine[] {
  const key = `${earning.key}${keySuffix}`;
  const span = context.span;
  switch (earning.kind) {
    case 'tiers': {
      const team = earning.measure === 'team_gp' || (earning.measure === 'gp' && window.managerOnly);
      return tableLines(earning.table, {
        key,
        label: earning.label,
        component: 'tiers',
        measure: earning.measure,
        measureName: `${prefix}${span}${MEASURE_NAMES[earning.measure]}`,
        value: measureOf(window, earning.measure, earning.team),
        credits: measureCredits(window, earning.measure, earning.team),
        forced: earning.forcible ? context.forced : null,
        team,
        warnings: context.warnings,
      });
    }
    case 'rate': {
      const value = measureOf(window, earning.measure, null);
      if (value.isZero()) return [];
      return [{
        key,
        component: 'rate',
        label: earning.label,
        base: `${prefix}${span}${MEASURE_NAMES[earning.measure]} ${quantity(value, earning.measure)}`,
        rate: earning.rate,
        bracket: null,
        amount: value.mul(earning.rate),
        team: earning.measure === 'team_gp',
      }];
    }
    case 'per_deal': {
      const count = measureOf(window, 'transactions', null);
      if (count.isZero()) return [];
      return [{ key, component: 'per_deal', label: earning.label, base: `${prefix}${span}transactions ${count.toFixed()}`, rate: earning.amount, bracket: null, amount: count.mul(earning.amount), team: false }];
    }
    case 'bonus': {
      const value = measureOf(window, earning.measure, null);
      if (value.lessThan(earning.atLeast)) return [];
      return [{
        key,
        component: 'bonus',
        label: earning.label,
        base: `${span}${MEASURE_NAMES[earning.measure]} ${quantity(value, earning.measure)} ≥ ${quantity(earning.atLeast, earning.measure)}`,
        rate: null,
        bracket: null,
        amount: earning.amount,
        team: earning.measure === 'team_gp',
      }];
    }
    case 'override': {
      const credits = teamCredits(window, earning.team);
      const value = sumGp(credits);
      const scope = [earning.team?.role, ...Object.entries(earning.team?.where ?? {}).map(([name, expected]) => `${name}=${String(expected)}`)].filter(Boolean).join(', ');
      const measureName = `${span}team GP${scope ? ` (${scope})` : ''}`;
      if (earning.table) {
        return tableLines(earning.table, { key, label: earning.label, component: 'override', measure: 'team_gp', measureName, value, credits, forced: null, team: true, warnings: context.warnings });
      }
      if (value.isZero() || earning.rate === null) return [];
      return [{ key, component: 'override', label: earning.label, base: `${measureName} ${formatMoney(value)}`, rate: earning.rate, bracket: null, amount: value.mul(earning.rate), team: true }];
    }
    case 'formula': {
      const result = earning.formula.evaluateExact(variables(window, lastMonthOnly(window), context.month));
      if (!result.ok) {
        context.warnings.push(`${earning.label}: ${result.message}; counted as 0`);
        return [];
      }
      if (result.value.isZero()) return [];
      return [{ key, component: 'formula', label: earning.label, base: `${span}${earning.formula.text}`, rate: null, bracket: null, amount: result.value, team: false }];
    }
  }
}

function limitLine(limit: NonNullable<ExactPlan['periodLimit']>, lines: readonly PlanLine[], key: string, prefix: string): PlanLine | null {
  const earned = lines.reduce((sum, line) => sum.add(line.amount), new Exact(0));
  const fields = { key: `${limit.key}${key}`, component: 'limit', label: limit.label, base: `${prefix}earned ${exactText(earned)}`, rate: null, bracket: null, team: false };
  if (limit.max !== null && earned.greaterThan(limit.max)) return { ...fields, amount: limit.max.sub(earned), reason: `capped at ${formatMoney(limit.max)}` };
  if (limit.min !== null && earned.lessThan(limit.min)) return { ...fields, amount: limit.min.sub(earned), reason: `raised to the minimum of ${formatMoney(limit.min)}` };
  return null;
}

const perDeal = (earning: ExactEarning) => (earning.kind === 'tiers' || earning.kind === 'rate') && earning.measure === 'gp';

/** The period function: every earning line of the plan on the window, limits applied. */
export function planLines(plan: ExactPlan, window: PersonWindow, context: EvaluationContext): PlanLine[] {
  const lines: PlanLine[] = [];
  const byDeal = plan.basis === 'deal' && !window.managerOnly;
  if (byDeal) {
    window.own.forEach((entry, index) => {
      const deal: PersonWindow = { ...window, own: [entry] };
      const name = `deal ${entry.month}#${entry.credit.closing + 1} ${entry.credit.role}: `;
      const dealLines = plan.earnings.filter(perDeal).flatMap((earning) => earn(earning, deal, context, `:d${index}`, name));
      if (plan.dealLimit) {
        const adjustment = limitLine(plan.dealLimit, dealLines, `:d${index}`, name);
        if (adjustment) dealLines.push(adjustment);
      }
      lines.push(...dealLines);
    });
  }
  for (const earning of plan.earnings) {
    if (!(byDeal && perDeal(earning))) lines.push(...earn(earning, window, context, '', ''));
  }
  if (plan.periodLimit) {
    const adjustment = limitLine(plan.periodLimit, lines, '', context.span);
    if (adjustment) lines.push(adjustment);
  }
  return lines;
}
