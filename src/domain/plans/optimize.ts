/**
 * The structure optimiser: searches bracket breakpoints and declining rates for a GP bracket plan
 * whose commission comes closest to a target % of GP over the tenant's history, subject to hard
 * constraints (no payee loses more than X% of actual pay, the top N by GP keep at least their pay,
 * rates within bounds and strictly declining from bracket to bracket).
 *
 * Why it is fast: once the breakpoints are fixed, what a payee is paid over the range is linear in
 * the rates, pay_a = Σ_i rate_i × B[a][i], in both bracket modes (./brackets.ts, bracketBases). So
 * each breakpoint set costs one pass over the history, and each rate tuple a dot product per payee.
 * The linear model ignores the per-month rounding (at most half a cent a month), so constraints are
 * checked with that margin, and every plan returned is then simulated exactly and re-checked in
 * integers: a returned plan always meets its constraints.
 *
 * Deterministic: candidates come from quantiles of the history and a fixed rate grid, explored in a
 * fixed order, with ties broken by fewer brackets and then by the order of exploration.
 */
import type { History } from '../history.js';
import { percentOf } from '../money.js';
import { MONTH_PATTERN, type BracketMode, type PayeeType, type PlanDefinition } from './definition.js';
import { bracketBases } from './brackets.js';
import { HistoryIndex, payeeKey, periodOf, type PayeeRef } from './measures.js';
import { simulatePlan, type Simulation } from './simulate.js';
import type { PlanIssue } from './validate.js';
import { parseRate, rateNumber } from './units.js';

export interface OptimizeOptions {
  /** Target commission of the covered payees as a % of company GP, e.g. 12.5. */
  target_commission_pct: number;
  /** No constrained payee may lose more than this % of actual pay over the range (0..100). */
  max_loss_pct: number;
  /** The top N covered payees by GP keep at least their actual pay (default 0). */
  protect_top_n?: number;
  /** Every bracket rate lies within these fractions, e.g. { min: 0.05, max: 0.2 }. */
  rate_bounds: { min: number; max: number };
  /** Rate grid step (default 0.005, coarsened if the grid would exceed 81 rates). */
  rate_step?: number;
  /** Exactly this many brackets (1..4); default: 1, 2 and 3 are all searched. */
  bracket_count?: number;
  /** Payee types the plan covers (default acq and dispo). */
  applies_to?: PayeeType[];
  mode?: BracketMode;
  basis?: 'month' | 'quarter' | 'year';
  /** Range of history months (default: all of it). */
  from?: string;
  to?: string;
  /** Payees not held to the constraints (e.g. on written exceptions); still paid and counted. */
  exempt?: string[];
  /** How many plans to return (default 3, at most 10), each with different breakpoints. */
  results?: number;
  /** Name of the plans returned (numbered). */
  name?: string;
}

export interface OptimizedPlan {
  plan: PlanDefinition;
  simulation: Simulation;
  /** |commission_pct − target|, percentage points. */
  target_gap_pct: number;
  /** Largest loss of a constrained payee as a % of its actual pay (0 when nobody loses). */
  worst_loss_pct: number;
}

export interface OptimizeResult {
  plans: OptimizedPlan[];
  /** Why no plan was returned (null when some were). */
  reason: string | null;
  /** Rate/breakpoint combinations considered. */
  evaluated: number;
}

export class OptimizeOptionsError extends Error {
  constructor(readonly issues: PlanIssue[]) {
    super(`Invalid optimiser options: ${issues.map((issue) => `${issue.pointer} ${issue.message}`).join('; ')}`);
    this.name = 'OptimizeOptionsError';
  }
}

const DEFAULT_STEP = 0.005;
const MAX_GRID = 81;
const PAYEE_TYPES: readonly PayeeType[] = ['acq', 'dispo', 'manager'];

function finiteIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

export function validateOptimizeOptions(options: OptimizeOptions): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (pointer: string, message: string) => issues.push({ pointer, message });
  if (!finiteIn(options.target_commission_pct, 0, 100) || options.target_commission_pct === 0) {
    add('/target_commission_pct', 'Must be a percentage above 0 and at most 100');
  }
  if (!finiteIn(options.max_loss_pct, 0, 100) || parseRate(options.max_loss_pct) === null) {
    add('/max_loss_pct', 'Must be a percentage from 0 to 100 with at most 6 decimals');
  }
  if (options.protect_top_n !== undefined && !(Number.isSafeInteger(options.protect_top_n) && options.protect_top_n >= 0)) {
    add('/protect_top_n', 'Must be a whole number ≥ 0');
  }
  const min = parseRate(options.rate_bounds?.min);
  const max = parseRate(options.rate_bounds?.max);
  if (min === null || min < 0n || min > 1_000_000n) add('/rate_bounds/min', 'Must be a fraction 0..1 with at most 6 decimals');
  if (max === null || max < 0n || max > 1_000_000n) add('/rate_bounds/max', 'Must be a fraction 0..1 with at most 6 decimals');
  if (min !== null && max !== null && min > max) add('/rate_bounds', 'min must not exceed max');
  if (options.rate_step !== undefined) {
    const step = parseRate(options.rate_step);
    if (step === null || step <= 0n || step > 1_000_000n) add('/rate_step', 'Must be a fraction above 0 with at most 6 decimals');
  }
  if (options.bracket_count !== undefined && !(Number.isSafeInteger(options.bracket_count) && options.bracket_count >= 1 && options.bracket_count <= 4)) {
    add('/bracket_count', 'Must be 1, 2, 3 or 4');
  }
  if (options.applies_to !== undefined) {
    if (!Array.isArray(options.applies_to) || options.applies_to.length === 0 || options.applies_to.some((type) => !PAYEE_TYPES.includes(type))) {
      add('/applies_to', 'Must be a non-empty array of acq, dispo, manager');
    }
  }
  if (options.mode !== undefined && options.mode !== 'graduated' && options.mode !== 'retroactive') add('/mode', 'Must be graduated or retroactive');
  if (options.basis !== undefined && !['month', 'quarter', 'year'].includes(options.basis)) add('/basis', 'Must be month, quarter or year');
  if (options.from !== undefined && !MONTH_PATTERN.test(options.from)) add('/from', 'Must be YYYY-MM');
  if (options.to !== undefined && !MONTH_PATTERN.test(options.to)) add('/to', 'Must be YYYY-MM');
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) add('/from', 'Must not be after to');
  if (options.results !== undefined && !(Number.isSafeInteger(options.results) && options.results >= 1 && options.results <= 10)) {
    add('/results', 'Must be 1 to 10');
  }
  return issues;
}

/** One covered payee over the range, as the search needs it. */
interface Subject {
  payee: PayeeRef;
  key: string;
  gp: bigint;
  actual: bigint;
  /** Months with a statement: the linear model's rounding margin is half a cent per month. */
  months: number;
  /** Per basis period: the measure to date before the range and at its end, cents. */
  segments: { start: bigint; end: bigint }[];
  /** Least pay (cents) the constraints allow; null when unconstrained. */
  floor: bigint | null;
  protectedTop: boolean;
}

interface Candidate {
  bounds: bigint[];
  rates: bigint[];
  gap: number;
  worstLoss: number;
  order: number;
}

/** Two significant digits: breakpoints people can read (37,412 → 37,000). */
export function nice(value: number): number {
  if (value <= 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.round(value / magnitude) * magnitude;
}

export function combinations<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  const out: T[][] = [];
  items.forEach((item, index) => {
    for (const rest of combinations(items.slice(index + 1), size - 1)) out.push([item, ...rest]);
  });
  return out;
}

/** Rates per grid for each bracket count: the tuples grow as C(n, k), so more brackets get a coarser grid. */
const GRID_FOR_COUNT: Readonly<Record<number, number>> = { 1: MAX_GRID, 2: MAX_GRID, 3: 61, 4: 41 };

/** Evenly spaced grid points, both ends kept. */
function thin(grid: readonly bigint[], size: number): bigint[] {
  if (grid.length <= size) return [...grid];
  return [...new Set(Array.from({ length: size }, (_, i) => grid[Math.round((i * (grid.length - 1)) / (size - 1))] ?? 0n))];
}

/** Strictly declining rate tuples. */
export function decliningTuples(grid: readonly bigint[], size: number): bigint[][] {
  const descending = thin(grid, GRID_FOR_COUNT[size] ?? MAX_GRID).reverse();
  return combinations(descending, size);
}

/** The rates searched (micro-units), from rate_bounds.min to max by rate_step, coarsened to at most MAX_GRID. */
export function rateGrid(options: Pick<OptimizeOptions, 'rate_bounds' | 'rate_step'>): bigint[] {
  const minRate = parseRate(options.rate_bounds.min) ?? 0n;
  const maxRate = parseRate(options.rate_bounds.max) ?? 0n;
  let step = parseRate(options.rate_step ?? DEFAULT_STEP) ?? 5_000n;
  if (maxRate > minRate && (maxRate - minRate) / step + 1n > BigInt(MAX_GRID)) {
    step = (maxRate - minRate + BigInt(MAX_GRID - 2)) / BigInt(MAX_GRID - 1);
  }
  const grid: bigint[] = [];
  for (let rate = minRate; rate <= maxRate; rate += step) grid.push(rate);
  if (grid[grid.length - 1] !== maxRate) grid.push(maxRate);
  return grid;
}

export function optimizePlan(history: History | HistoryIndex, options: OptimizeOptions): OptimizeResult {
  const issues = validateOptimizeOptions(options);
  if (issues.length > 0) throw new OptimizeOptionsError(issues);
  const index = history instanceof HistoryIndex ? history : new HistoryIndex(history);
  const appliesTo = options.applies_to ?? ['acq', 'dispo'];
  const mode = options.mode ?? 'graduated';
  const basis = options.basis ?? 'month';
  const exempt = new Set(options.exempt ?? []);
  const from = options.from ?? index.months[0] ?? '0000-01';
  const to = options.to ?? index.months[index.months.length - 1] ?? '9999-12';
  const months = index.months.filter((month) => month >= from && month <= to);
  const none = (reason: string, evaluated = 0): OptimizeResult => ({ plans: [], reason, evaluated });
  if (months.length === 0) return none(`No history between ${from} and ${to}`);

  // --- the covered payees, their actual pay and their measure per basis period -------------------
  let companyGp = 0n;
  for (const month of months) for (const agent of index.month(month)?.agents.values() ?? []) companyGp += BigInt(agent.gp);
  if (companyGp <= 0n) return none('The range has no GP to pay commission on');

  const subjects = new Map<string, Subject>();
  const cumulative = new Map<string, bigint>();
  const openSegments = new Map<string, { start: bigint; end: bigint }>();
  const periodKey = (month: string) => (basis === 'month' ? month : periodOf(month, basis));
  for (const month of index.months) {
    if (month > to) break;
    for (const payee of index.payees(month)) {
      if (!appliesTo.includes(payee.type)) continue;
      const facts = index.facts(month, payee, null);
      if (!facts) continue;
      const key = payeeKey(payee);
      const cumKey = `${key}|${periodKey(month)}`;
      const before = cumulative.get(cumKey) ?? 0n;
      const after = basis === 'month' ? facts.gp : before + facts.gp;
      cumulative.set(cumKey, after);
      if (month < from) continue;
      const subject = subjects.get(key) ?? {
        payee, key, gp: 0n, actual: 0n, months: 0, segments: [], floor: null, protectedTop: false,
      };
      subject.gp += facts.gp;
      subject.actual += facts.actual;
      subject.months += 1;
      // One segment per basis period: from the measure before the range entered the period to its end.
      const open = openSegments.get(cumKey);
      if (open) open.end = after;
      else {
        const segment = { start: basis === 'month' ? 0n : before, end: after };
        subject.segments.push(segment);
        openSegments.set(cumKey, segment);
      }
      subjects.set(key, subject);
    }
  }
  const list = [...subjects.values()];
  if (list.length === 0) return none(`No ${appliesTo.join('/')} payees in ${from}..${to}`);

  // --- constraints as floors on each payee's pay ---------------------------------------------------
  const maxLossMicro = parseRate(options.max_loss_pct) ?? 0n; // micro-percent
  const ranked = [...list].sort((a, b) => (b.gp > a.gp ? 1 : b.gp < a.gp ? -1 : a.key < b.key ? -1 : 1));
  ranked.slice(0, options.protect_top_n ?? 0).forEach((subject) => { subject.protectedTop = true; });
  for (const subject of list) {
    if (exempt.has(subject.payee.name) || subject.actual <= 0n) continue;
    subject.floor = subject.protectedTop
      ? subject.actual
      : (subject.actual * (100_000_000n - maxLossMicro) + 99_999_999n) / 100_000_000n;
  }
  const constrained = list.filter((subject) => subject.floor !== null);

  // --- the search grid -----------------------------------------------------------------------------
  const grid = rateGrid(options);
  const maxRate = grid[grid.length - 1] ?? 0n;

  const measures: number[] = [];
  for (const subject of list) for (const segment of subject.segments) if (segment.end > 0n) measures.push(Number(segment.end) / 100);
  measures.sort((a, b) => a - b);
  const quantile = (q: number) => measures[Math.min(measures.length - 1, Math.floor(q * measures.length))] ?? 0;
  const counts = options.bracket_count ? [options.bracket_count] : [1, 2, 3];
  const target = options.target_commission_pct;
  const gpNumber = Number(companyGp);

  const candidates: Candidate[] = [];
  const violations = new Map<string, number>();
  let evaluated = 0;
  let order = 0;
  for (const count of counts) {
    const quantiles = count === 4 ? [0.2, 0.35, 0.5, 0.65, 0.8] : [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const breakpoints = [...new Set(quantiles.map((q) => nice(quantile(q))).filter((value) => value > 0))].sort((a, b) => a - b);
    const tuples = decliningTuples(grid, count).map((rates) => ({ rates, fractions: rates.map((rate) => Number(rate) / 1e6) }));
    for (const chosen of combinations(breakpoints, count - 1)) {
      const bounds: (bigint | null)[] = [...chosen.map((value) => BigInt(Math.round(value * 100))), null];
      // B[a][i] in cents: what bracket i's rate applies to for payee a over the range.
      const bases = list.map((subject) => {
        const row = bounds.map(() => 0);
        for (const segment of subject.segments) {
          const end = bracketBases(segment.end, bounds, mode);
          const start = segment.start === 0n ? null : bracketBases(segment.start, bounds, mode);
          end.forEach((base, i) => { row[i] = (row[i] ?? 0) + Number(base - (start?.[i] ?? 0n)); });
        }
        return row;
      });
      const totals = bounds.map((_, i) => bases.reduce((sum, row) => sum + (row[i] ?? 0), 0));
      const scored = tuples.map(({ rates, fractions }) => {
        let total = 0;
        fractions.forEach((rate, i) => { total += rate * (totals[i] ?? 0); });
        return { rates, fractions, gap: Math.abs((total / gpNumber) * 100 - target) };
      });
      scored.sort((a, b) => a.gap - b.gap);
      const constrainedRows = constrained.map((subject) => ({ subject, row: bases[list.indexOf(subject)] ?? [] }));
      for (const { rates, fractions, gap } of scored) {
        evaluated += 1;
        let worstLoss = 0;
        let feasible = true;
        for (const { subject, row } of constrainedRows) {
          let pay = 0;
          fractions.forEach((rate, i) => { pay += rate * (row[i] ?? 0); });
          // Half a cent per month of rounding, plus a cent for the float sum.
          if (pay < Number(subject.floor ?? 0n) + subject.months * 0.5 + 1) {
            feasible = false;
            violations.set(subject.payee.name, (violations.get(subject.payee.name) ?? 0) + 1);
            break;
          }
          const actual = Number(subject.actual);
          if (actual > 0) worstLoss = Math.max(worstLoss, ((actual - pay) / actual) * 100);
        }
        if (!feasible) continue;
        candidates.push({ bounds: bounds.slice(0, -1).map((bound) => bound ?? 0n), rates, gap, worstLoss, order: order++ });
        break; // the closest feasible tuple for these breakpoints; other breakpoints give the variety
      }
    }
  }

  candidates.sort((a, b) => a.gap - b.gap || a.worstLoss - b.worstLoss || a.rates.length - b.rates.length || a.order - b.order);
  const wanted = options.results ?? 3;
  const plans: OptimizedPlan[] = [];
  for (const candidate of candidates) {
    if (plans.length >= wanted) break;
    const plan: PlanDefinition = {
      name: `${options.name ?? 'Optimised plan'} #${plans.length + 1}`,
      description: `${candidate.rates.length} ${mode} bracket(s) on ${basis === 'month' ? 'monthly' : basis === 'quarter' ? 'quarter-to-date' : 'year-to-date'} GP, searched for ${target}% of GP`,
      applies_to: [...appliesTo],
      basis,
      tiers: {
        measure: 'gp',
        mode,
        brackets: candidate.rates.map((rate, i) => ({
          up_to: i < candidate.bounds.length ? Number(candidate.bounds[i] ?? 0n) / 100 : null,
          rate: rateNumber(rate),
        })),
      },
    };
    const simulation = simulatePlan([{ effective_from: '0000-01', definition: plan }], index, from, to, {});
    const check = exactCheck(simulation, constrained);
    if (!check.ok) continue;
    plans.push({
      plan,
      simulation,
      target_gap_pct: Math.round(Math.abs((simulation.commission_pct ?? 0) - target) * 100) / 100,
      worst_loss_pct: check.worstLoss,
    });
  }
  if (plans.length > 0) return { plans, reason: null, evaluated };
  const maxFraction = Number(maxRate) / 1e6;
  const generous = constrained
    .filter((subject) => {
      const measure = subject.segments.reduce((sum, segment) => sum + Number(segment.end - segment.start), 0);
      return maxFraction * measure < Number(subject.floor ?? 0n) + subject.months * 0.5 + 1;
    })
    .map((subject) => subject.payee.name);
  return none(explain(options, violations, counts, grid, generous), evaluated);
}

/** The constraints re-checked on the exact simulation, in integers. */
function exactCheck(simulation: Simulation, constrained: readonly Subject[]): { ok: boolean; worstLoss: number } {
  const simulated = new Map(simulation.by_agent.map((entry) => [payeeKey({ name: entry.agent, type: entry.payee_type }), entry]));
  let worstLoss = 0;
  for (const subject of constrained) {
    const entry = simulated.get(subject.key);
    const pay = BigInt(entry?.simulated ?? 0);
    if (subject.floor !== null && pay < subject.floor) return { ok: false, worstLoss };
    if (subject.actual > 0n && pay < subject.actual) {
      worstLoss = Math.max(worstLoss, percentOf(Number(subject.actual - pay), Number(subject.actual), 2) ?? 0);
    }
  }
  return { ok: true, worstLoss };
}

function explain(
  options: OptimizeOptions,
  violations: ReadonlyMap<string, number>,
  counts: readonly number[],
  grid: readonly bigint[],
  generous: readonly string[],
): string {
  // Payees short of their floor even at a flat maximum rate cannot be helped by any declining plan
  // within the bounds; otherwise name those that failed most often during the search.
  const named = generous.length > 0
    ? generous
    : [...violations.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
  const binding = named.slice(0, 3).map((name) => `'${name}'`);
  const rates = `${rateNumber(grid[0] ?? 0n)}..${rateNumber(grid[grid.length - 1] ?? 0n)}`;
  return (
    `No ${counts.join('/')}-bracket plan with declining rates in ${rates} keeps every payee within ` +
    `${options.max_loss_pct}% of actual pay${options.protect_top_n ? ` and the top ${options.protect_top_n} at their pay` : ''}` +
    (binding.length > 0
      ? `; ${generous.length > 0 ? 'even a flat maximum rate falls short for' : 'the binding payees are'} ${binding.join(', ')}${named.length > 3 ? ` and ${named.length - 3} more` : ''} (consider raising the maximum rate, the allowed loss, or exempting them)`
      : '')
  );
}
