/**
 * Builders for plan-engine tests: small hand-written histories in dollars, and a deterministic
 * synthetic history whose commissions are produced by a given plan.
 */
import type { AgentMonth, DealRecord, History, HistoryMonth, ManagerMonth } from '../../src/domain/history.js';
import type { AgentType } from '../../src/domain/imports/format.js';
import { calculateRange, type PlanSource } from '../../src/domain/plans/calculate.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import type { Statement } from '../../src/domain/plans/statement.js';
import { seededRandom } from '../../src/demo/seeded-random.js';

/** Dollars (at most 2 decimals) to cents, exactly. */
export function cents(dollars: number): number {
  return Math.round(dollars * 100);
}

export function agent(
  name: string,
  type: AgentType,
  gpDollars: number,
  options: { deals?: number; manager?: string | null; terminations?: number | null; commission?: number } = {},
): AgentMonth {
  return {
    name,
    type,
    manager: options.manager ?? null,
    market: null,
    gp: cents(gpDollars),
    deals: options.deals ?? 0,
    terminations: options.terminations === undefined ? 0 : options.terminations,
    commission: cents(options.commission ?? 0),
  };
}

export function manager(name: string, team: string[], options: { gp?: number | null; commission?: number } = {}): ManagerMonth {
  return {
    name,
    gp: options.gp === undefined || options.gp === null ? null : cents(options.gp),
    commission: cents(options.commission ?? 0),
    team,
  };
}

export function deal(id: string, agentName: string, type: AgentType, gpDollars: number, date: string, status: 'closed' | 'terminated' = 'closed'): DealRecord {
  return { id, date, agent: agentName, type, market: null, gp: cents(gpDollars), status };
}

export function month(name: string, agents: AgentMonth[], managers: ManagerMonth[] = [], deals: DealRecord[] = []): HistoryMonth {
  return { month: name, agents, managers, deals };
}

/** A one-bracket-per-line plan for an acq agent, the contract's example. */
export const CONTRACT_PLAN: PlanDefinition = {
  name: 'Declining acq',
  applies_to: ['acq'],
  basis: 'month',
  tiers: {
    measure: 'gp',
    mode: 'graduated',
    brackets: [
      { up_to: 50000, rate: 0.1 },
      { up_to: null, rate: 0.08 },
    ],
  },
};

export function only(statements: readonly Statement[], payee: string): Statement {
  const found = statements.find((statement) => statement.payee === payee);
  if (!found) throw new Error(`no statement for ${payee}`);
  return found;
}

/** A seeded generator, so synthetic histories are the same on every run. */
export const random = seededRandom;

function monthName(start: string, offset: number): string {
  const total = Number(start.slice(0, 4)) * 12 + Number(start.slice(5, 7)) - 1 + offset;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

export interface SyntheticOptions {
  seed: number;
  months: number;
  agents: number;
  managers: number;
  start?: string;
  /** Include deal records (and terminations of earlier deals). */
  deals?: boolean;
}

/**
 * A history with GP, deals and teams but zero commission. Agents' monthly GP spreads over two
 * orders of magnitude, so bracket plans have something to choose between.
 */
export function syntheticHistory(options: SyntheticOptions): History {
  const next = random(options.seed);
  const start = options.start ?? '2024-01';
  const managers = Array.from({ length: options.managers }, (_, i) => `Manager ${i + 1}`);
  const roster = Array.from({ length: options.agents }, (_, i) => ({
    name: `Agent ${String(i + 1).padStart(2, '0')}`,
    type: (i % 3 === 2 ? 'dispo' : 'acq') as AgentType,
    manager: managers[i % Math.max(1, managers.length)] ?? null,
    scale: 5_000 + Math.floor(next() * 60_000),
  }));
  const history: History = [];
  let dealCounter = 0;
  const open: DealRecord[] = [];
  for (let m = 0; m < options.months; m += 1) {
    const name = monthName(start, m);
    const agents: AgentMonth[] = [];
    const deals: DealRecord[] = [];
    for (const member of roster) {
      const count = Math.floor(next() * 6);
      let gp = 0;
      for (let d = 0; d < count; d += 1) {
        const dealGp = Math.round(member.scale * (0.3 + next()) * 100) / count;
        const dealCents = Math.max(100, Math.round(dealGp));
        gp += dealCents;
        dealCounter += 1;
        const record: DealRecord = {
          id: `D-${dealCounter}`,
          date: `${name}-15`,
          agent: member.name,
          type: member.type,
          market: null,
          gp: dealCents,
          status: 'closed',
        };
        if (options.deals) deals.push(record);
        open.push(record);
      }
      let terminations = 0;
      if (options.deals && open.length > 0 && next() < 0.2) {
        const victim = open.splice(Math.floor(next() * open.length), 1)[0];
        if (victim && victim.date.slice(0, 7) < name) {
          deals.push({ ...victim, date: `${name}-20`, status: 'terminated' });
          if (victim.agent === member.name) terminations += 1;
        }
      }
      agents.push({ name: member.name, type: member.type, manager: member.manager, market: null, gp, deals: count, terminations, commission: 0 });
    }
    const managerRows: ManagerMonth[] = managers.map((managerName) => ({
      name: managerName,
      gp: null,
      commission: 0,
      team: roster.filter((member) => member.manager === managerName).map((member) => member.name),
    }));
    history.push({ month: name, agents, managers: managerRows, deals });
  }
  return history;
}

/** The history with every covered payee's commission set to what `source` pays. */
export function payUnder(history: History, source: PlanSource): History {
  const first = history[0]?.month ?? '0000-01';
  const last = history[history.length - 1]?.month ?? '9999-12';
  const statements = calculateRange(source, history, first, last);
  return history.map((entry) => {
    const paid = new Map((statements.get(entry.month) ?? []).map((statement) => [`${statement.payee_type === 'manager' ? 'm' : 'a'}:${statement.payee}`, statement.total]));
    return {
      ...entry,
      agents: entry.agents.map((row) => ({ ...row, commission: paid.get(`a:${row.name}`) ?? row.commission })),
      managers: entry.managers.map((row) => ({ ...row, commission: paid.get(`m:${row.name}`) ?? row.commission })),
    };
  });
}
