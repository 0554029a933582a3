import type pg from 'pg';
import { hasMonth, queueReport, readReport } from '../../db/reports.js';
import { withTenant } from '../../db/tenant.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, requireAdmin, type ServiceContext } from '../context.js';
import { generateReport, recordReportFailure, type ReportDeps } from './generate-report.js';
import { reportView } from './report-view.js';

export interface ReportRequest {
  tenantId: string;
  /** YYYY-MM, a month the tenant has imported. */
  month: string;
  userId: string | null;
}

/** How the API asks for a report: the job queue in a running service (src/jobs), in-process otherwise. */
export interface ReportRequester {
  /** Queues (or regenerates) the report of the month and returns its id. */
  request(request: ReportRequest): Promise<string>;
}

/** An admin's request for a month's report: the row, queued (or queued again, same id). Returns its id. */
export function queueAdminReport(pool: pg.Pool, request: ReportRequest): Promise<string> {
  return withTenant(pool, request.tenantId, (tx) => queueReport(tx, request.month, 'admin', request.userId));
}

/**
 * Without a job queue (tests, tools) the report is made before the request answers: the same
 * rows and the same generation, just not in the background.
 */
export function inlineReports(deps: ReportDeps): ReportRequester {
  return {
    async request({ tenantId, month, userId }) {
      const id = await queueAdminReport(deps.pool, { tenantId, month, userId });
      try {
        await generateReport(deps, { tenantId, month, trigger: 'admin' });
      } catch (error) {
        await recordReportFailure(deps, { tenantId, month }, error, true);
      }
      return id;
    },
  };
}

/**
 * An admin asks for the report of a month now (the tenant must have imported it): it is queued,
 * or made at once without a job queue, and its status is answered at once.
 */
export async function requestReport(ctx: ServiceContext & { reports: ReportRequester }, input: { month: string }) {
  requireAdmin(ctx);
  const { tenantId, userId } = ctx.principal;
  if (!(await inTenant(ctx, (tx) => hasMonth(tx, input.month)))) throw notFoundError(`No commission data for ${input.month}.`);
  const id = await ctx.reports.request({ tenantId, month: input.month, userId });
  const row = await inTenant(ctx, (tx) => readReport(tx, id));
  return reportView(row!);
}
