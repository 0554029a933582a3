import { listReports as listReportRows } from '../../db/reports.js';
import { inTenant, type ServiceContext } from '../context.js';
import { reportView } from './report-view.js';

/** Monthly reports, newest month first. */
export async function listReports(ctx: ServiceContext, input: { limit: number }) {
  return { items: (await inTenant(ctx, (tx) => listReportRows(tx, input.limit))).map(reportView) };
}
