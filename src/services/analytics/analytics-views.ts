import type pg from 'pg';
import { loadDataSpan, loadMarketCoordinates, loadRollups, type RollupNeeds, type StoredRollup } from '../../db/analytics.js';
import type { Coordinates } from '../../domain/analytics/markets.js';
import { readSettings, type TenantSettings } from '../../db/settings.js';
import { withTenant } from '../../db/tenant.js';
import { resolvePeriod, type PeriodError, type PeriodQuery, type ResolvedPeriod } from '../../domain/analytics/periods.js';
import { rollupFromHistory, type AgentRollup, type MonthRollup } from '../../domain/analytics/rollups.js';
import { historyMonthFromImport } from '../../domain/imports/to-history.js';
import { agentSeriesSteps, marketSeries, predictiveSeriesSteps, teamSeries, terminationsByAgent } from '../../domain/analytics/series.js';
import { inSlices } from '../steps-in-slices.js';
import { summarize } from '../../domain/analytics/summary.js';
import { mergeMonthRollups, withApprovedPay, type ApprovedPay } from '../../domain/closings/rollup.js';
import { parseAmountText } from '../../domain/money.js';
import { AppError } from '../../domain/app-error.js';
import type { Forecaster } from '../../domain/analytics/forecast.js';
import { forecastMemo } from './forecast-memo.js';

/** What a view reads besides its roll-ups and period. */
export interface ViewInputs {
  settings: TenantSettings;
  /** Market coordinates (the markets view only). */
  coordinates: Map<string, Coordinates>;
  /** Makes the summary's and the predictive view's forecasts: the tenant's memo in the service (forecast-memo.ts). */
  forecaster: Forecaster;
}

export const VIEWS = {
  summary: (rollups: MonthRollup[], period: ResolvedPeriod, inputs: ViewInputs) => ({
    period_label: period.label,
    as_of: period.now,
    ...summarize(rollups, period, inputs.settings, inputs.forecaster),
  }),
  // The agents' and the predictive view's per-agent forecasts and trends take seconds for hundreds
  // of agents: computed in slices, so other requests are served in between.
  agents: async (rollups: MonthRollup[], period: ResolvedPeriod) => ({ period: periodView(period), agents: await inSlices(agentSeriesSteps(rollups, period)) }),
  teams: (rollups: MonthRollup[], period: ResolvedPeriod) => ({ period: periodView(period), teams: teamSeries(rollups, period) }),
  terminations: (rollups: MonthRollup[], period: ResolvedPeriod) => ({
    period: periodView(period),
    agents: terminationsByAgent(rollups, period),
  }),
  markets: (rollups: MonthRollup[], period: ResolvedPeriod, inputs: ViewInputs) => ({
    period: periodView(period),
    markets: marketSeries(rollups, period, { coordinates: inputs.coordinates }),
  }),
  predictive: async (rollups: MonthRollup[], period: ResolvedPeriod, inputs: ViewInputs) => ({
    period: periodView(period),
    ...(await inSlices(predictiveSeriesSteps(rollups, period.now, undefined, inputs.forecaster))),
  }),
} as const;

export type ViewName = keyof typeof VIEWS;
export type ViewResult<V extends ViewName> = Awaited<ReturnType<(typeof VIEWS)[V]>>;

function periodView(period: ResolvedPeriod) {
  return { from: period.from, to: period.to, label: period.label, as_of: period.now };
}

function periodError(error: PeriodError): AppError {
  if (error.code === 'no_data') return new AppError('not-found', 'no-data', error.message);
  return new AppError('bad-request', 'bad-period', error.message, { errors: [{ pointer: `/query/${error.field}`, message: error.message }] });
}

const cents = (amount: string) => parseAmountText(amount)!;

function approvedPay(payout: NonNullable<StoredRollup['payout']>): ApprovedPay {
  return {
    total: cents(payout.total),
    managerTotal: cents(payout.manager),
    statements: payout.statements.map((statement) => ({ payee: statement.payee, total: cents(statement.total), roles: statement.roles })),
  };
}

/**
 * What of the history each view reads besides its period's months in full. The summary reads no
 * month whole: of agents it needs only their five figures (problem-agents.ts; the noise its rules
 * weigh evidence with is measured on the whole history), and otherwise monthly totals (forecast,
 * efficiency's comparison period). The agents view reads its period whole and the figures of the
 * other months (each agent's forecast and trend run over their whole history), the predictive
 * view monthly totals and the figures (its trending-down list); the rest only their period.
 */
const NEEDS: Record<ViewName, (period: ResolvedPeriod) => RollupNeeds> = {
  summary: () => ({ detail: null, figures: true }),
  agents: (period) => ({ detail: period, figures: true }),
  teams: (period) => ({ detail: period, figures: false }),
  terminations: (period) => ({ detail: period, figures: false }),
  markets: (period) => ({ detail: period, figures: false }),
  predictive: () => ({ detail: null, figures: true }),
};

/**
 * The agents of a month read for its totals, from their figures (migrations 0022 and 0027): name,
 * closed and terminated deals, GP and commission are what the summary reads of an agent, and what
 * the agents and predictive views read of a month outside their period; the rest is left neutral
 * and never read there.
 */
function agentsFromFigures(figures: StoredRollup['figures']): AgentRollup[] {
  if (!figures) return [];
  const count = figures.length / 5;
  return Array.from({ length: count }, (_, index) => ({
    name: figures[index] as string,
    type: 'acq' as const,
    manager: null,
    market: null,
    closed: figures[count + index] as number,
    gp: figures[2 * count + index] as number,
    commission: figures[3 * count + index] as number,
    terminated: figures[4 * count + index] as number,
  }));
}

/**
 * A month's roll-up for analytics. A payee-level month imported before roll-ups were stored is
 * rolled up from its document, on the fly; a month with closings reads theirs, merged with a
 * payee-level import of the same month when there is one (closings for GP, deals and people, the
 * import for pay: src/domain/closings/rollup.ts). A closings month whose payouts are approved is
 * paid what its approved statements say, whatever a payee-level import said. A month read for its
 * totals only has no managers nor markets, and its agents' figures only when they were asked.
 */
function rollupOf(stored: StoredRollup): MonthRollup {
  if (stored.totalsOnly && stored.rollup) return { ...stored.rollup, agents: agentsFromFigures(stored.figures), managers: [], markets: [] };
  const payees = (stored.rollup as MonthRollup | null) ?? (stored.document ? rollupFromHistory([historyMonthFromImport(stored.document)])[0]! : null);
  const month = payees && stored.closings ? mergeMonthRollups(payees, stored.closings) : (payees ?? stored.closings)!;
  return stored.payout ? withApprovedPay(month, approvedPay(stored.payout)) : month;
}

/**
 * One analytics view of a tenant for a period, computed in one short transaction: the span of its
 * months (what the period is resolved against), then its monthly roll-ups (never its deals) as far
 * as the view needs them (NEEDS), and its settings. Forecasts come from the process's memo, keyed
 * by the tenant and the series: one history is fitted once, whatever periods are asked of it.
 */
export async function computeAnalyticsView<V extends ViewName>(pool: pg.Pool, tenantId: string, view: V, query: PeriodQuery): Promise<ViewResult<V>> {
  computations += 1;
  const { rollups, period, settings, coordinates } = await withTenant(pool, tenantId, async (tx) => {
    const resolved = resolvePeriod(query, await loadDataSpan(tx));
    if (!resolved.ok) throw periodError(resolved.error);
    return {
      period: resolved.period,
      rollups: (await loadRollups(tx, NEEDS[view](resolved.period))).map(rollupOf),
      settings: await readSettings(tx),
      coordinates: view === 'markets' ? await loadMarketCoordinates(tx) : new Map<string, Coordinates>(),
    };
  });
  return (await VIEWS[view](rollups, period, { settings, coordinates, forecaster: forecastMemo.forTenant(tenantId) })) as ViewResult<V>;
}

let computations = 0;

/** Analytics views computed by this process since it started: what a single-flight test counts. */
export function analyticsComputations(): number {
  return computations;
}
