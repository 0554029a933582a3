import type pg from 'pg';
import { hasMonth, markFailed, markRunning, payeeLines, queueReport, readReportOfMonth, storeReport, type ReportTrigger } from '../../db/reports.js';
import { withTenant } from '../../db/tenant.js';
import { statementsOf } from '../../domain/reports/statements.js';
import type { ChangeFeed } from '../../realtime/change-feed.js';
import { computeAnalyticsView } from '../analytics/analytics-views.js';

export interface ReportDeps {
  /** The application role's pool: report work runs under row-level security like any request. */
  pool: pg.Pool;
  /** Where dashboards hear that a report is ready; none in tests that do not listen. */
  feed?: ChangeFeed | undefined;
}

/** `exists`: a scheduled run found the month's report already made, and left it alone. */
export type GenerateOutcome = 'ready' | 'no-data' | 'exists';

/**
 * Makes (or remakes) the report of one tenant's closed month: every payee's statement as paid, and
 * the analytics summary of that month as of that month. The report row is keyed by tenant and
 * month, so running it twice leaves one report. A scheduled run creates the row, and does nothing
 * when the month's report is already made (a repeated schedule makes no second report); an admin's
 * request created the row already and always remakes it.
 */
export async function generateReport(
  deps: ReportDeps,
  job: { tenantId: string; month: string; trigger: ReportTrigger },
): Promise<GenerateOutcome> {
  const { pool } = deps;
  const { tenantId, month } = job;
  const lines = await withTenant(pool, tenantId, async (tx) => {
    if (!(await hasMonth(tx, month))) return undefined;
    if (job.trigger === 'schedule') {
      if ((await readReportOfMonth(tx, month))?.status === 'ready') return 'exists' as const;
      await queueReport(tx, month, 'schedule', null);
    }
    await markRunning(tx, month);
    return payeeLines(tx, month);
  });
  if (lines === 'exists') return 'exists';
  if (!lines) {
    if (job.trigger === 'schedule') return 'no-data';
    // The month was deleted after an admin asked: nothing to report, and retrying will not help.
    await withTenant(pool, tenantId, (tx) => markFailed(tx, month, `No commission data for ${month}.`, true));
    return 'no-data';
  }
  const summary = await computeAnalyticsView(pool, tenantId, 'summary', { period: month, as_of: month });
  await withTenant(pool, tenantId, (tx) => storeReport(tx, month, { summary, statements: statementsOf(lines) }));
  await deps.feed?.publish(tenantId, { type: 'report', month });
  return 'ready';
}

/** Records a failed attempt; `final` when the queue will not retry it. */
export async function recordReportFailure(deps: ReportDeps, job: { tenantId: string; month: string }, error: unknown, final: boolean): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await withTenant(deps.pool, job.tenantId, (tx) => markFailed(tx, job.month, message, final));
}
