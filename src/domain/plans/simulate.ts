/**
 * What-if: what a plan would have paid over a stretch of history, against what was actually paid
 * to the same payees (CONTRACT.md, `POST /plans/simulate`). "Actual" is the imported commission of
 * the payees the plan covers, month by month; commission % is over the company's GP (every agent's
 * GP in those months), so plans for different payee types add up.
 */
import type { History, HistoryMonth } from '../history.js';
import { percentOf, toAmount, type Cents } from '../money.js';
import type { PayeeType } from './definition.js';
import { PlanCalculator, type PlanSource } from './calculate.js';
import { HistoryIndex, payeeKey } from './measures.js';
import type { Statement } from './statement.js';

export interface AgentComparison {
  agent: string;
  payee_type: PayeeType;
  /** The payee's GP measure over the range (a manager's: the team's). */
  gp: Cents;
  simulated: Cents;
  actual: Cents;
  /** simulated − actual. */
  delta: Cents;
  /** delta as a % of actual (1 decimal); null when nothing was actually paid. */
  delta_pct: number | null;
}

export interface MonthComparison {
  month: string;
  /** Company GP of the month. */
  gp: Cents;
  simulated: Cents;
  actual: Cents;
  commission_pct: number | null;
  actual_commission_pct: number | null;
}

export interface Simulation {
  plan: string;
  from: string;
  to: string;
  /** History months in the range. */
  months: string[];
  total_gp: Cents;
  total_commission: Cents;
  actual_commission: Cents;
  /** Simulated commission as a % of GP, 2 decimals. */
  commission_pct: number | null;
  actual_commission_pct: number | null;
  by_agent: AgentComparison[];
  by_month: MonthComparison[];
  /** Payees paid more than actually, biggest gain first. */
  winners: AgentComparison[];
  /** Payees paid less than actually, biggest loss first. */
  losers: AgentComparison[];
  warnings: string[];
}

export interface SimulateOptions {
  /** How many winners and losers to list (default 5). */
  top?: number;
}

const MAX_WARNINGS = 50;

function safe(value: bigint): Cents {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError('Simulated amount exceeds the exact range');
  return number;
}

/** What a plan would have paid over [from, to] of a history, against what was paid. */
export function simulatePlan(
  source: PlanSource,
  history: History | HistoryIndex,
  from: string,
  to: string,
  options: SimulateOptions = {},
): Simulation {
  // Totals only: the statements' lines are summed, never shown.
  const calculator = new PlanCalculator(source, history, { lines: false });
  const fold = new SimulationFold(calculator, from, to, options);
  // Month by month: only one month's statements are alive at a time (a deal-basis month has a line per deal).
  for (const [month, statements] of calculator.months(from, to)) fold.add(month, statements);
  return fold.result();
}

/**
 * The same simulation over a history streamed month by month in calendar order (the plan worker
 * receives a big tenant's history a few months at a time): each month is folded as it comes and
 * forgotten once no later month reads it, so a deal-basis simulation holds a month of deals rather
 * than two years of them.
 */
export function streamSimulation(
  source: PlanSource,
  from: string,
  to: string,
  options: SimulateOptions = {},
): { add(month: HistoryMonth): void; result(): Simulation } {
  const calculator = new PlanCalculator(source, [], { lines: false });
  const fold = new SimulationFold(calculator, from, to, options);
  const calculate = calculator.stream(from, to);
  return {
    add(month) {
      const statements = calculate(month);
      if (statements) fold.add(month.month, statements);
    },
    result: () => fold.result(),
  };
}

/** The simulation's sums, a month's statements at a time. */
class SimulationFold {
  private readonly agents = new Map<string, { agent: string; payee_type: PayeeType; gp: bigint; simulated: bigint; actual: bigint }>();
  private readonly byMonth: MonthComparison[] = [];
  private readonly warnings: string[] = [];
  private totalGp = 0n;
  private totalSimulated = 0n;
  private totalActual = 0n;

  constructor(
    private readonly calculator: PlanCalculator,
    private readonly from: string,
    private readonly to: string,
    private readonly options: SimulateOptions,
  ) {}

  /** A month's statements, folded while the month is still in the calculator's index. */
  add(month: string, monthStatements: readonly Statement[]): void {
    const index = this.calculator.index;
    const monthIndex = index.month(month);
    if (!monthIndex) return;
    let gp = 0n;
    for (const agent of monthIndex.agents.values()) gp += BigInt(agent.gp);
    let simulated = 0n;
    let actual = 0n;
    for (const statement of monthStatements) {
      const payee = { name: statement.payee, type: statement.payee_type };
      const facts = index.facts(month, payee, null);
      const paid = facts?.actual ?? 0n;
      simulated += BigInt(statement.total);
      actual += paid;
      const key = payeeKey(payee);
      const entry = this.agents.get(key) ?? { agent: payee.name, payee_type: payee.type, gp: 0n, simulated: 0n, actual: 0n };
      entry.payee_type = payee.type;
      entry.gp += facts?.gp ?? 0n;
      entry.simulated += BigInt(statement.total);
      entry.actual += paid;
      this.agents.set(key, entry);
      for (const warning of statement.warnings) {
        if (this.warnings.length < MAX_WARNINGS) this.warnings.push(`${statement.payee}: ${warning}`);
      }
    }
    this.totalGp += gp;
    this.totalSimulated += simulated;
    this.totalActual += actual;
    this.byMonth.push({
      month,
      gp: safe(gp),
      simulated: safe(simulated),
      actual: safe(actual),
      commission_pct: percentOf(safe(simulated), safe(gp), 2),
      actual_commission_pct: percentOf(safe(actual), safe(gp), 2),
    });
  }

  result(): Simulation {
    const { calculator, from, to, byMonth } = this;
    const byAgent: AgentComparison[] = [...this.agents.values()]
      .map((entry) => {
        const delta = entry.simulated - entry.actual;
        return {
          agent: entry.agent,
          payee_type: entry.payee_type,
          gp: safe(entry.gp),
          simulated: safe(entry.simulated),
          actual: safe(entry.actual),
          delta: safe(delta),
          delta_pct: percentOf(safe(delta), safe(entry.actual), 1),
        };
      })
      .sort((a, b) => b.gp - a.gp || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
    const top = this.options.top ?? 5;
    const plan = calculator.planFor(to)?.name ?? calculator.planFor(from)?.name ?? '';
    return {
      plan,
      from,
      to,
      months: byMonth.map((entry) => entry.month),
      total_gp: safe(this.totalGp),
      total_commission: safe(this.totalSimulated),
      actual_commission: safe(this.totalActual),
      commission_pct: percentOf(safe(this.totalSimulated), safe(this.totalGp), 2),
      actual_commission_pct: percentOf(safe(this.totalActual), safe(this.totalGp), 2),
      by_agent: byAgent,
      by_month: byMonth,
      winners: byAgent.filter((entry) => entry.delta > 0).sort((a, b) => b.delta - a.delta).slice(0, top),
      losers: byAgent.filter((entry) => entry.delta < 0).sort((a, b) => a.delta - b.delta).slice(0, top),
      warnings: this.warnings,
    };
  }
}

/** The simulation as the contract's JSON: the same shape, every amount in currency units (2 decimals). */
export type SimulationJson = Simulation;

function agentJson(entry: AgentComparison): AgentComparison {
  return { ...entry, gp: toAmount(entry.gp), simulated: toAmount(entry.simulated), actual: toAmount(entry.actual), delta: toAmount(entry.delta) };
}

export function simulationToJson(simulation: Simulation): SimulationJson {
  return {
    ...simulation,
    total_gp: toAmount(simulation.total_gp),
    total_commission: toAmount(simulation.total_commission),
    actual_commission: toAmount(simulation.actual_commission),
    by_agent: simulation.by_agent.map(agentJson),
    by_month: simulation.by_month.map((entry) => ({
      ...entry,
      gp: toAmount(entry.gp),
      simulated: toAmount(entry.simulated),
      actual: toAmount(entry.actual),
    })),
    winners: simulation.winners.map(agentJson),
    losers: simulation.losers.map(agentJson),
  };
}
