import type pg from 'pg';
import { loadMarketCoordinates, loadRollups, type StoredRollup } from '../../db/analytics.js';
import type { Coordinates } from '../../domain/analytics/markets.js';
import { readSettings, type TenantSettings } from '../../db/settings.js';
import { withTenant } from '../../db/tenant.js';
import { resolvePeriod, type PeriodError, type PeriodQuery, type ResolvedPeriod } from '../../domain/analytics/periods.js';
import { dataSpan, rollupFromHistory, type MonthRollup } from '../../domain/analytics/rollups.js';
import { historyMonthFromImport } from '../../domain/imports/to-history.js';
import { agentSeries, marketSeries, predictiveSeries, teamSeries, terminationsByAgent } from '../../domain/analytics/series.js';
import { summarize } from '../../domain/analytics/summary.js';
import { mergeMonthRollups, withApprovedPay, type ApprovedPay } from '../../domain/closings/rollup.js';
import { parseAmountText } from '../../domain/money.js';
import { AppError } from '../../domain/app-error.js';

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
 * A month's roll-up for analytics. A payee-level month imported before roll-ups were stored is
 * rolled up from its document, on the fly; a month with closings reads theirs, merged with a
 * payee-level import of the same month when there is one (closings for GP, deals and people, the
 * import for pay: src/domain/closings/rollup.ts). A closings month whose payouts are approved is
 * paid what its approved statements say, whatever a payee-level import said.
 */
function rollupOf(stored: StoredRollup): MonthRollup {
  const payees = stored.rollup ?? (stored.document ? rollupFromHistory([historyMonthFromImport(stored.document)])[0]! : null);
  const month = payees && stored.closings ? mergeMonthRollups(payees, stored.closings) : (payees ?? stored.closings)!;
  return stored.payout ? withApprovedPay(month, approvedPay(stored.payout)) : month;
}

/**
 * One analytics view of a tenant for a period, computed: its monthly roll-ups (never its deals)
 * and settings are loaded in one short transaction.
 */
export async function computeAnalyticsView<V extends ViewName>(pool: pg.Pool, tenantId: string, view: V, query: PeriodQuery): Promise<ViewResult<V>> {
  const { rollups, settings, coordinates } = await withTenant(pool, tenantId, async (tx) => ({
    rollups: (await loadRollups(tx)).map(rollupOf),
    settings: await readSettings(tx),
    coordinates: view === 'markets' ? await loadMarketCoordinates(tx) : new Map<string, Coordinates>(),
  }));
  const resolved = resolvePeriod(query, dataSpan(rollups));
  if (!resolved.ok) throw periodError(resolved.error);
  return VIEWS[view](rollups, resolved.period, settings, coordinates) as ViewResult<V>;
}
