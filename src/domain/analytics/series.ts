/**
 * Series for the dashboard: per agent, per team, per market, and history plus forecast for the
 * Predictive view. Views, so amounts are currency numbers (two decimals at most) converted exactly
 * from cents; every ratio comes from figures.ts and means what it means in the summary.
 */
import type { AgentType } from '../imports/format.js';
import { toAmount, type Cents } from '../money.js';
import { runSteps, type Steps } from '../steps.js';
import { commissionPct, shrunkTerminationRate, terminationRate } from './figures.js';
import { agentForecast, agentTrend, outlookBasis, trendingDownSteps, TREND_METHOD, type AgentForecast, type AgentTrend, type TrendingDownAgent } from './agent-outlook.js';
import { fitOf, forecastSeries, type ForecastFit, type Forecaster } from './forecast.js';
import { coordinatesFor, type Coordinates } from './markets.js';
import { addMonths, inRange, type MonthRange } from './months.js';
import { agentTotalsIn, monthlyValues, type MonthRollup } from './rollups.js';

/**
 * Prior weight of the tenant termination rate in a market's risk, in contracts. 20 is about a busy
 * market's month: a market with 5 contracts shows mostly the tenant rate, one with 200 mostly its
 * own. A fixed k rather than one fitted to the spread between markets, because tenants have a dozen
 * or two markets, too few for that spread to be estimated without wild swings.
 */
export const MARKET_SHRINKAGE_K = 20;
/** Months the Predictive view looks ahead. */
export const PREDICTIVE_HORIZON = 3;

export interface SeriesPoint {
  month: string;
  gp: number;
  commission: number;
  closed: number;
  terminated: number;
  termination_rate: number | null;
  commission_pct: number | null;
}

interface Tally {
  gp: Cents;
  commission: Cents;
  closed: number;
  terminated: number;
}

function emptyTally(): Tally {
  return { gp: 0, commission: 0, closed: 0, terminated: 0 };
}

function addTo(tally: Tally, part: Tally): void {
  tally.gp += part.gp;
  tally.commission += part.commission;
  tally.closed += part.closed;
  tally.terminated += part.terminated;
}

function view(tally: Tally): Omit<SeriesPoint, 'month'> {
  return {
    gp: toAmount(tally.gp),
    commission: toAmount(tally.commission),
    closed: tally.closed,
    terminated: tally.terminated,
    termination_rate: terminationRate(tally.terminated, tally.closed),
    commission_pct: commissionPct(tally.commission, tally.gp),
  };
}

export interface AgentSeries {
  name: string;
  type: AgentType;
  manager: string | null;
  market: string | null;
  totals: Omit<SeriesPoint, 'month'>;
  /** Months of the range in which the agent appears, oldest first. */
  points: SeriesPoint[];
  /** Next month's GP and commission, from every month up to now (agent-outlook.ts). */
  forecast: AgentForecast;
  /** Whether the agent's seasonally adjusted GP is trending down, up, or neither. */
  trend: AgentTrend;
}

function inRangeSorted(rollups: readonly MonthRollup[], range: MonthRange): MonthRollup[] {
  return rollups.filter((rollup) => inRange(rollup.month, range)).sort((a, b) => (a.month < b.month ? -1 : 1));
}

/**
 * Monthly GP, deals, commission, termination rate and commission % of GP for every agent of the
 * range, with each one's forecast and trend from all months up to `now` (the range's end if not given).
 */
export function agentSeries(rollups: readonly MonthRollup[], range: MonthRange & { now?: string }): AgentSeries[] {
  return runSteps(agentSeriesSteps(rollups, range));
}

/** {@link agentSeries} in steps, one per agent (two forecasts each: the costly part). */
export function* agentSeriesSteps(rollups: readonly MonthRollup[], range: MonthRange & { now?: string }): Steps<AgentSeries[]> {
  const basis = outlookBasis(rollups, range.now ?? range.to);
  const points = new Map<string, SeriesPoint[]>();
  for (const rollup of inRangeSorted(rollups, range)) {
    for (const agent of rollup.agents) {
      const list = points.get(agent.name) ?? [];
      list.push({ month: rollup.month, ...view(agent) });
      points.set(agent.name, list);
    }
  }
  const out: AgentSeries[] = [];
  for (const agent of agentTotalsIn(rollups, range)) {
    out.push({
      name: agent.name,
      type: agent.type,
      manager: agent.manager,
      market: agent.market,
      totals: view(agent),
      points: points.get(agent.name) ?? [],
      forecast: agentForecast(basis, agent.name),
      trend: agentTrend(basis, agent.name),
    });
    yield;
  }
  return out;
}

export interface TeamSeries {
  /** The manager; null gathers agents with no manager. */
  manager: string | null;
  /** Everyone who was on the team at some point in the range. */
  agents: string[];
  totals: Omit<SeriesPoint, 'month'>;
  points: SeriesPoint[];
}

/**
 * The same figures per team. A team's commission is its agents' plus its manager's override, since
 * both are what the team costs; its GP is its agents' GP (in a closings month, the GP of the
 * deals whose sides name the manager).
 */
export function teamSeries(rollups: readonly MonthRollup[], range: MonthRange): TeamSeries[] {
  const teams = new Map<string | null, { agents: Set<string>; totals: Tally; points: SeriesPoint[] }>();
  const team = (manager: string | null) => {
    let entry = teams.get(manager);
    if (!entry) {
      entry = { agents: new Set(), totals: emptyTally(), points: [] };
      teams.set(manager, entry);
    }
    return entry;
  };
  for (const rollup of inRangeSorted(rollups, range)) {
    const month = new Map<string | null, Tally>();
    const tallyOf = (manager: string | null) => {
      let tally = month.get(manager);
      if (!tally) {
        tally = emptyTally();
        month.set(manager, tally);
      }
      return tally;
    };
    if (rollup.source === 'closings' || rollup.source === 'both') {
      // Closings name a manager per side: the team is the sides they manage, its GP each such deal
      // once (not the agents' credited GP, which a split or a house side would make smaller).
      for (const manager of rollup.managers) {
        addTo(tallyOf(manager.name), {
          gp: manager.team_gp ?? 0,
          commission: manager.commission,
          closed: manager.team_closed ?? 0,
          terminated: manager.team_terminated ?? 0,
        });
        for (const name of manager.team ?? []) team(manager.name).agents.add(name);
      }
      for (const agent of rollup.agents) if (agent.manager !== null) tallyOf(agent.manager).commission += agent.commission;
    } else {
      for (const agent of rollup.agents) {
        addTo(tallyOf(agent.manager), agent);
        team(agent.manager).agents.add(agent.name);
      }
      for (const manager of rollup.managers) tallyOf(manager.name).commission += manager.commission;
    }
    for (const [manager, tally] of month) {
      const entry = team(manager);
      addTo(entry.totals, tally);
      entry.points.push({ month: rollup.month, ...view(tally) });
    }
  }
  return [...teams]
    .map(([manager, entry]) => ({ manager, agents: [...entry.agents].sort(), totals: view(entry.totals), points: entry.points }))
    .sort((a, b) => (a.manager === null ? 1 : b.manager === null ? -1 : a.manager.localeCompare(b.manager)));
}

export interface AgentTerminations {
  name: string;
  closed: number;
  terminated: number;
  termination_rate: number | null;
}

/** Terminations by agent over the range, most terminations first. */
export function terminationsByAgent(rollups: readonly MonthRollup[], range: MonthRange): AgentTerminations[] {
  return agentTotalsIn(rollups, range)
    .map((agent) => ({
      name: agent.name,
      closed: agent.closed,
      terminated: agent.terminated,
      termination_rate: terminationRate(agent.terminated, agent.closed),
    }))
    .sort((a, b) => b.terminated - a.terminated || a.name.localeCompare(b.name));
}

export interface MarketSeries {
  name: string;
  /** Import-given coordinates, else the shipped table's, else null (listed but not drawn). */
  coordinates: Coordinates | null;
  closed: number;
  terminated: number;
  /** Deal volume: closed plus terminated contracts. */
  contracts: number;
  gp: number;
  /** The market's own rate. */
  termination_rate: number | null;
  /** The rate shrunk toward the tenant's with {@link MARKET_SHRINKAGE_K}: what to rank and colour by. */
  termination_risk: number | null;
  points: Array<{ month: string; closed: number; terminated: number; gp: number }>;
}

export interface MarketOptions {
  /** Prior weight in contracts; a non-negative integer. */
  k?: number;
  /** Coordinates given at import, by normalised market name. */
  coordinates?: ReadonlyMap<string, Coordinates>;
}

/** Per market deal volume, GP and termination risk, biggest market first. */
export function marketSeries(rollups: readonly MonthRollup[], range: MonthRange, options: MarketOptions = {}): MarketSeries[] {
  const k = options.k ?? MARKET_SHRINKAGE_K;
  const markets = new Map<string, { totals: Tally; points: MarketSeries['points'] }>();
  const tenant = emptyTally();
  for (const rollup of inRangeSorted(rollups, range)) {
    for (const market of rollup.markets) {
      let entry = markets.get(market.name);
      if (!entry) {
        entry = { totals: emptyTally(), points: [] };
        markets.set(market.name, entry);
      }
      const part = { gp: market.gp, commission: 0, closed: market.closed, terminated: market.terminated };
      addTo(entry.totals, part);
      addTo(tenant, part);
      entry.points.push({ month: rollup.month, closed: market.closed, terminated: market.terminated, gp: toAmount(market.gp) });
    }
  }
  const tenantContracts = tenant.closed + tenant.terminated;
  return [...markets]
    .map(([name, { totals, points }]) => {
      const contracts = totals.closed + totals.terminated;
      return {
        name,
        coordinates: coordinatesFor(name, options.coordinates?.get(name)),
        closed: totals.closed,
        terminated: totals.terminated,
        contracts,
        gp: toAmount(totals.gp),
        termination_rate: terminationRate(totals.terminated, totals.closed),
        termination_risk: shrunkTerminationRate(totals.terminated, contracts, tenant.terminated, tenantContracts, k),
        points,
      };
    })
    .sort((a, b) => b.contracts - a.contracts || a.name.localeCompare(b.name));
}

export interface PredictivePath extends ForecastFit {
  points: Array<{ month: string; value: number; low: number; high: number }>;
}

export interface PredictiveSeries {
  history: Array<{ month: string; gp: number; commission: number; interpolated: boolean }>;
  forecast: { commission: PredictivePath | null; gp: PredictivePath | null };
  /** Agents whose seasonally adjusted GP trends down, steepest first. */
  trending_down: TrendingDownAgent[];
  /** How the list is made, in a sentence. */
  trend_method: string;
}

function path(values: readonly number[], lastMonth: string | undefined, horizon: number, forecaster: Forecaster): PredictivePath | null {
  const forecast = forecaster(values, horizon);
  if (!forecast || lastMonth === undefined) return null;
  return {
    ...fitOf(forecast),
    points: forecast.path.map((point) => ({
      month: addMonths(lastMonth, point.step),
      value: toAmount(point.value),
      low: toAmount(point.interval_80.low),
      high: toAmount(point.interval_80.high),
    })),
  };
}

/** Monthly GP and commission up to `now`, and each forecast `horizon` months beyond the last month with data. */
export function predictiveSeries(rollups: readonly MonthRollup[], now: string, horizon = PREDICTIVE_HORIZON): PredictiveSeries {
  return runSteps(predictiveSeriesSteps(rollups, now, horizon));
}

/** {@link predictiveSeries} in steps: the trending-down list's, one per agent. `forecaster` makes the two forecasts (see {@link Forecaster}). */
export function* predictiveSeriesSteps(
  rollups: readonly MonthRollup[],
  now: string,
  horizon = PREDICTIVE_HORIZON,
  forecaster: Forecaster = forecastSeries,
): Steps<PredictiveSeries> {
  const commission = monthlyValues(rollups, now, (rollup) => rollup.commission);
  const gp = monthlyValues(rollups, now, (rollup) => rollup.gp);
  const known = new Set(rollups.map((rollup) => rollup.month));
  const lastMonth = commission.months[commission.months.length - 1];
  return {
    history: commission.months.map((month, index) => ({
      month,
      // Interpolated months are estimates; rounding them to cents keeps the view in amounts.
      gp: toAmount(Math.round(gp.values[index] ?? 0)),
      commission: toAmount(Math.round(commission.values[index] ?? 0)),
      interpolated: !known.has(month),
    })),
    forecast: {
      commission: path(commission.values, lastMonth, horizon, forecaster),
      gp: path(gp.values, lastMonth, horizon, forecaster),
    },
    trending_down: yield* trendingDownSteps(rollups, now),
    trend_method: TREND_METHOD,
  };
}
