import { insertManualAdjustment, listAdjustments } from '../../db/adjustments.js';
import { lockMonth } from '../../db/commissions.js';
import { invalidValues } from '../../domain/app-error.js';
import { adjustmentErrors } from '../../domain/closings/check.js';
import type { Adjustment } from '../../domain/closings/closing.js';
import { formatAmount, parseAmount } from '../../domain/money.js';
import type { AdjustmentView } from '../../schemas/payouts.js';
import { assertClosingsMonthOpen } from '../closings/month-lock.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { adjustmentView } from './adjustment-view.js';

/**
 * Adds one adjustment to the month (admins): a one-off amount for a payee, with or without
 * closings; it shows on their statement as its own line at the next calculation. Who added it and
 * when are kept with it; 409 while the month is approved.
 */
export async function addAdjustment(ctx: ServiceContext, input: { month: string; adjustment: Adjustment }): Promise<AdjustmentView> {
  requireAdmin(ctx);
  const errors = adjustmentErrors(input.adjustment, '');
  if (errors.length > 0) throw invalidValues('The adjustment', errors);
  const { month, adjustment } = input;
  return writeInTenant(ctx, { type: 'adjustments', month }, async (tx) => {
    await lockMonth(tx, month);
    await assertClosingsMonthOpen(tx, month);
    const id = await insertManualAdjustment(
      tx,
      month,
      { payee: adjustment.payee.trim(), amount: formatAmount(parseAmount(adjustment.amount)!), reason: adjustment.reason, note: adjustment.note ?? null },
      ctx.principal.userId,
    );
    return adjustmentView((await listAdjustments(tx, month)).find((row) => row.id === id)!);
  });
}
