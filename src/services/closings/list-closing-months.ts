import { listClosingMonths as listRows } from '../../db/closings.js';
import { inTenant, type ServiceContext } from '../context.js';
import { closingMonthSummary } from './closing-month-summary.js';

/** Months with closings and their company totals, newest first, a page at a time. */
export async function listClosingMonths(ctx: ServiceContext, input: { limit: number; offset: number }) {
  const page = await inTenant(ctx, (tx) => listRows(tx, input.limit, input.offset));
  return { items: page.rows.map(closingMonthSummary), total: page.total, limit: input.limit, offset: input.offset };
}
