/**
 * Statements for a month under the plan in force: per payee, the earning lines of the basis window
 * (incremental for quarter/year), then clawbacks of deals terminated this month, then the draw.
 * A pure function of (plans, history, month): recalculating gives the same statements, to the line.
 *
 * Draw balances depend on every earlier month, so when a plan in force has a draw the calculation
 * walks the history from its first month; a month whose plan has no draw forgives open balances.
 */
import type { History, HistoryMonth } from '../history.js';
import { planInForce, type PlanDefinition, type PlanVersion } from './definition.js';
import { compilePlan, coversPayee, type CompiledPlan } from './compiled.js';
import { differenceLines, earnWindow, sumExact, type Window } from './earnings.js';
import {
  HistoryIndex,
  NO_FACTS,
  payeeKey,
  periodOf,
  sumAllFacts,
  withoutDeal,
  type Facts,
  type PayeeRef,
} from './measures.js';
import { assembleStatement, statementWithoutLines, type ExactLine, type Statement } from './statement.js';
import { formatCents, formatMicroCents, formatRate, MICRO, roundMicroCents } from './units.js';

/** One plan for every month, or versions effective from a month on. */
export type PlanSource = PlanDefinition | readonly PlanVersion[];

/**
 * The engine over one history and one plan source: compiles each definition once and caches the
 * monthly measures it reads, so a simulation over many months does not repeat work.
 */
export class PlanCalculator {
  readonly index: HistoryIndex;
  private readonly versions: readonly { effective_from: string; plan: CompiledPlan }[];
  /** Facts measured, by month, then payee and split. */
  private readonly factsCache = new Map<string, Map<string, Facts | null>>();

  /**
   * `lines: false` gives statements with their totals, draw balances and warnings but no lines (nor
   * the lines' descriptions): a simulation sums totals only, and a deal-basis month has a line per deal.
   */
  constructor(source: PlanSource, history: History | HistoryIndex, private readonly options: { lines: boolean } = { lines: true }) {
    const versions: readonly PlanVersion[] = isVersionList(source)
      ? source
      : [{ effective_from: '0000-01', definition: source }];
    const compiled = new Map<PlanDefinition, CompiledPlan>();
    this.versions = versions.map((version) => {
      let plan = compiled.get(version.definition);
      if (!plan) {
        plan = compilePlan(version.definition);
        compiled.set(version.definition, plan);
      }
      return { effective_from: version.effective_from, plan };
    });
    const clawbacks = this.versions.some((version) => version.plan.clawback !== null);
    this.index = history instanceof HistoryIndex ? history : new HistoryIndex(history, { clawbacks });
  }

  planFor(month: string): CompiledPlan | null {
    return planInForce(this.versions, month)?.plan ?? null;
  }

  /** Statements for every history month in [from, to], oldest first. */
  range(from: string, to: string): Map<string, Statement[]> {
    return new Map(this.months(from, to));
  }

  /**
   * The statements of each history month in [from, to], oldest first, one month at a time: a
   * caller that folds them (a simulation) holds one month's statements, not the range's.
   */
  *months(from: string, to: string): Generator<[string, Statement[]]> {
    const walk = this.walk(from, to);
    for (const month of this.index.months) {
      if (month > to) break;
      const statements = walk(month);
      if (statements) yield [month, statements];
    }
  }

  /**
   * A walk through [from, to], called with history months in calendar order: it gives the
   * statements of a month in the range (one per payee the plan in force covers; null out of the
   * range or with no plan in force) and carries draw balances from month to month. A plan with a
   * draw is calculated from the history's first month, as balances carry.
   */
  walk(from: string, to: string): (month: string) => Statement[] | null {
    const fromStart = this.versions.some((version) => version.plan.draw !== null);
    const balances = new Map<string, bigint>();
    return (month) => {
      if (month > to || (month < from && !fromStart)) return null;
      const plan = this.planFor(month);
      if (!plan) {
        balances.clear();
        return null;
      }
      if (!plan.draw) balances.clear();
      const statements: Statement[] = [];
      for (const payee of this.index.payees(month)) {
        if (coversPayee(plan, payee)) statements.push(this.statement(plan, month, payee, balances));
      }
      return month >= from ? statements : null;
    };
  }

  /**
   * A calculation over a history that arrives month by month, in calendar order (plan-worker.ts): a
   * month given is indexed, the months no later calculation reads ({@link readsFrom}) are forgotten,
   * and its statements come back when it is in [from, to]. The calculator's index must start empty.
   */
  stream(from: string, to: string): (raw: HistoryMonth) => Statement[] | null {
    const walk = this.walk(from, to);
    return (raw) => {
      if (raw.month > to) return null;
      const start = this.readsFrom(raw.month);
      if (start !== null) this.forget(start);
      this.index.add(raw);
      return walk(raw.month);
    };
  }

  /**
   * The first month the calculation of `month` and later months reads: the start of its year when a
   * plan reads the quarter or year to date, every month (null) when one claws back deals closed in
   * any earlier month, otherwise the month itself. A streamed calculation forgets what is before.
   */
  readsFrom(month: string): string | null {
    if (this.versions.some((version) => version.plan.clawback !== null)) return null;
    return this.versions.some((version) => version.plan.periodToDate) ? `${month.slice(0, 4)}-01` : month;
  }

  /** Forgets the index's months before `month`, and what was measured in them. */
  forget(month: string): void {
    for (const known of this.factsCache.keys()) if (known < month) this.factsCache.delete(known);
    this.index.forget(month);
  }

  private facts(month: string, payee: PayeeRef, plan: CompiledPlan): Facts | null {
    let cache = this.factsCache.get(month);
    if (!cache) {
      cache = new Map();
      this.factsCache.set(month, cache);
    }
    const key = `${payeeKey(payee)}|${plan.split ? `${plan.split.acq}/${plan.split.dispo}` : ''}`;
    if (cache.has(key)) return cache.get(key) ?? null;
    const facts = this.index.facts(month, payee, plan.split);
    cache.set(key, facts);
    return facts;
  }

  /** Sum of the payee's facts over the history months of `period` up to `last`, in one pass. */
  private sumFacts(payee: PayeeRef, plan: CompiledPlan, last: string, period: string, basis: 'quarter' | 'year'): Facts {
    const parts: Facts[] = [];
    for (const month of this.index.months) {
      if (month > last) break;
      if (periodOf(month, basis) !== period) continue;
      const facts = this.facts(month, payee, plan);
      if (facts) parts.push(facts);
    }
    return sumAllFacts(parts);
  }

  /** The window a plan evaluates for a payee in a month: the month, or the period to date. */
  window(plan: CompiledPlan, month: string, payee: PayeeRef): Window {
    const monthFacts = this.facts(month, payee, plan) ?? NO_FACTS;
    const payeeType = payee.type;
    if (!plan.periodToDate) return { month, payeeType, span: 'month', facts: monthFacts, monthFacts, qtd: null, ytd: null };
    const qtd = this.sumFacts(payee, plan, month, periodOf(month, 'quarter'), 'quarter');
    const ytd = this.sumFacts(payee, plan, month, periodOf(month, 'year'), 'year');
    if (plan.basis === 'quarter') return { month, payeeType, span: 'QTD', facts: qtd, monthFacts, qtd, ytd };
    if (plan.basis === 'year') return { month, payeeType, span: 'YTD', facts: ytd, monthFacts, qtd, ytd };
    return { month, payeeType, span: 'month', facts: monthFacts, monthFacts, qtd, ytd };
  }

  /**
   * The latest earlier month of the same basis period in which the payee was paid, if any: a payee
   * who joins mid-quarter was paid nothing before, so nothing (not a floor) is deducted.
   */
  private previousInPeriod(plan: CompiledPlan, month: string, payee: PayeeRef): string | null {
    if (plan.basis !== 'quarter' && plan.basis !== 'year') return null;
    const period = periodOf(month, plan.basis);
    let previous: string | null = null;
    for (const candidate of this.index.months) {
      if (candidate >= month) break;
      if (periodOf(candidate, plan.basis) !== period) continue;
      const present = this.index.presence(candidate, payee);
      const then = this.planFor(candidate);
      if (present && then && coversPayee(then, present)) previous = candidate;
    }
    return previous;
  }

  /**
   * What the plan pays the payee for the month before clawbacks and draws (exact lines). On a
   * quarter or year basis the month pays R(to date) − R(paid before): the lines of f(to date) −
   * f(before) plus a period-rounding line that takes off the part of a cent the earlier months'
   * rounding already settled, so the period is rounded once however many months it has.
   */
  earningLines(plan: CompiledPlan, month: string, payee: PayeeRef, warnings: string[]): ExactLine[] {
    const current = earnWindow(plan, this.window(plan, month, payee), warnings, this.options.lines);
    const previousMonth = this.previousInPeriod(plan, month, payee);
    if (previousMonth === null) return current;
    // Warnings of the earlier window were reported in its own month's statement.
    const previous = earnWindow(plan, this.window(plan, previousMonth, payee), [], this.options.lines);
    const period = periodOf(month, plan.basis === 'year' ? 'year' : 'quarter');
    const lines = differenceLines(current, previous, period, this.options.lines);
    const before = sumExact(previous);
    const settled = BigInt(roundMicroCents(before)) * MICRO - before;
    if (settled !== 0n) {
      lines.push({
        key: 'period-rounding',
        component: 'rounding',
        label: 'Period rounding',
        description: `Earlier months of ${period} were paid ${formatCents(roundMicroCents(before))} for ${formatMicroCents(before)} earned; the difference is settled here`,
        base: 0n,
        unit: 'money',
        exact: -settled,
      });
    }
    return lines;
  }

  /**
   * Commission the closing month's earnings owed to a deal: f(window) − f(window without the deal),
   * under the plan in force when it closed.
   */
  private dealCommission(plan: CompiledPlan, month: string, payee: PayeeRef, dealId: string): bigint {
    const window = this.window(plan, month, payee);
    const without: Window = {
      ...window,
      facts: withoutDeal(window.facts, dealId),
      monthFacts: withoutDeal(window.monthFacts, dealId),
      qtd: window.qtd && withoutDeal(window.qtd, dealId),
      ytd: window.ytd && withoutDeal(window.ytd, dealId),
    };
    return sumExact(earnWindow(plan, window, [], false)) - sumExact(earnWindow(plan, without, [], false));
  }

  private clawbackLines(plan: CompiledPlan, month: string, payee: PayeeRef): ExactLine[] {
    const clawback = plan.clawback;
    const index = this.index.month(month);
    if (!clawback || !index) return [];
    const lines: ExactLine[] = [];
    for (const reversal of index.clawbacks) {
      const closedIndex = this.index.month(reversal.closedIn);
      if (!closedIndex) continue;
      const owner =
        payee.type === 'manager'
          ? closedIndex.managerOf.get(reversal.record.agent) === payee.name
          : reversal.record.agent === payee.name;
      if (!owner) continue;
      const then = this.planFor(reversal.closedIn);
      const paidAs = this.index.presence(reversal.closedIn, payee);
      if (!then || !paidAs || !coversPayee(then, paidAs)) continue;
      const facts = this.facts(reversal.closedIn, paidAs, then);
      const deal = facts?.dealList.find((candidate) => candidate.id === reversal.id);
      if (!deal) continue;
      const amount =
        clawback.method === 'rate'
          ? deal.credited * clawback.rate
          : this.dealCommission(then, reversal.closedIn, paidAs, reversal.id);
      if (amount === 0n) continue;
      lines.push({
        key: `${clawback.key}:${reversal.id}`,
        component: 'clawback',
        label: clawback.label,
        description:
          clawback.method === 'rate'
            ? `Deal ${reversal.id} (closed ${reversal.closedIn}, GP ${formatCents(deal.credited)}) terminated: ${formatRate(clawback.rate)} reversed`
            : `Deal ${reversal.id} (closed ${reversal.closedIn}, GP ${formatCents(deal.credited)}) terminated: the ${formatCents(roundMicroCents(amount))} it earned is reversed`,
        base: -deal.credited,
        unit: 'money',
        exact: -amount,
      });
    }
    return lines;
  }

  private statement(plan: CompiledPlan, month: string, payee: PayeeRef, balances: Map<string, bigint>): Statement {
    const warnings: string[] = [];
    const lines = [...this.earningLines(plan, month, payee, warnings), ...this.clawbackLines(plan, month, payee)];
    let drawBalance: bigint | undefined;
    if (plan.draw) {
      const key = payeeKey(payee);
      const owed = balances.get(key) ?? 0n;
      const draw = plan.draw.amount * MICRO;
      const earned = sumExact(lines);
      const fields = { key: plan.draw.key, component: 'draw' as const, label: plan.draw.label, unit: 'money' as const };
      if (earned - owed >= draw) {
        if (owed > 0n) {
          lines.push({ ...fields, description: `Draw balance of ${formatCents(roundMicroCents(owed))} recovered`, base: BigInt(roundMicroCents(owed)), exact: -owed });
        }
        drawBalance = 0n;
      } else {
        // The balance is what was advanced in cents: the sub-cent part of earnings is not owed.
        drawBalance = BigInt(roundMicroCents(owed + draw - earned)) * MICRO;
        lines.push({
          ...fields,
          description:
            draw >= earned
              ? `Draw of ${formatCents(plan.draw.amount)}: ${formatCents(roundMicroCents(draw - earned))} advanced against future commission`
              : `Draw of ${formatCents(plan.draw.amount)}: ${formatCents(roundMicroCents(earned - draw))} of earnings above the draw recovered`,
          base: plan.draw.amount,
          exact: draw - earned,
        });
      }
      balances.set(key, drawBalance);
    }
    const head = {
      payee: payee.name,
      payee_type: payee.type,
      period: month,
      accumulation: plan.basis === 'quarter' || plan.basis === 'year' ? periodOf(month, plan.basis) : month,
      plan: plan.name,
      warnings,
    };
    const statementHead = drawBalance === undefined ? head : { ...head, draw_balance: drawBalance };
    return this.options.lines ? assembleStatement(statementHead, lines) : statementWithoutLines(statementHead, lines);
  }
}

function isVersionList(source: PlanSource): source is readonly PlanVersion[] {
  return Array.isArray(source);
}

/** The statements of one month: one per payee the plan in force covers. */
export function calculateStatements(source: PlanSource, history: History, month: string): Statement[] {
  return new PlanCalculator(source, history).range(month, month).get(month) ?? [];
}

/** Statements of every history month in [from, to], by month. */
export function calculateRange(source: PlanSource, history: History, from: string, to: string): Map<string, Statement[]> {
  return new PlanCalculator(source, history).range(from, to);
}
