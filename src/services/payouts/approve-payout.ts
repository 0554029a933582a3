import { lockMonth } from '../../db/commissions.js';
import { insertPayoutEvent, monthInputsStamp, readPayoutState, setPayoutStatus, storedInputsStamp } from '../../db/payouts.js';
import { AppError, notFoundError } from '../../domain/app-error.js';
import type { PayoutView } from '../../schemas/payouts.js';
import { monthApprovedError } from '../closings/month-lock.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { payoutView } from './payout-view.js';

/**
 * Approves the month's draft (admins): from now on its closings, adjustments, goals and
 * statements refuse every change (409) until it is reopened. A draft calculated before its inputs
 * last changed is refused too: approve what the month's data pays, never a stale calculation.
 */
export async function approvePayout(ctx: ServiceContext, input: { month: string }): Promise<PayoutView> {
  requireAdmin(ctx);
  const { month } = input;
  return writeInTenant(ctx, { type: 'payouts', month }, async (tx) => {
    await lockMonth(tx, month);
    const state = await readPayoutState(tx, month);
    if (!state) throw notFoundError(`No payouts for ${month}: calculate them first.`);
    if (state.status === 'approved') throw monthApprovedError(state);
    if ((await storedInputsStamp(tx, month)) !== (await monthInputsStamp(tx, month))) {
      throw new AppError('conflict', 'payout-stale', `The closings, adjustments, goals or plans of ${month} changed after its payouts were calculated; calculate again before approving.`);
    }
    const now = ctx.clock();
    await setPayoutStatus(tx, month, { status: 'approved', at: now, by: ctx.principal.userId });
    await insertPayoutEvent(tx, month, { action: 'approved', occurred_at: now, user_id: ctx.principal.userId, reason: null, total: null });
    return (await payoutView(tx, month))!;
  });
}
