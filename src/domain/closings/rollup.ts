/**
 * The analytics roll-up of a closings month, in the shape every analytics view already reads
 * (src/domain/analytics/rollups.ts), so that the summary, series, markets and forecasts work on
 * closings unchanged:
 *
 * - the month's GP and deal count are the company's: each deal once (its GP, its transactions);
 * - an agent's figures are their credited GP (GP × credit, summed over their sides, rounded to the
 *   cent once per person and month) and the transactions and terminations of the deals on their side;
 * - a manager's team GP, deals and terminations come from the sides naming them as manager;
 * - a deal's market is its `market`, else the city and state of its property address;
 * - pay: none. Closings say what was earned, not what was paid; until the month's payouts are
 *   calculated its commission is unknown (`pay_known: false`), and analytics leave such months
 *   out of commission % and the commission forecast instead of reading them as zero pay.
 *
 * A month with both a payee-level import and closings is read as `mergeMonthRollups` says.
 */
import { Decimal } from 'decimal.js';
import type { AgentRollup, ManagerRollup, MarketRollup, MonthRollup } from '../analytics/rollups.js';
import { normaliseMarketName } from '../analytics/markets.js';
import { parseAmount, type Cents } from '../money.js';
import type { ClosingsMonth, SideRole } from './closing.js';
import { companyTotals, creditsOf } from './credits.js';

const US_STATE = /,\s*([^,]*?[^\s,])\s*,\s*([A-Za-z]{2})\.?(?:\s+\d{5}(?:-\d{4})?)?\s*(?:,\s*(?:USA?|United States))?\s*$/;

/**
 * "5118 Reno St, Philadelphia, PA 19139" → "Philadelphia, PA": the city and state of a US-style
 * address (street, city, state and ZIP), or null when the text has no such ending.
 */
export function marketFromAddress(property: string): string | null {
  const match = US_STATE.exec(property);
  if (!match) return null;
  const city = match[1]!.trim();
  // "123 Main St, PA 19139" has no city: the part before the state is a street.
  if (city === '' || /^\d/.test(city)) return null;
  return `${city}, ${match[2]!.toUpperCase()}`;
}

/** The closing's market as analytics place it (normalised), or null when it cannot be placed. */
export function closingMarket(closing: { market?: string | undefined; property?: string | undefined }): string | null {
  const given = closing.market ?? (closing.property ? marketFromAddress(closing.property) : null);
  if (given === null) return null;
  const name = normaliseMarketName(given);
  return name === '' ? null : name;
}

/** Rounds exact credited cents half-up to whole cents (credits are never negative-fractional by much, but be exact). */
function roundCents(value: Decimal): Cents {
  return value.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

function mostFrequent<T>(counts: Map<T, number>): T | null {
  let best: T | null = null;
  let bestCount = 0;
  // Ties go to the first seen: Map iteration is insertion order.
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

const bump = <T>(counts: Map<T, number>, key: T, by = 1) => counts.set(key, (counts.get(key) ?? 0) + by);

interface AgentTally {
  gpByRole: Map<SideRole, Decimal>;
  closed: number;
  terminated: number;
  managers: Map<string, number>;
  markets: Map<string, number>;
}

interface ManagerTally {
  gp: Decimal;
  closed: number;
  terminated: number;
  team: Set<string>;
}

export function rollupFromClosings(month: ClosingsMonth): MonthRollup {
  const totals = companyTotals(month.closings);
  const markets = month.closings.map(closingMarket);
  const agents = new Map<string, AgentTally>();
  const managers = new Map<string, ManagerTally>();

  for (const credit of creditsOf(month.closings)) {
    const closing = month.closings[credit.closing]!;
    if (credit.kind === 'agent') {
      let tally = agents.get(credit.person);
      if (!tally) {
        tally = { gpByRole: new Map(), closed: 0, terminated: 0, managers: new Map(), markets: new Map() };
        agents.set(credit.person, tally);
      }
      tally.gpByRole.set(credit.role, (tally.gpByRole.get(credit.role) ?? new Decimal(0)).add(credit.gpCents));
      tally.closed += credit.transactions;
      if (credit.terminated) tally.terminated += 1;
      const side = closing.sides.find((candidate) => candidate.role === credit.role && candidate.agent === credit.person);
      if (side?.manager) bump(tally.managers, side.manager);
      const market = markets[credit.closing];
      if (market) bump(tally.markets, market);
    } else {
      let tally = managers.get(credit.person);
      if (!tally) {
        tally = { gp: new Decimal(0), closed: 0, terminated: 0, team: new Set() };
        managers.set(credit.person, tally);
      }
      tally.gp = tally.gp.add(credit.gpCents);
      tally.closed += credit.transactions;
      if (credit.terminated) tally.terminated += 1;
      for (const side of closing.sides) {
        if (side.role === credit.role && side.manager === credit.person && side.agent) tally.team.add(side.agent);
      }
    }
  }

  const agentRollups: AgentRollup[] = [...agents].map(([name, tally]) => {
    const roles = [...tally.gpByRole.keys()].sort();
    const acq = tally.gpByRole.get('acq');
    const dispo = tally.gpByRole.get('dispo');
    // The type analytics show is the role that earned the agent more GP (acq on a tie).
    const type: SideRole = acq === undefined ? 'dispo' : dispo === undefined || acq.gte(dispo) ? 'acq' : 'dispo';
    return {
      name,
      type,
      roles,
      manager: mostFrequent(tally.managers),
      market: mostFrequent(tally.markets),
      gp: roundCents((acq ?? new Decimal(0)).add(dispo ?? 0)),
      commission: 0,
      closed: tally.closed,
      terminated: tally.terminated,
    };
  });

  const managerRollups: ManagerRollup[] = [...managers].map(([name, tally]) => ({
    name,
    commission: 0,
    team_gp: roundCents(tally.gp),
    team_closed: tally.closed,
    team_terminated: tally.terminated,
    team: [...tally.team].sort(),
  }));

  const marketTallies = new Map<string, MarketRollup>();
  month.closings.forEach((closing, index) => {
    const name = markets[index];
    if (!name) return;
    let tally = marketTallies.get(name);
    if (!tally) {
      tally = { name, closed: 0, terminated: 0, gp: 0 };
      marketTallies.set(name, tally);
    }
    if (closing.status === 'terminated') tally.terminated += 1;
    else {
      tally.closed += closing.transactions ?? 1;
      tally.gp += parseAmount(closing.gp)!;
    }
  });

  return {
    month: month.month,
    source: 'closings',
    pay_known: false,
    gp: totals.gpCents,
    commission: 0,
    agent_commission: 0,
    manager_commission: 0,
    closed: totals.transactions,
    terminated: totals.terminated,
    agents: agentRollups,
    managers: managerRollups,
    markets: [...marketTallies.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * A month with both a payee-level import and closings: the closings win for everything they know
 * (company GP, deal counts, terminations, each person's credited GP and deals, teams, markets),
 * and the payee import's commission stays the month's pay (per agent and manager by name, and
 * the month's totals) until payouts calculated from the closings replace it. A payee the import
 * paid who appears in no closing keeps their row, with the import's figures.
 */
export function mergeMonthRollups(payees: MonthRollup, closings: MonthRollup): MonthRollup {
  const agentPay = new Map(payees.agents.map((agent) => [agent.name, agent]));
  const managerPay = new Map(payees.managers.map((manager) => [manager.name, manager.commission]));
  const agents: AgentRollup[] = closings.agents.map((agent) => ({ ...agent, commission: agentPay.get(agent.name)?.commission ?? 0 }));
  const inClosings = new Set(closings.agents.map((agent) => agent.name));
  for (const agent of payees.agents) if (!inClosings.has(agent.name)) agents.push(agent);
  const managers: ManagerRollup[] = closings.managers.map((manager) => ({ ...manager, commission: managerPay.get(manager.name) ?? 0 }));
  const managersInClosings = new Set(closings.managers.map((manager) => manager.name));
  for (const manager of payees.managers) if (!managersInClosings.has(manager.name)) managers.push(manager);
  return {
    ...closings,
    source: 'both',
    pay_known: true,
    commission: payees.commission,
    agent_commission: payees.agent_commission,
    manager_commission: payees.manager_commission,
    agents,
    managers,
  };
}

/** An approved payout as analytics read it (src/db/analytics.ts): each statement's payee, total and roles. */
export interface ApprovedPay {
  /** The month's total, cents: the sum of the statements. */
  total: Cents;
  /** The payout's `by_role.manager`, cents: statements whose person is paid on a team's GP. */
  managerTotal: Cents;
  statements: Array<{ payee: string; total: Cents; roles: string[] }>;
}

/**
 * A closings month whose payouts are approved: the approved statements are the month's actual
 * commission (CONTRACT.md, "Payouts"), replacing any pay a payee-level import of the month gave.
 * A draft never counts. The month's `manager_commission` is the payout's `by_role.manager`, and
 * `agent_commission` the rest of its total. Each statement is placed on one row: a person who
 * manages a team this month and has the manager role on their statement on their manager row (a
 * team lead's personal and override pay are one statement), anyone else on their agent row; a
 * rep paid without closings (a sprint prize, a named plan) gets an agent row with no GP or deals;
 * a statement of someone with neither (a senior leader paid on company GP) counts in the month's
 * totals only. Everyone the statements do not name is paid 0.
 */
export function withApprovedPay(rollup: MonthRollup, pay: ApprovedPay): MonthRollup {
  const agents: AgentRollup[] = rollup.agents.map((agent) => ({ ...agent, commission: 0 }));
  const managers: ManagerRollup[] = rollup.managers.map((manager) => ({ ...manager, commission: 0 }));
  const agentByName = new Map(agents.map((agent) => [agent.name, agent]));
  const managerByName = new Map(managers.map((manager) => [manager.name, manager]));
  for (const statement of pay.statements) {
    const manager = statement.roles.includes('manager') ? managerByName.get(statement.payee) : undefined;
    if (manager) {
      manager.commission += statement.total;
      continue;
    }
    let agent = agentByName.get(statement.payee);
    const role = statement.roles.find((candidate): candidate is SideRole => candidate === 'acq' || candidate === 'dispo');
    if (!agent && role && !statement.roles.includes('manager')) {
      agent = { name: statement.payee, type: role, roles: [role], manager: null, market: null, gp: 0, commission: 0, closed: 0, terminated: 0 };
      agents.push(agent);
      agentByName.set(agent.name, agent);
    }
    if (agent) agent.commission += statement.total;
  }
  return {
    ...rollup,
    pay_known: true,
    commission: pay.total,
    agent_commission: pay.total - pay.managerTotal,
    manager_commission: pay.managerTotal,
    agents,
    managers,
  };
}
