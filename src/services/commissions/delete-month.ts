import { deleteMonth as deleteMonthRows } from '../../db/commissions.js';
import { notFoundError } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';

/** Deletes one month with its payees and deals (admins). */
export async function deleteMonth(ctx: ServiceContext, input: { month: string }): Promise<void> {
  requireAdmin(ctx);
  const deleted = await writeInTenant(ctx, (done: boolean) => (done ? { type: 'delete', month: input.month } : null), (tx) =>
    deleteMonthRows(tx, input.month),
  );
  if (!deleted) throw notFoundError(`No commission data for ${input.month}.`);
}
