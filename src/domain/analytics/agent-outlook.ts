/**
 * Per agent: next month's GP and commission forecast (the tenant forecast's machinery, forecast.ts)
 * and whether their GP is trending down (a Mann-Kendall test with Sen's slope, mann-kendall.ts).
 *
 * An agent's monthly series runs from their first month with data to the tenant's latest month up
 * to "now": a month the tenant imported without the agent is a month the agent earned 0 (they
 * closed nothing), a month the tenant did not import at all is interpolated, as for the tenant's
 * own forecast (rollups.ts `monthlyValues`). Commission uses only months whose pay is known.
 *
 * Both need {@link AGENT_OUTLOOK_MIN_MONTHS} months in which the agent has data; below that the
 * answer is no number and the reason.
 *
 * The trend ("who is trending down"):
 * - Seasonally adjusted GP: each month divided by the tenant's seasonal index for its month of
 *   the year (classical multiplicative decomposition of the tenant's GP, ratio to a centred 2×12
 *   moving average, over the whole history; needs 24 months and positive GP, otherwise the GP is
 *   used as it is and `seasonally_adjusted` says false). The tenant's index rather than the
 *   agent's own: one or two years of one agent are too few to tell their season from their noise,
 *   and an agent's December dip is the business's December dip.
 * - The last {@link TREND_WINDOW} months of it (or all, when fewer), tested with Mann-Kendall.
 * - Trending down when the two-sided p < {@link TREND_P} and Sen's slope < 0; up when p < 0.05
 *   and the slope > 0; otherwise no trend. The slope is also given as a percentage of the agent's
 *   mean adjusted monthly GP over the window, so a −$500/month slope reads differently for a
 *   $5,000 and a $50,000 agent. Monthly GP is somewhat autocorrelated, which makes the plain test
 *   a little too ready to find a trend; the list is a prompt to look, not a verdict.
 */
import { toAmount, type Cents } from '../money.js';
import { runSteps, type Steps } from '../steps.js';
import { classicalSeasonalIndices, SEASON_LENGTH } from './ets.js';
import { fitOf, forecastSeries, type ForecastFit } from './forecast.js';
import { mannKendall } from './mann-kendall.js';
import { addMonths, monthFromIndex, monthIndex } from './months.js';
import { payKnown, type AgentRollup, type MonthRollup } from './rollups.js';

export const AGENT_OUTLOOK_MIN_MONTHS = 12;
/** Months of adjusted GP the trend test looks at: the last two years. */
export const TREND_WINDOW = 24;
/** Two-sided significance level of the trend test. */
export const TREND_P = 0.05;

export interface AgentForecastFigure extends ForecastFit {
  /** The month forecast (YYYY-MM). */
  month: string;
  value: number;
  interval_80: { low: number; high: number };
}

export interface AgentForecast {
  /** Months (up to now) in which the agent has data. */
  months_with_data: number;
  gp: AgentForecastFigure | null;
  commission: AgentForecastFigure | null;
  /** Why there is no number, when there is none. */
  reason: string | null;
}

export interface AgentTrend {
  direction: 'down' | 'up' | 'none' | 'unknown';
  /** Months tested. */
  months: number;
  seasonally_adjusted: boolean;
  /** Mann-Kendall S, Var(S), Z and the two-sided p (four decimals); null when there is no test. */
  s: number | null;
  variance: number | null;
  z: number | null;
  p_value: number | null;
  /** Sen's slope of the adjusted GP, currency amount per month. */
  sens_slope: number | null;
  /** The slope over the mean adjusted monthly GP of the window, percent per month (one decimal). */
  slope_pct: number | null;
  reason: string | null;
}

/** The tenant's months up to now, each with its agents by name, built once for every agent. */
export interface OutlookBasis {
  months: string[];
  /** Per month: the tenant imported it (else it is interpolated). */
  known: boolean[];
  /** Per month: its pay is known (commission can be read). */
  paid: boolean[];
  agents: Array<Map<string, AgentRollup>>;
  /** The tenant's multiplicative seasonal index per month of `months`, or null without 24 months of positive GP. */
  seasonal: Float64Array | null;
}

export function outlookBasis(rollups: readonly MonthRollup[], now: string): OutlookBasis {
  const known = new Map(rollups.filter((rollup) => rollup.month <= now).map((rollup) => [rollup.month, rollup]));
  const sorted = [...known.keys()].sort();
  const months: string[] = [];
  if (sorted.length > 0) for (let index = monthIndex(sorted[0]!); index <= monthIndex(sorted[sorted.length - 1]!); index += 1) months.push(monthFromIndex(index));
  const rows = months.map((month) => known.get(month));
  const gp = interpolate(rows.map((rollup) => (rollup ? rollup.gp : Number.NaN)));
  const seasonal =
    months.length >= 2 * SEASON_LENGTH && gp.every((value) => value > 0)
      ? (() => {
          const indices = classicalSeasonalIndices(gp, SEASON_LENGTH, gp.length, true);
          return Float64Array.from(months, (_, t) => indices[t % SEASON_LENGTH]!);
        })()
      : null;
  return {
    months,
    known: rows.map((rollup) => rollup !== undefined),
    paid: rows.map((rollup) => rollup !== undefined && payKnown(rollup)),
    agents: rows.map((rollup) => new Map((rollup?.agents ?? []).map((agent) => [agent.name, agent]))),
    seasonal,
  };
}

/** NaN gaps filled on the line between their known neighbours (the ends are always known here). */
function interpolate(values: number[]): number[] {
  let previous = -1;
  for (let i = 0; i < values.length; i += 1) {
    if (Number.isNaN(values[i])) continue;
    for (let gap = previous + 1; gap < i; gap += 1) {
      const from = previous < 0 ? values[i]! : values[previous]!;
      values[gap] = from + ((values[i]! - from) * (gap - previous)) / (i - previous);
    }
    previous = i;
  }
  return values;
}

interface AgentValues {
  /** Index in the basis of the first value. */
  start: number;
  values: number[];
  monthsWithData: number;
}

/** The agent's monthly figure over the basis months that `usable` admits, from their first month with data. */
function agentValues(basis: OutlookBasis, name: string, pick: (agent: AgentRollup) => Cents, usable: readonly boolean[]): AgentValues | null {
  let start = -1;
  let end = -1;
  let monthsWithData = 0;
  for (let i = 0; i < basis.months.length; i += 1) {
    if (!usable[i]) continue;
    end = i;
    if (basis.agents[i]!.has(name)) {
      monthsWithData += 1;
      if (start < 0) start = i;
    }
  }
  if (start < 0) return null;
  const values: number[] = [];
  for (let i = start; i <= end; i += 1) {
    const agent = basis.agents[i]!.get(name);
    values.push(!usable[i] ? Number.NaN : agent ? pick(agent) : 0);
  }
  return { start, values: interpolate(values), monthsWithData };
}

function figure(values: readonly number[], lastMonth: string): AgentForecastFigure | null {
  const forecast = forecastSeries(values);
  if (!forecast) return null;
  return {
    month: addMonths(lastMonth, 1),
    value: toAmount(forecast.value),
    interval_80: { low: toAmount(forecast.interval_80.low), high: toAmount(forecast.interval_80.high) },
    ...fitOf(forecast),
  };
}

const tooShort = (months: number) =>
  `${months} month${months === 1 ? '' : 's'} with data; a forecast and a trend need ${AGENT_OUTLOOK_MIN_MONTHS}`;

/** Next month's GP and commission for one agent, or no number and why. */
export function agentForecast(basis: OutlookBasis, name: string): AgentForecast {
  const gp = agentValues(basis, name, (agent) => agent.gp, basis.known);
  const monthsWithData = gp?.monthsWithData ?? 0;
  if (!gp || monthsWithData < AGENT_OUTLOOK_MIN_MONTHS) return { months_with_data: monthsWithData, gp: null, commission: null, reason: tooShort(monthsWithData) };
  const commission = agentValues(basis, name, (agent) => agent.commission, basis.paid);
  const paidEnough = commission !== null && commission.monthsWithData >= AGENT_OUTLOOK_MIN_MONTHS;
  return {
    months_with_data: monthsWithData,
    gp: figure(gp.values, basis.months[gp.start + gp.values.length - 1]!),
    commission: paidEnough ? figure(commission.values, basis.months[commission.start + commission.values.length - 1]!) : null,
    reason: paidEnough ? null : `pay is known for ${commission?.monthsWithData ?? 0} of the agent's months; a commission forecast needs ${AGENT_OUTLOOK_MIN_MONTHS}`,
  };
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** Whether the agent's seasonally adjusted GP is trending down (see the module comment). */
export function agentTrend(basis: OutlookBasis, name: string): AgentTrend {
  const gp = agentValues(basis, name, (agent) => agent.gp, basis.known);
  const monthsWithData = gp?.monthsWithData ?? 0;
  const none = (reason: string): AgentTrend => ({
    direction: 'unknown',
    months: 0,
    seasonally_adjusted: false,
    s: null,
    variance: null,
    z: null,
    p_value: null,
    sens_slope: null,
    slope_pct: null,
    reason,
  });
  if (!gp || monthsWithData < AGENT_OUTLOOK_MIN_MONTHS) return none(tooShort(monthsWithData));
  const seasonal = basis.seasonal;
  const adjusted = gp.values.map((value, i) => (seasonal ? value / seasonal[gp.start + i]! : value));
  const window = adjusted.slice(-TREND_WINDOW);
  const test = mannKendall(window);
  if (!test) return none(tooShort(monthsWithData));
  const mean = window.reduce((sum, value) => sum + value, 0) / window.length;
  const significant = test.p_value < TREND_P;
  return {
    direction: significant && test.slope < 0 ? 'down' : significant && test.slope > 0 ? 'up' : 'none',
    months: window.length,
    seasonally_adjusted: seasonal !== null,
    s: test.s,
    variance: round(test.variance, 3),
    z: round(test.z, 4),
    p_value: round(test.p_value, 4),
    sens_slope: toAmount(Math.round(test.slope)),
    slope_pct: mean > 0 ? round((100 * test.slope) / mean, 1) : null,
    reason: seasonal ? null : 'under two years of positive tenant GP: the trend is on unadjusted GP',
  };
}

export interface TrendingDownAgent {
  name: string;
  months: number;
  sens_slope: number;
  slope_pct: number | null;
  p_value: number;
  /** Next month's GP forecast for the agent, when there is one. */
  gp_forecast: { month: string; value: number; low: number; high: number } | null;
}

/** Every agent with data up to now whose adjusted GP trends down, steepest (relative) decline first. */
export function trendingDown(rollups: readonly MonthRollup[], now: string): TrendingDownAgent[] {
  return runSteps(trendingDownSteps(rollups, now));
}

/** {@link trendingDown} in steps, one per agent. */
export function* trendingDownSteps(rollups: readonly MonthRollup[], now: string): Steps<TrendingDownAgent[]> {
  const basis = outlookBasis(rollups, now);
  const names = new Set(basis.agents.flatMap((agents) => [...agents.keys()]));
  const out: TrendingDownAgent[] = [];
  for (const name of names) {
    yield;
    const trend = agentTrend(basis, name);
    if (trend.direction !== 'down') continue;
    const gp = agentForecast(basis, name).gp;
    out.push({
      name,
      months: trend.months,
      sens_slope: trend.sens_slope!,
      slope_pct: trend.slope_pct,
      p_value: trend.p_value!,
      gp_forecast: gp && { month: gp.month, value: gp.value, low: gp.interval_80.low, high: gp.interval_80.high },
    });
  }
  return out.sort((a, b) => (a.slope_pct ?? 0) - (b.slope_pct ?? 0) || a.sens_slope - b.sens_slope || a.name.localeCompare(b.name));
}

/** The method in a sentence, for the view that lists the agents. */
export const TREND_METHOD =
  `Mann-Kendall test with Sen's slope on each agent's monthly GP, seasonally adjusted by the tenant's seasonal indices, over the last ${TREND_WINDOW} months; ` +
  `trending down when p < ${TREND_P} and the slope is negative; agents with ${AGENT_OUTLOOK_MIN_MONTHS}+ months of data.`;
