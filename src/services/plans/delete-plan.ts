import { deletePlan as deletePlanRows } from '../../db/plans.js';
import { notFoundError } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';

/** Deletes a plan with its versions (admins). */
export async function deletePlan(ctx: ServiceContext, input: { id: string }): Promise<void> {
  requireAdmin(ctx);
  const deleted = await writeInTenant(ctx, (done: boolean) => (done ? { type: 'plan' } : null), (tx) => deletePlanRows(tx, input.id));
  if (!deleted) throw notFoundError('No such plan.');
}
