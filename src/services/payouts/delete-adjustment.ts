import { adjustmentSource, deleteManualAdjustment } from '../../db/adjustments.js';
import { lockMonth } from '../../db/commissions.js';
import { AppError, notFoundError } from '../../domain/app-error.js';
import { assertClosingsMonthOpen } from '../closings/month-lock.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';

/**
 * Removes an adjustment added one by one (admins). One that came with the closings import is
 * changed by importing the month again (409 here); 409 too while the month is approved.
 */
export async function deleteAdjustment(ctx: ServiceContext, input: { month: string; id: string }): Promise<void> {
  requireAdmin(ctx);
  const { month, id } = input;
  await writeInTenant(ctx, { type: 'adjustments', month }, async (tx) => {
    await lockMonth(tx, month);
    await assertClosingsMonthOpen(tx, month);
    const source = await adjustmentSource(tx, month, id);
    if (source === undefined) throw notFoundError(`No such adjustment in ${month}.`);
    if (source === 'import') {
      throw new AppError('conflict', 'adjustment-imported', `This adjustment came with the closings import of ${month}: import the month again without it to remove it.`);
    }
    await deleteManualAdjustment(tx, month, id);
  });
}
