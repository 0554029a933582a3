import type pg from 'pg';
import { loadMarketCoordinates, loadRollups } from '../../db/analytics.js';
import type { Coordinates } from '../../domain/analytics/markets.js';
import { readSettings, type TenantSettings } from '../../db/settings.js';
import { withTenant } from '../../db/tenant.js';
import { resolvePeriod, type PeriodError, type PeriodQuery, type ResolvedPeriod } from '../../domain/analytics/periods.js';
import { dataSpan, type MonthRollup } from '../../domain/analytics/rollups.js';
import { agentSeries, marketSeries, predictiveSeries, teamSeries, terminationsByAgent } from '../../domain/analytics/series.js';
import { summarize } from '../../domain/analytics/summary.js';
import { HttpProblem } from '../../http/problem.js';
import { TEXT_CODEC, type TenantCache } from '../../cache/cache.js';

export const VIEWS = {
  summary: (rollups: MonthRollup[], period: ResolvedPeriod, settings: TenantSettings) => ({
    period_label: period.label,
    as_of: period.now,
    ...summarize(rollups, period, settings),
  }),
  agents: (rollups: MonthRollup[], period: ResolvedPeriod) => ({ period: periodView(period), agents: agentSeries(rollups, period) }),
  teams: (rollups: MonthRollup[], period: ResolvedPeriod) => ({ period: periodView(period), teams: teamSeries(rollups, period) }),
  terminations: (rollups: MonthRollup[], period: ResolvedPeriod) => ({
    period: periodView(period),
    agents: terminationsByAgent(rollups, period),
  }),
  markets: (rollups: MonthRollup[], period: ResolvedPeriod, _settings: TenantSettings, coordinates: Map<string, Coordinates>) => ({
    period: periodView(period),
    markets: marketSeries(rollups, period, { coordinates }),
  }),
  predictive: (rollups: MonthRollup[], period: ResolvedPeriod) => ({ period: periodView(period), ...predictiveSeries(rollups, period.now) }),
} as const;

export type ViewName = keyof typeof VIEWS;
export type ViewResult<V extends ViewName> = ReturnType<(typeof VIEWS)[V]>;

function periodView(period: ResolvedPeriod) {
  return { from: period.from, to: period.to, label: period.label, as_of: period.now };
}

/** Results live 10 minutes at most; every write of the tenant invalidates them sooner. */
const TTL_SECONDS = 600;

function periodProblem(error: PeriodError): HttpProblem {
  if (error.code === 'no_data') return new HttpProblem(404, 'no-data', error.message);
  return new HttpProblem(400, 'bad-period', error.message, { errors: [{ pointer: `/query/${error.field}`, message: error.message }] });
}

/**
 * One analytics view of a tenant for a period, computed: its monthly roll-ups (never its deals)
 * and settings are loaded in one short transaction.
 */
export async function computeAnalyticsView<V extends ViewName>(pool: pg.Pool, tenantId: string, view: V, query: PeriodQuery): Promise<ViewResult<V>> {
  const { rollups, settings, coordinates } = await withTenant(pool, tenantId, async (tx) => ({
    rollups: await loadRollups(tx),
    settings: await readSettings(tx),
    coordinates: view === 'markets' ? await loadMarketCoordinates(tx) : new Map<string, Coordinates>(),
  }));
  const resolved = resolvePeriod(query, dataSpan(rollups));
  if (!resolved.ok) throw periodProblem(resolved.error);
  return VIEWS[view](rollups, resolved.period, settings, coordinates) as ViewResult<V>;
}

/**
 * One analytics view as the API sends it: `serialize` (the route's response serialiser) applied
 * to the computed view, read through the cache. What is cached is that text, so a hit is sent as
 * it is, without parsing or serialising again.
 */
export async function analyticsResponse<V extends ViewName>(
  deps: { pool: pg.Pool; cache: TenantCache | undefined },
  tenantId: string,
  view: V,
  query: PeriodQuery,
  serialize: (value: ViewResult<V>) => string,
): Promise<string> {
  const key = `analytics-response:${view}:${JSON.stringify([query.period ?? null, query.from ?? null, query.to ?? null, query.as_of ?? null])}`;
  const compute = async () => serialize(await computeAnalyticsView(deps.pool, tenantId, view, query));
  // getOrLoad stores under the generation seen before loading: a write that lands meanwhile
  // invalidates it, so a stale result is never served.
  return deps.cache ? deps.cache.getOrLoad(tenantId, key, TTL_SECONDS, compute, TEXT_CODEC) : compute();
}
