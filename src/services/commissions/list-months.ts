import { listMonths as listMonthRows } from '../../db/commissions.js';
import { inTenant, type ServiceContext } from '../context.js';
import { monthSummary } from './month-summary.js';

/** Imported months with their totals, newest first, a page at a time. */
export async function listMonths(ctx: ServiceContext, input: { limit: number; offset: number }) {
  const page = await inTenant(ctx, (tx) => listMonthRows(tx, input.limit, input.offset));
  return { items: page.rows.map(monthSummary), total: page.total, limit: input.limit, offset: input.offset };
}
