import { deleteClosingsMonth } from '../../db/closings.js';
import { lockMonth } from '../../db/commissions.js';
import { notFoundError } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { assertClosingsMonthOpen } from './month-lock.js';

/** Deletes one month's closings and the adjustments its import brought (admins); a payee-level import of the month stays. */
export async function deleteClosings(ctx: ServiceContext, input: { month: string }): Promise<void> {
  requireAdmin(ctx);
  const deleted = await writeInTenant(ctx, (done: boolean) => (done ? { type: 'closings', month: input.month } : null), async (tx) => {
    await lockMonth(tx, input.month);
    await assertClosingsMonthOpen(tx, input.month);
    return deleteClosingsMonth(tx, input.month);
  });
  if (!deleted) throw notFoundError(`No closings for ${input.month}.`);
}
