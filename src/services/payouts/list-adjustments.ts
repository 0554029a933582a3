import { listAdjustments as listAdjustmentRows } from '../../db/adjustments.js';
import { readClosingMonthSummary } from '../../db/closings.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';
import { adjustmentView } from './adjustment-view.js';

/** The month's adjustments: its closings import's, then those added one by one; 404 for a month with neither closings nor adjustments. */
export async function listAdjustments(ctx: ServiceContext, input: { month: string }) {
  const rows = await inTenant(ctx, async (tx) => {
    const found = await listAdjustmentRows(tx, input.month);
    return found.length > 0 || (await readClosingMonthSummary(tx, input.month)) ? found : undefined;
  });
  if (!rows) throw notFoundError(`No closings or adjustments for ${input.month}.`);
  return { items: rows.map(adjustmentView) };
}
