/**
 * What a plan measures for one payee in one month, read from the history: own GP (credited after a
 * split), deals, terminations, the team's GP/deals/commission, and the closed deals themselves.
 * Teams: an agent belongs to the manager its row names (or, failing that, the first manager whose
 * `team` lists it); a manager's GP measure is its team's GP (the import's `managers[].gp` when
 * given, the members' GP otherwise), as the import format means it.
 */
import type { AgentMonth, DealRecord, History, HistoryMonth, ManagerMonth } from '../history.js';
import type { PayeeType } from './definition.js';
import { MICRO } from './units.js';
import { roundHalfUpDiv } from '../money.js';

export interface PayeeRef {
  name: string;
  type: PayeeType;
}

/** Agents and managers are separate namespaces: a manager may share a name with an agent. */
export function payeeKey(payee: PayeeRef): string {
  return `${payee.type === 'manager' ? 'manager' : 'agent'}:${payee.name}`;
}

export interface DealCredit {
  id: string;
  date: string;
  /** The deal record's own GP, cents. */
  gp: bigint;
  /** The GP credited to the payee after a split, cents. */
  credited: bigint;
}

/** Measures over a window (one month, or a period to date), all in cents or counts. */
export interface Facts {
  gp: bigint;
  deals: bigint;
  terminations: bigint;
  teamGp: bigint;
  teamDeals: bigint;
  teamCommission: bigint;
  /** Closed deals with their credited GP (for basis deal and clawbacks). */
  dealList: DealCredit[];
  /** False when some month of the window was imported without deal-level data for this payee. */
  hasDealData: boolean;
  /** Commission actually paid (history), cents. */
  actual: bigint;
}

export const NO_FACTS: Facts = {
  gp: 0n,
  deals: 0n,
  terminations: 0n,
  teamGp: 0n,
  teamDeals: 0n,
  teamCommission: 0n,
  dealList: [],
  hasDealData: true,
  actual: 0n,
};

/** The sum of several windows' facts; deal lists joined in order, each copied once. */
export function sumAllFacts(parts: readonly Facts[]): Facts {
  if (parts.length === 0) return NO_FACTS;
  if (parts.length === 1) return parts[0]!;
  let gp = 0n;
  let deals = 0n;
  let terminations = 0n;
  let teamGp = 0n;
  let teamDeals = 0n;
  let teamCommission = 0n;
  let actual = 0n;
  let hasDealData = true;
  const dealList: DealCredit[] = [];
  for (const part of parts) {
    gp += part.gp;
    deals += part.deals;
    terminations += part.terminations;
    teamGp += part.teamGp;
    teamDeals += part.teamDeals;
    teamCommission += part.teamCommission;
    actual += part.actual;
    hasDealData &&= part.hasDealData;
    for (const deal of part.dealList) dealList.push(deal);
  }
  return { gp, deals, terminations, teamGp, teamDeals, teamCommission, dealList, hasDealData, actual };
}

/** Micro-shares of a deal's GP per side (see SplitComponent). */
export interface Shares {
  acq: bigint;
  dispo: bigint;
}

export interface MonthIndex {
  month: string;
  raw: HistoryMonth;
  agents: Map<string, AgentMonth>;
  managers: Map<string, ManagerMonth>;
  /** Agent name → its manager this month (or null). */
  managerOf: Map<string, string | null>;
  /** Manager name → agent names. */
  teams: Map<string, string[]>;
  closedByAgent: Map<string, DealRecord[]>;
  /** Deal id + side → number of closed records (co-agents share a side's part). */
  sideCounts: Map<string, number>;
  /** Deal ids first terminated this month after closing in an earlier month. */
  clawbacks: { id: string; closedIn: string; record: DealRecord }[];
  /** Team sums by manager name, filled as read. */
  teamTotals: Map<string, TeamTotals>;
}

/**
 * The history indexed for repeated measurement. Build once per calculation; it reads the history
 * and never changes it. A history streamed month by month (plan-worker.ts) is added in calendar
 * order, and the months a calculation no longer reads are forgotten, so it holds a few months
 * rather than years of deals.
 */
export class HistoryIndex {
  private readonly monthList: string[] = [];
  private readonly byMonth = new Map<string, MonthIndex>();
  /** Each deal's latest closing, to find clawbacks; null when no calculation over the index reads them. */
  private readonly lastClosing: Map<string, { month: string; record: DealRecord }> | null;
  private readonly reversed = new Set<string>();

  /** `clawbacks: false` (no plan over the index claws back): closings are not remembered and the months' clawbacks stay empty. */
  constructor(history: History = [], options: { clawbacks?: boolean } = {}) {
    this.lastClosing = options.clawbacks === false ? null : new Map();
    const sorted = [...history].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
    for (const raw of sorted) this.add(raw);
  }

  /** The months indexed (and not forgotten), in calendar order. */
  get months(): readonly string[] {
    return this.monthList;
  }

  /** Indexes the month after the last one indexed. */
  add(raw: HistoryMonth): void {
    const last = this.monthList[this.monthList.length - 1];
    if (last !== undefined && raw.month <= last) throw new RangeError(`History month ${raw.month} comes after ${last}: months are added once each, in calendar order`);
    const index = indexMonth(raw);
    const lastClosing = this.lastClosing;
    if (lastClosing) {
      // A deal is clawed back once: in the first month it shows as terminated after closing.
      for (const deal of raw.deals) {
        if (deal.status !== 'terminated' || this.reversed.has(deal.id)) continue;
        const closing = lastClosing.get(deal.id);
        if (closing && closing.month < raw.month) {
          this.reversed.add(deal.id);
          index.clawbacks.push({ id: deal.id, closedIn: closing.month, record: closing.record });
        }
      }
      for (const deal of raw.deals) {
        if (deal.status === 'closed') lastClosing.set(deal.id, { month: raw.month, record: deal });
      }
    }
    this.monthList.push(raw.month);
    this.byMonth.set(raw.month, index);
  }

  /**
   * Forgets the months before `month`. A clawback of a deal closed in a forgotten month is still
   * found but cannot be recalculated, so a calculator with a clawback plan forgets nothing (readsFrom).
   */
  forget(month: string): void {
    let count = 0;
    while (count < this.monthList.length && this.monthList[count]! < month) {
      this.byMonth.delete(this.monthList[count]!);
      count += 1;
    }
    if (count > 0) this.monthList.splice(0, count);
  }

  month(month: string): MonthIndex | undefined {
    return this.byMonth.get(month);
  }

  /** Payees present in a month: agents, then managers, in import order. */
  payees(month: string): PayeeRef[] {
    const index = this.byMonth.get(month);
    if (!index) return [];
    return [
      ...[...index.agents.values()].map((agent) => ({ name: agent.name, type: agent.type })),
      ...[...index.managers.keys()].map((name) => ({ name, type: 'manager' as const })),
    ];
  }

  /** The payee's type in a month (an agent may change side), or null when absent. */
  presence(month: string, payee: PayeeRef): PayeeRef | null {
    const index = this.byMonth.get(month);
    if (!index) return null;
    if (payee.type === 'manager') return index.managers.has(payee.name) ? payee : null;
    const agent = index.agents.get(payee.name);
    return agent ? { name: agent.name, type: agent.type } : null;
  }

  /** One payee's measures in one month, GP credited under `shares` when the plan splits deals. */
  facts(month: string, payee: PayeeRef, shares: Shares | null): Facts | null {
    const index = this.byMonth.get(month);
    if (!index) return null;
    return payee.type === 'manager' ? managerFacts(index, payee.name) : agentFacts(index, payee.name, shares);
  }
}

function indexMonth(raw: HistoryMonth): MonthIndex {
  const agents = new Map<string, AgentMonth>();
  for (const agent of raw.agents) if (!agents.has(agent.name)) agents.set(agent.name, agent);
  const managers = new Map<string, ManagerMonth>();
  for (const manager of raw.managers) if (!managers.has(manager.name)) managers.set(manager.name, manager);
  const managerOf = new Map<string, string | null>();
  const teams = new Map<string, string[]>();
  for (const manager of managers.keys()) teams.set(manager, []);
  for (const agent of agents.values()) {
    let manager = agent.manager;
    if (manager === null) {
      manager = raw.managers.find((candidate) => candidate.team.includes(agent.name))?.name ?? null;
    }
    managerOf.set(agent.name, manager);
    if (manager !== null) {
      const team = teams.get(manager) ?? [];
      team.push(agent.name);
      teams.set(manager, team);
    }
  }
  const closedByAgent = new Map<string, DealRecord[]>();
  const sideCounts = new Map<string, number>();
  for (const deal of raw.deals) {
    if (deal.status !== 'closed') continue;
    const list = closedByAgent.get(deal.agent) ?? [];
    list.push(deal);
    closedByAgent.set(deal.agent, list);
    const side = `${deal.id}\u0000${deal.type}`;
    sideCounts.set(side, (sideCounts.get(side) ?? 0) + 1);
  }
  return { month: raw.month, raw, agents, managers, managerOf, teams, closedByAgent, sideCounts, clawbacks: [], teamTotals: new Map() };
}

/**
 * The GP a split credits for one deal record: the side's share, divided among co-agents on that
 * side, rounded half-up to the cent (a measure, not a payment, so it may be rounded per deal).
 */
function creditedGp(index: MonthIndex, deal: DealRecord, shares: Shares | null): bigint {
  const gp = BigInt(deal.gp);
  if (!shares) return gp;
  const share = deal.type === 'acq' ? shares.acq : shares.dispo;
  const coAgents = BigInt(index.sideCounts.get(`${deal.id}\u0000${deal.type}`) ?? 1);
  return roundHalfUpDiv(gp * share, MICRO * coAgents);
}

interface TeamTotals {
  gp: bigint;
  deals: bigint;
  terminations: bigint;
  commission: bigint;
  hasDealData: boolean;
}

/**
 * A team's monthly sums, computed once per manager and month (`manager` null: an agent without a
 * team, its own sums): every member's facts carry them, so summing the team again for each member
 * was quadratic in the team's size.
 */
function teamTotals(index: MonthIndex, manager: string | null, members: readonly string[]): TeamTotals {
  const known = manager === null ? undefined : index.teamTotals.get(manager);
  if (known) return known;
  const totals: TeamTotals = { gp: 0n, deals: 0n, terminations: 0n, commission: 0n, hasDealData: true };
  for (const name of members) {
    const agent = index.agents.get(name);
    if (!agent) continue;
    totals.gp += BigInt(agent.gp);
    totals.deals += BigInt(agent.deals);
    totals.terminations += BigInt(agent.terminations ?? 0);
    totals.commission += BigInt(agent.commission);
    if (agent.deals > 0 && (index.closedByAgent.get(name)?.length ?? 0) === 0) totals.hasDealData = false;
  }
  if (manager !== null) index.teamTotals.set(manager, totals);
  return totals;
}

/** The closed deals of a team's members, each credited whole. */
function teamDeals(index: MonthIndex, members: readonly string[]): DealCredit[] {
  const dealList: DealCredit[] = [];
  for (const name of members) {
    if (!index.agents.has(name)) continue;
    for (const deal of index.closedByAgent.get(name) ?? []) dealList.push({ id: deal.id, date: deal.date, gp: BigInt(deal.gp), credited: BigInt(deal.gp) });
  }
  return dealList;
}

function agentFacts(index: MonthIndex, name: string, shares: Shares | null): Facts | null {
  const agent = index.agents.get(name);
  if (!agent) return null;
  const closed = index.closedByAgent.get(name) ?? [];
  const dealList = closed.map((deal) => ({
    id: deal.id,
    date: deal.date,
    gp: BigInt(deal.gp),
    credited: creditedGp(index, deal, shares),
  }));
  let gp = BigInt(agent.gp);
  if (shares) {
    if (closed.length > 0) {
      // The row's GP is authoritative; the split only takes away each deal's uncredited part.
      for (const deal of dealList) gp -= deal.gp - deal.credited;
    } else {
      gp = roundHalfUpDiv(gp * (agent.type === 'acq' ? shares.acq : shares.dispo), MICRO);
    }
  }
  const manager = index.managerOf.get(name) ?? null;
  const team = manager === null ? null : (index.teams.get(manager) ?? null);
  const totals = team === null ? teamTotals(index, null, [name]) : teamTotals(index, manager, team);
  return {
    gp,
    deals: BigInt(agent.deals),
    terminations: BigInt(agent.terminations ?? 0),
    teamGp: totals.gp,
    teamDeals: totals.deals,
    teamCommission: totals.commission,
    dealList,
    hasDealData: closed.length > 0 || agent.deals === 0,
    actual: BigInt(agent.commission),
  };
}

function managerFacts(index: MonthIndex, name: string): Facts | null {
  const manager = index.managers.get(name);
  if (!manager) return null;
  const members = index.teams.get(name) ?? [];
  const totals = teamTotals(index, name, members);
  const teamGp = manager.gp === null ? totals.gp : BigInt(manager.gp);
  return {
    gp: teamGp,
    deals: totals.deals,
    terminations: totals.terminations,
    teamGp,
    teamDeals: totals.deals,
    teamCommission: totals.commission,
    dealList: teamDeals(index, members),
    hasDealData: totals.hasDealData,
    actual: BigInt(manager.commission),
  };
}

/** The facts without one closed deal: what the closing month would have measured had it never closed. */
export function withoutDeal(facts: Facts, dealId: string): Facts {
  const deal = facts.dealList.find((candidate) => candidate.id === dealId);
  if (!deal) return facts;
  return {
    ...facts,
    gp: facts.gp - deal.credited,
    deals: facts.deals > 0n ? facts.deals - 1n : 0n,
    teamGp: facts.teamGp - deal.gp,
    teamDeals: facts.teamDeals > 0n ? facts.teamDeals - 1n : 0n,
    dealList: facts.dealList.filter((candidate) => candidate !== deal),
  };
}

/** "2025-Q3" / "2025" / the month: the window a basis accumulates over. */
export function periodOf(month: string, basis: 'quarter' | 'year' | 'month'): string {
  const year = month.slice(0, 4);
  if (basis === 'year') return year;
  if (basis === 'quarter') return `${year}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
  return month;
}
