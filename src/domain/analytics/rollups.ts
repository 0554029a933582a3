/**
 * Monthly roll-ups: what analytics reads instead of deals. A tenant with a million deals has a few
 * thousand agent-months, so the database keeps one roll-up per month (refreshed on import) and every
 * summary, series and forecast is computed from these; no read scans deals. All amounts in cents.
 */
import type { History, HistoryMonth } from '../history.js';
import type { AgentType } from '../imports/format.js';
import type { Cents } from '../money.js';
import { normaliseMarketName } from './markets.js';
import { inRange, monthFromIndex, monthIndex, type MonthRange } from './months.js';

export interface AgentRollup {
  name: string;
  type: AgentType;
  /** The agent's manager this month: as imported, else the manager whose team lists the agent. */
  manager: string | null;
  /** Normalised market name (see markets.ts), or null when the import did not say. */
  market: string | null;
  gp: Cents;
  commission: Cents;
  /** Closed deals. */
  closed: number;
  /** Terminated contracts. */
  terminated: number;
  /** Closings months: every side role the agent was credited on (the type is the one that earned more GP). */
  roles?: AgentType[];
}

export interface ManagerRollup {
  name: string;
  commission: Cents;
  /** Closings months: GP of the deals whose sides name this manager (each deal once per role). */
  team_gp?: Cents;
  /** Closings months: those deals' transactions. */
  team_closed?: number;
  /** Closings months: those deals that terminated. */
  team_terminated?: number;
  /** Closings months: the agents on those sides. */
  team?: string[];
}

export interface MarketRollup {
  /** Normalised market name. */
  name: string;
  closed: number;
  terminated: number;
  /** GP of closed deals only; a terminated deal earns nothing. */
  gp: Cents;
}

export interface MonthRollup {
  /** YYYY-MM */
  month: string;
  /**
   * Where the figures come from: the payee-level import (absent in roll-ups stored before
   * closings existed), closings (src/domain/closings/rollup.ts), or both merged.
   */
  source?: 'payees' | 'closings' | 'both';
  /** False when the month's pay is not known (closings without payouts): its commission fields are 0 and mean nothing. */
  pay_known?: boolean;
  /** GP of all agents (closed deals). */
  gp: Cents;
  /** Everything paid: agent_commission + manager_commission. */
  commission: Cents;
  agent_commission: Cents;
  manager_commission: Cents;
  closed: number;
  terminated: number;
  agents: AgentRollup[];
  managers: ManagerRollup[];
  markets: MarketRollup[];
}

interface MarketTally {
  closed: number;
  terminated: number;
  gp: Cents;
}

function tallyMarket(tallies: Map<string, MarketTally>, market: string | null): MarketTally | null {
  const name = market === null ? '' : normaliseMarketName(market);
  // A contract with no market cannot be placed on the map; it still counts in the month's totals.
  if (name === '') return null;
  let tally = tallies.get(name);
  if (!tally) {
    tally = { closed: 0, terminated: 0, gp: 0 };
    tallies.set(name, tally);
  }
  return tally;
}

function rollupMonth(month: HistoryMonth): MonthRollup {
  const managerOf = new Map<string, string>();
  for (const manager of month.managers) for (const member of manager.team) managerOf.set(member, manager.name);

  const terminatedDeals = new Map<string, number>();
  for (const deal of month.deals) {
    if (deal.status === 'terminated') terminatedDeals.set(deal.agent, (terminatedDeals.get(deal.agent) ?? 0) + 1);
  }

  const agents: AgentRollup[] = month.agents.map((agent) => ({
    name: agent.name,
    type: agent.type,
    manager: agent.manager ?? managerOf.get(agent.name) ?? null,
    market: agent.market === null || normaliseMarketName(agent.market) === '' ? null : normaliseMarketName(agent.market),
    gp: agent.gp,
    commission: agent.commission,
    closed: agent.deals,
    // The agent row is what the sender attested; deals[] may be partial, so it is only the fallback.
    terminated: agent.terminations ?? terminatedDeals.get(agent.name) ?? 0,
  }));

  const tallies = new Map<string, MarketTally>();
  if (month.deals.length > 0) {
    // Deal rows say where each contract was, even for agents who work several markets.
    const agentMarket = new Map(month.agents.map((agent) => [agent.name, agent.market]));
    for (const deal of month.deals) {
      const tally = tallyMarket(tallies, deal.market ?? agentMarket.get(deal.agent) ?? null);
      if (!tally) continue;
      if (deal.status === 'closed') {
        tally.closed += 1;
        tally.gp += deal.gp;
      } else {
        tally.terminated += 1;
      }
    }
  } else {
    for (const agent of agents) {
      const tally = tallyMarket(tallies, agent.market);
      if (!tally) continue;
      tally.closed += agent.closed;
      tally.terminated += agent.terminated;
      tally.gp += agent.gp;
    }
  }

  let gp = 0;
  let agentCommission = 0;
  let closed = 0;
  let terminated = 0;
  for (const agent of agents) {
    gp += agent.gp;
    agentCommission += agent.commission;
    closed += agent.closed;
    terminated += agent.terminated;
  }
  let managerCommission = 0;
  for (const manager of month.managers) managerCommission += manager.commission;

  return {
    month: month.month,
    gp,
    commission: agentCommission + managerCommission,
    agent_commission: agentCommission,
    manager_commission: managerCommission,
    closed,
    terminated,
    agents,
    managers: month.managers.map((manager) => ({ name: manager.name, commission: manager.commission })),
    markets: [...tallies].map(([name, tally]) => ({ name, ...tally })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** One roll-up per history month, oldest first. */
export function rollupFromHistory(history: History): MonthRollup[] {
  return history.map(rollupMonth).sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

/** The first and last month with data, or null for a tenant with none. */
export function dataSpan(rollups: readonly MonthRollup[]): { first: string; last: string } | null {
  let first: string | null = null;
  let last: string | null = null;
  for (const rollup of rollups) {
    if (first === null || rollup.month < first) first = rollup.month;
    if (last === null || rollup.month > last) last = rollup.month;
  }
  return first === null || last === null ? null : { first, last };
}

export interface MonthlyValues {
  /** Consecutive months from the first with data to the last with data not after `until`. */
  months: string[];
  values: number[];
  /** Months with no roll-up, filled by linear interpolation between their neighbours. */
  filled: number;
}

/**
 * One value per consecutive month, as forecasting needs. A skipped month is far more often a month
 * not imported than a month with no business, so it is interpolated rather than read as zero.
 */
export function monthlyValues(
  rollups: readonly MonthRollup[],
  until: string,
  pick: (rollup: MonthRollup) => number,
): MonthlyValues {
  const known = rollups.filter((rollup) => rollup.month <= until).sort((a, b) => (a.month < b.month ? -1 : 1));
  const months: string[] = [];
  const values: number[] = [];
  let filled = 0;
  let previous: { index: number; value: number } | null = null;
  for (const rollup of known) {
    const index = monthIndex(rollup.month);
    const value = pick(rollup);
    if (previous !== null) {
      const gap = index - previous.index;
      for (let step = 1; step < gap; step += 1) {
        months.push(monthFromIndex(previous.index + step));
        values.push(previous.value + ((value - previous.value) * step) / gap);
        filled += 1;
      }
    }
    if (previous === null || index > previous.index) {
      months.push(rollup.month);
      values.push(value);
      previous = { index, value };
    }
  }
  return { months, values, filled };
}

export interface RangeTotals {
  gp: Cents;
  /** GP of the months whose pay is known: what commission % divides by. */
  paid_gp: Cents;
  /** Months with data but no known pay (closings not yet paid out), oldest first. */
  months_without_pay: string[];
  commission: Cents;
  agent_commission: Cents;
  manager_commission: Cents;
  closed: number;
  terminated: number;
  months_with_data: number;
}

/** True unless the roll-up says its pay is unknown (a closings month before payouts). */
export const payKnown = (rollup: MonthRollup) => rollup.pay_known !== false;

/** Sums of the month-level figures over a range. */
export function totalsIn(rollups: readonly MonthRollup[], range: MonthRange): RangeTotals {
  const totals: RangeTotals = { gp: 0, paid_gp: 0, months_without_pay: [], commission: 0, agent_commission: 0, manager_commission: 0, closed: 0, terminated: 0, months_with_data: 0 };
  for (const rollup of rollups) {
    if (!inRange(rollup.month, range)) continue;
    totals.gp += rollup.gp;
    if (payKnown(rollup)) totals.paid_gp += rollup.gp;
    else totals.months_without_pay.push(rollup.month);
    totals.commission += rollup.commission;
    totals.agent_commission += rollup.agent_commission;
    totals.manager_commission += rollup.manager_commission;
    totals.closed += rollup.closed;
    totals.terminated += rollup.terminated;
    totals.months_with_data += 1;
  }
  totals.months_without_pay.sort();
  return totals;
}

/** An agent's sums over a range: type, manager and market as of the agent's latest month in it. */
export interface AgentTotals extends AgentRollup {
  /** Months of the range the agent appears in. */
  months: number;
}

/** Each agent's sums over a range, by name (the import's identity for an agent), in name order. */
export function agentTotalsIn(rollups: readonly MonthRollup[], range: MonthRange): AgentTotals[] {
  const byName = new Map<string, AgentTotals & { latest: string }>();
  for (const rollup of rollups) {
    if (!inRange(rollup.month, range)) continue;
    for (const agent of rollup.agents) {
      let totals = byName.get(agent.name);
      if (!totals) {
        // Field by field, not `{ ...agent }`: objects spread from parsed roll-ups made every later
        // `+=` slow (an 18,000 agent-month sum took 22 ms instead of 3, a third of a cold summary).
        totals = { name: agent.name, type: agent.type, manager: agent.manager, market: agent.market, gp: 0, commission: 0, closed: 0, terminated: 0, months: 0, latest: rollup.month };
        if (agent.roles !== undefined) totals.roles = agent.roles;
        byName.set(agent.name, totals);
      }
      totals.gp += agent.gp;
      totals.commission += agent.commission;
      totals.closed += agent.closed;
      totals.terminated += agent.terminated;
      totals.months += 1;
      if (rollup.month >= totals.latest) {
        totals.latest = rollup.month;
        totals.type = agent.type;
        totals.manager = agent.manager;
        totals.market = agent.market;
      }
    }
  }
  return [...byName.values()]
    .map(({ latest: _latest, ...totals }) => totals)
    .sort((a, b) => a.name.localeCompare(b.name));
}
