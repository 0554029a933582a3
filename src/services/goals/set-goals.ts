import { lockMonth } from '../../db/commissions.js';
import { readGoals, upsertGoals } from '../../db/payouts.js';
import { invalidValues } from '../../domain/app-error.js';
import { formatAmount, MAX_AMOUNT, parseAmount } from '../../domain/money.js';
import type { GoalsView } from '../../schemas/payouts.js';
import { assertClosingsMonthOpen } from '../closings/month-lock.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { goalsView } from './goals-view.js';

/** Sets the month's goals (admins), which formulas read as goal_gp and goal_transactions; 409 while the month is approved. */
export async function setGoals(ctx: ServiceContext, input: { month: string; transactions: number; gp: number }): Promise<GoalsView> {
  requireAdmin(ctx);
  const { month, transactions } = input;
  const gp = parseAmount(input.gp);
  if (gp === null) throw invalidValues('The goals', [{ pointer: '/gp', message: `must be an amount with at most 2 decimals and below ${MAX_AMOUNT} in magnitude` }]);
  return writeInTenant(ctx, { type: 'goals', month }, async (tx) => {
    await lockMonth(tx, month);
    await assertClosingsMonthOpen(tx, month);
    await upsertGoals(tx, month, { transactions, gp: formatAmount(gp) }, ctx.clock(), ctx.principal.userId);
    return goalsView((await readGoals(tx, month, month))[0]!);
  });
}
