import { deleteMonth as deleteMonthRows, lockMonth } from '../../db/commissions.js';
import { notFoundError } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { assertClosingsMonthOpen } from '../closings/month-lock.js';

/** Deletes one month with its payees and deals (admins); 409 while the month's payouts are approved, as its import. */
export async function deleteMonth(ctx: ServiceContext, input: { month: string }): Promise<void> {
  requireAdmin(ctx);
  const deleted = await writeInTenant(ctx, (done: boolean) => (done ? { type: 'delete', month: input.month } : null), async (tx) => {
    await lockMonth(tx, input.month);
    await assertClosingsMonthOpen(tx, input.month);
    return deleteMonthRows(tx, input.month);
  });
  if (!deleted) throw notFoundError(`No commission data for ${input.month}.`);
}
