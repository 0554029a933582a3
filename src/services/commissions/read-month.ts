import { readMonth as readMonthRow } from '../../db/commissions.js';
import { notFoundError } from '../../domain/app-error.js';
import { canonicalMonth } from '../../domain/imports/canonical.js';
import { inTenant, type ServiceContext } from '../context.js';
import { monthSummary } from './month-summary.js';

/** One month: its totals and the imported document, in its canonical form. */
export async function readMonth(ctx: ServiceContext, input: { month: string }) {
  const row = await inTenant(ctx, (tx) => readMonthRow(tx, input.month));
  if (!row) throw notFoundError(`No commission data for ${input.month}.`);
  return { summary: monthSummary(row), data: canonicalMonth(row.document) };
}
