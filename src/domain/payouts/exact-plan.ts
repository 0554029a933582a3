/**
 * A validated plan definition read into exact decimals (../plans/exact.ts) for pay computed from
 * closings: bounds and amounts in currency, rates as decimals (or quotients of a fraction), tier
 * tables with their kind of bound kept, so that a `from` table chooses its bracket the way a
 * spreadsheet's approximate lookup does.
 */
import { AppError } from '../app-error.js';
import type {
  Basis,
  Bracket,
  BracketMode,
  Measure,
  PayeeType,
  PlanDefinition,
  RateByValue,
  TeamScope,
} from '../plans/definition.js';
import { Exact, parseExactAmount, parseExactRate } from '../plans/exact.js';
import { compileFormula, type CompiledFormula } from '../plans/formula.js';
import { validatePlan } from '../plans/validate.js';
import { COUNT_MEASURES } from '../plans/vocabulary.js';

/** One rate, or rates per attribute value ("*" for the rest). */
export type ExactRate = Exact | ReadonlyMap<string, Exact>;

/**
 * A `from` table is read as the `up_to` table whose brackets end one unit (a cent, or 1 for counts)
 * below the next `from`: for whole cents that is exactly "the last bracket whose from ≤ the
 * measure", and a measure with a fraction of a cent (a side credited 1/3) counts as having reached
 * F once it is past F − 0.01, in both modes alike, so retroactive and graduated pay agree on which
 * bracket a cent belongs to.
 */
export interface ExactBracket {
  /** The lower bound as written (`from` tables), for statements; null for `up_to` tables. */
  from: Exact | null;
  /** Inclusive upper bound; null for the open last bracket. */
  upTo: Exact | null;
  rate: ExactRate;
}

export interface ExactTable {
  lowerBounds: boolean;
  mode: BracketMode;
  /** The unit one bound step is: a cent for money, 1 for counts. */
  unit: Exact;
  brackets: ExactBracket[];
  rateBy: string | null;
}

interface Base {
  key: string;
  label: string;
}

export type ExactEarning =
  | (Base & { kind: 'tiers'; measure: Measure; team: TeamScope | null; table: ExactTable; forcible: boolean })
  | (Base & { kind: 'rate'; measure: Measure; rate: Exact })
  | (Base & { kind: 'per_deal'; amount: Exact })
  | (Base & { kind: 'bonus'; measure: Measure; atLeast: Exact; amount: Exact })
  | (Base & { kind: 'override'; team: TeamScope | null; rate: Exact | null; table: ExactTable | null })
  | (Base & { kind: 'formula'; formula: CompiledFormula });

export interface ExactTierOverride {
  payee: string;
  /** 0-based. */
  index: number;
  reason: string;
  from: string;
  to: string;
}

export interface ExactPlan {
  name: string;
  basis: Basis;
  appliesTo: readonly PayeeType[];
  agents: ReadonlySet<string> | null;
  exclude: ReadonlySet<string>;
  earnings: ExactEarning[];
  dealLimit: { key: string; label: string; min: Exact | null; max: Exact | null } | null;
  periodLimit: { key: string; label: string; min: Exact | null; max: Exact | null } | null;
  draw: { key: string; label: string; amount: Exact } | null;
  tierOverrides: ExactTierOverride[];
}

const LABELS: Readonly<Record<string, string>> = {
  tiers: 'Brackets',
  rate: 'Rate',
  per_deal: 'Per-transaction amount',
  bonus: 'Bonus',
  override: 'Manager override',
  formula: 'Formula',
  limit: 'Limit',
  draw: 'Draw',
};

// Validation ran first, so the parsers cannot fail; the fallbacks only satisfy the types.
const rateOf = (value: unknown) => parseExactRate(value) ?? new Exact(0);
const amountOf = (value: unknown) => parseExactAmount(value) ?? new Exact(0);
const isCount = (measure: Measure) => COUNT_MEASURES.has(measure);
const quantityOf = (value: unknown, measure: Measure) => (isCount(measure) ? new Exact(Number(value)) : amountOf(value));
/** A fraction of money, or an amount per unit on counts. */
const measureRateOf = (value: unknown, measure: Measure) => (isCount(measure) ? amountOf(value) : rateOf(value));

function bracketRate(rate: Bracket['rate'], measure: Measure): ExactRate {
  if (typeof rate === 'object' && rate !== null) {
    return new Map(Object.entries(rate as RateByValue).map(([value, each]) => [value, measureRateOf(each, measure)]));
  }
  return measureRateOf(rate, measure);
}

function table(tiers: { mode: BracketMode; brackets: Bracket[]; rate_by?: string }, measure: Measure): ExactTable {
  const lowerBounds = tiers.brackets.some((bracket) => bracket.from !== undefined);
  const unit = isCount(measure) ? new Exact(1) : new Exact('0.01');
  const upper = (index: number): Exact | null => {
    if (!lowerBounds) {
      const bound = tiers.brackets[index]?.up_to;
      return bound === null || bound === undefined ? null : quantityOf(bound, measure);
    }
    const next = tiers.brackets[index + 1];
    return next === undefined ? null : quantityOf(next.from, measure).sub(unit);
  };
  return {
    lowerBounds,
    mode: tiers.mode,
    unit,
    rateBy: tiers.rate_by ?? null,
    brackets: tiers.brackets.map((bracket, index) => ({
      from: lowerBounds ? quantityOf(bracket.from, measure) : null,
      upTo: upper(index),
      rate: bracketRate(bracket.rate, measure),
    })),
  };
}

/** A plan the closings engine cannot pay as written: a 409 naming the plan and the component. */
function unsupported(plan: string, pointer: string, message: string): AppError {
  return new AppError('conflict', 'plan-not-payable', `Plan '${plan}' cannot be paid from closings: ${message}`, {
    errors: [{ pointer, message }],
    details: { plan },
  });
}

export function compileExactPlan(definition: PlanDefinition): ExactPlan {
  const issues = validatePlan(definition);
  if (issues.length > 0) {
    throw new AppError('invalid', 'validation', `Plan '${String(definition.name)}' is not a valid definition`, { errors: issues });
  }
  const plan: ExactPlan = {
    name: definition.name,
    basis: definition.basis,
    appliesTo: definition.applies_to,
    agents: definition.agents ? new Set(definition.agents) : null,
    exclude: new Set(definition.exclude ?? []),
    earnings: [],
    dealLimit: null,
    periodLimit: null,
    draw: null,
    tierOverrides: (definition.tier_overrides ?? []).map((entry) => ({
      payee: entry.payee,
      index: entry.bracket - 1,
      reason: entry.reason,
      from: entry.from,
      to: entry.to,
    })),
  };
  if (definition.tiers) {
    const tiers = definition.tiers;
    plan.earnings.push({ kind: 'tiers', key: 't', label: 'Brackets', measure: tiers.measure, team: tiers.team ?? null, table: table(tiers, tiers.measure), forcible: true });
  }
  (definition.components ?? []).forEach((component, index) => {
    const key = `c${index}`;
    const label = component.label ?? LABELS[component.type] ?? component.type;
    const at = `/components/${index}`;
    switch (component.type) {
      case 'tiers':
        plan.earnings.push({ kind: 'tiers', key, label, measure: component.measure, team: component.team ?? null, table: table(component, component.measure), forcible: true });
        break;
      case 'rate':
        plan.earnings.push({ kind: 'rate', key, label, measure: component.measure, rate: measureRateOf(component.rate, component.measure) });
        break;
      case 'per_deal':
        plan.earnings.push({ kind: 'per_deal', key, label, amount: amountOf(component.amount) });
        break;
      case 'bonus':
        plan.earnings.push({ kind: 'bonus', key, label, measure: component.measure, atLeast: quantityOf(component.at_least, component.measure), amount: amountOf(component.amount) });
        break;
      case 'override':
        if (component.of !== 'team_gp') throw unsupported(definition.name, `${at}/of`, 'an override of team commission needs the team’s pay, which a month of closings computes at the same time');
        plan.earnings.push({
          kind: 'override',
          key,
          label,
          team: component.team ?? null,
          rate: component.tiers ? null : rateOf(component.rate),
          table: component.tiers ? table(component.tiers, 'team_gp') : null,
        });
        break;
      case 'formula': {
        const formula = compileFormula(component.expression);
        if (formula.ok) plan.earnings.push({ kind: 'formula', key, label, formula });
        break;
      }
      case 'limit': {
        const limit = { key, label, min: component.min === undefined ? null : amountOf(component.min), max: component.max === undefined ? null : amountOf(component.max) };
        if (component.scope === 'deal') plan.dealLimit = limit;
        else plan.periodLimit = limit;
        break;
      }
      case 'draw':
        plan.draw = { key, label, amount: amountOf(component.amount) };
        break;
      case 'split':
        throw unsupported(definition.name, at, 'closings credit each side themselves (a side’s credit); remove the split');
      case 'clawback':
        throw unsupported(definition.name, at, 'a deal corrected after its month is paid back with a true_up adjustment');
    }
  });
  return plan;
}
