import { queueReport } from '../../db/reports.js';
import { withTenant } from '../../db/tenant.js';
import { generateReport, recordReportFailure, type ReportDeps } from './generate-report.js';

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

/**
 * Without a job queue (tests, tools) the report is made before the request answers: the same
 * rows and the same generation, just not in the background.
 */
export function inlineReports(deps: ReportDeps): ReportRequester {
  return {
    async request({ tenantId, month, userId }) {
      const id = await withTenant(deps.pool, tenantId, (tx) => queueReport(tx, month, 'admin', userId));
      try {
        await generateReport(deps, { tenantId, month, trigger: 'admin' });
      } catch (error) {
        await recordReportFailure(deps, { tenantId, month }, error, true);
      }
      return id;
    },
  };
}
