/**
 * A validated plan definition turned into exact integers once, so that calculating a statement
 * never parses a rate or a formula again: money bounds in cents, rates in micro-units, amounts per
 * deal in micro-cents per deal (so that base × rate is micro-cents for every measure).
 */
import {
  readsPeriodToDate,
  type Basis,
  type Bracket as BracketDefinition,
  type BracketMode,
  type Component,
  type Measure,
  type PayeeType,
  type PlanDefinition,
  type Tiers,
} from './definition.js';
import { CLOSINGS_MEASURES, COUNT_MEASURES } from './vocabulary.js';
import { CLOSINGS_VARIABLES, compileFormula, type CompiledFormula } from './formula.js';
import { validatePlan, type PlanIssue } from './validate.js';
import type { Bracket } from './brackets.js';
import { MICRO, parseCents, parseCount, parseRate } from './units.js';

interface EarningBase {
  /** Stable key of the component within the plan: "t" for the top-level tiers, "c3" for /components/3. */
  key: string;
  label: string;
}

export type Earning =
  | (EarningBase & { kind: 'tiers'; measure: Measure; mode: BracketMode; brackets: Bracket[] })
  /** `rate`: micro-units of the measure, or micro-cents per deal on the deals measure. */
  | (EarningBase & { kind: 'rate'; measure: Measure; rate: bigint })
  | (EarningBase & { kind: 'per_deal'; amount: bigint })
  | (EarningBase & { kind: 'bonus'; measure: Measure; atLeast: bigint; amount: bigint })
  | (EarningBase & { kind: 'override'; of: 'team_gp' | 'team_commission'; rate: bigint })
  | (EarningBase & { kind: 'formula'; formula: CompiledFormula });

export interface CompiledLimit {
  key: string;
  label: string;
  /** Cents; null when that side is open. */
  min: bigint | null;
  max: bigint | null;
}

export interface CompiledPlan {
  definition: PlanDefinition;
  name: string;
  basis: Basis;
  appliesTo: ReadonlySet<PayeeType>;
  /** Null: every payee of the types in appliesTo. */
  agents: ReadonlySet<string> | null;
  exclude: ReadonlySet<string>;
  earnings: Earning[];
  dealLimit: CompiledLimit | null;
  periodLimit: CompiledLimit | null;
  /** Micro-shares of a deal's GP per side. */
  split: { label: string; acq: bigint; dispo: bigint } | null;
  clawback: { key: string; label: string; method: 'recompute' | 'rate'; rate: bigint } | null;
  /** Cents per month. */
  draw: { key: string; label: string; amount: bigint } | null;
  /** The quarter and year to date are measured (readsPeriodToDate): otherwise only the month is. */
  periodToDate: boolean;
}

/** Thrown when an invalid definition reaches the engine; validate first to get the issues as data. */
export class PlanDefinitionError extends Error {
  constructor(readonly issues: PlanIssue[]) {
    super(`Invalid plan definition: ${issues.map((issue) => `${issue.pointer || '/'} ${issue.message}`).join('; ')}`);
    this.name = 'PlanDefinitionError';
  }
}

const DEFAULT_LABELS: Readonly<Record<Component['type'], string>> = {
  tiers: 'Brackets',
  rate: 'Rate',
  per_deal: 'Per-deal amount',
  limit: 'Limit',
  split: 'Split',
  override: 'Manager override',
  bonus: 'Bonus',
  clawback: 'Clawback',
  draw: 'Draw',
  formula: 'Formula',
};

// Validation has run, so the parsers below cannot return null; the fallbacks only satisfy the types.
function rate(value: unknown): bigint {
  return parseRate(value) ?? 0n;
}
function cents(value: unknown): bigint {
  return parseCents(value) ?? 0n;
}
function quantity(value: unknown, measure: Measure): bigint {
  return COUNT_MEASURES.has(measure) ? (parseCount(value) ?? 0n) : cents(value);
}
/** Bracket and flat rates: a fraction, or on deals an amount per deal in micro-cents. */
function measureRate(value: unknown, measure: Measure): bigint {
  return COUNT_MEASURES.has(measure) ? cents(value) * MICRO : rate(value);
}

/**
 * Upper bounds of a table: as written, or from lower bounds: a bracket from F ends one cent (one
 * unit for counts) below the next bracket's F, which is the same table for whole cents and counts.
 */
function upperBounds(brackets: readonly BracketDefinition[], measure: Measure): (bigint | null)[] {
  const lower = brackets.some((bracket) => bracket.from !== undefined);
  return brackets.map((bracket, index) => {
    if (!lower) return bracket.up_to === null || bracket.up_to === undefined ? null : quantity(bracket.up_to, measure);
    const next = brackets[index + 1];
    return next === undefined ? null : quantity(next.from, measure) - 1n;
  });
}

function compileTiers(tiers: Tiers, key: string, label: string): Earning {
  const bounds = upperBounds(tiers.brackets, tiers.measure);
  return {
    kind: 'tiers',
    key,
    label,
    measure: tiers.measure,
    mode: tiers.mode,
    brackets: tiers.brackets.map((bracket, index) => ({ upTo: bounds[index] ?? null, rate: measureRate(bracket.rate, tiers.measure) })),
  };
}

/**
 * What the payee-level engine (monthly payee figures, no closings) cannot compute: rates beyond
 * its 6 decimals, rates by deal attribute, narrowed teams, override tiers, closings-only measures
 * and tier overrides. Such plans are paid from closings (src/domain/payouts/); here they are refused
 * with pointers rather than paid approximately.
 */
export function payeeLevelIssues(definition: PlanDefinition): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const needs = (pointer: string, what: string) => issues.push({ pointer, message: `${what} needs closings: calculate it as a payout` });
  const checkRate = (value: unknown, at: string) => {
    if (typeof value === 'object' && value !== null) return;
    if (parseRate(value) === null && parseCents(value) === null) needs(at, 'A rate beyond 6 decimals (or a fraction)');
  };
  const checkTable = (tiers: { measure?: Measure; brackets: BracketDefinition[]; rate_by?: string; team?: unknown }, at: string) => {
    if (tiers.measure !== undefined && CLOSINGS_MEASURES.has(tiers.measure)) needs(`${at}/measure`, `The ${tiers.measure} measure`);
    if (tiers.rate_by !== undefined) needs(`${at}/rate_by`, 'Rates by deal attribute');
    if (tiers.team !== undefined) needs(`${at}/team`, 'A team scope');
    tiers.brackets.forEach((bracket, index) => checkRate(bracket.rate, `${at}/brackets/${index}/rate`));
  };
  if (definition.tiers) checkTable(definition.tiers, '/tiers');
  if (definition.tier_overrides) needs('/tier_overrides', 'A tier override');
  (definition.components ?? []).forEach((component, index) => {
    const at = `/components/${index}`;
    if (component.type === 'tiers') checkTable(component, at);
    if ((component.type === 'rate' || component.type === 'bonus') && CLOSINGS_MEASURES.has(component.measure)) {
      needs(`${at}/measure`, `The ${component.measure} measure`);
    }
    if (component.type === 'rate') checkRate(component.rate, `${at}/rate`);
    if (component.type === 'override') {
      if (component.tiers) needs(`${at}/tiers`, 'Override tiers');
      if (component.team) needs(`${at}/team`, 'A team scope');
      if (component.rate !== undefined) checkRate(component.rate, `${at}/rate`);
    }
    if (component.type === 'clawback' && component.rate !== undefined) checkRate(component.rate, `${at}/rate`);
    if (component.type === 'split') {
      checkRate(component.shares.acq, `${at}/shares/acq`);
      checkRate(component.shares.dispo, `${at}/shares/dispo`);
    }
    if (component.type === 'formula') {
      const compiled = compileFormula(component.expression);
      const closingsOnly = compiled.ok ? compiled.variables.filter((name) => CLOSINGS_VARIABLES.has(name)) : [];
      if (closingsOnly.length > 0) needs(`${at}/expression`, `The variable ${closingsOnly.join(', ')}`);
    }
  });
  return issues;
}

export function compilePlan(definition: PlanDefinition): CompiledPlan {
  const issues = validatePlan(definition);
  if (issues.length === 0) issues.push(...payeeLevelIssues(definition));
  if (issues.length > 0) throw new PlanDefinitionError(issues);
  const plan: CompiledPlan = {
    definition,
    name: definition.name,
    basis: definition.basis,
    appliesTo: new Set(definition.applies_to),
    agents: definition.agents ? new Set(definition.agents) : null,
    exclude: new Set(definition.exclude ?? []),
    earnings: [],
    dealLimit: null,
    periodLimit: null,
    split: null,
    clawback: null,
    draw: null,
    periodToDate: readsPeriodToDate(definition),
  };
  if (definition.tiers) plan.earnings.push(compileTiers(definition.tiers, 't', 'Brackets'));
  (definition.components ?? []).forEach((component, index) => {
    const key = `c${index}`;
    const label = component.label ?? DEFAULT_LABELS[component.type];
    switch (component.type) {
      case 'tiers':
        plan.earnings.push(compileTiers(component, key, label));
        break;
      case 'rate':
        plan.earnings.push({ kind: 'rate', key, label, measure: component.measure, rate: measureRate(component.rate, component.measure) });
        break;
      case 'per_deal':
        plan.earnings.push({ kind: 'per_deal', key, label, amount: cents(component.amount) });
        break;
      case 'bonus':
        plan.earnings.push({
          kind: 'bonus',
          key,
          label,
          measure: component.measure,
          atLeast: quantity(component.at_least, component.measure),
          amount: cents(component.amount),
        });
        break;
      case 'override':
        plan.earnings.push({ kind: 'override', key, label, of: component.of, rate: rate(component.rate ?? 0) });
        break;
      case 'formula': {
        const formula = compileFormula(component.expression);
        if (!formula.ok) throw new PlanDefinitionError([{ pointer: `/components/${index}/expression`, message: formula.error.message }]);
        plan.earnings.push({ kind: 'formula', key, label, formula });
        break;
      }
      case 'limit': {
        const limit: CompiledLimit = {
          key,
          label,
          min: component.min === undefined ? null : cents(component.min),
          max: component.max === undefined ? null : cents(component.max),
        };
        if (component.scope === 'deal') plan.dealLimit = limit;
        else plan.periodLimit = limit;
        break;
      }
      case 'split':
        plan.split = { label, acq: rate(component.shares.acq), dispo: rate(component.shares.dispo) };
        break;
      case 'clawback':
        plan.clawback = {
          key,
          label,
          method: component.method ?? 'recompute',
          rate: component.rate === undefined ? 0n : rate(component.rate),
        };
        break;
      case 'draw':
        plan.draw = { key, label, amount: cents(component.amount) };
        break;
    }
  });
  return plan;
}

/** Whether the plan pays this payee: its type is covered, it is named (when the plan names payees) and not excluded. */
export function coversPayee(plan: CompiledPlan, payee: { name: string; type: PayeeType }): boolean {
  return plan.appliesTo.has(payee.type) && (plan.agents === null || plan.agents.has(payee.name)) && !plan.exclude.has(payee.name);
}
