import { lockMonth } from '../../db/commissions.js';
import { carriesFrom, insertPayoutEvent, monthInputsStamp, readPayoutState, setPayoutStatus, storedInputsStamp, unapprovedMonthsBetween } from '../../db/payouts.js';
import { readSettings } from '../../db/settings.js';
import { AppError, notFoundError } from '../../domain/app-error.js';
import type { PayoutView } from '../../schemas/payouts.js';
import { monthApprovedError } from '../closings/month-lock.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { payoutView } from './payout-view.js';

/**
 * Approves the month's draft (admins): from now on its closings, adjustments, goals and
 * statements refuse every change (409) until it is reopened. A draft calculated before its inputs
 * last changed is refused too: approve what the month's data pays, never a stale calculation.
 * A month whose pay carries from earlier months (quarter or year plans, draws) waits for their
 * approval (409 `earlier-month-not-approved`). The accounting settings of the day are kept with
 * the approved month: its journals are written with them until it is reopened.
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
      throw new AppError('conflict', 'payout-stale', `The closings, adjustments, goals or plans of ${month}, or the earlier months it carries from, changed after its payouts were calculated; calculate again before approving.`);
    }
    // A month that carries from earlier ones (quarter and year plans, draws) is approved after
    // them: what it subtracts as paid before must itself be final.
    const start = await carriesFrom(tx, month);
    const pending = start === null ? [] : await unapprovedMonthsBetween(tx, start, month);
    if (pending.length > 0) {
      throw new AppError(
        'conflict',
        'earlier-month-not-approved',
        `The payouts of ${month} carry from ${pending.join(', ')}, not approved yet: approve ${pending.length === 1 ? 'it' : 'them'} first.`,
        { details: { month, months: pending } },
      );
    }
    const now = ctx.clock();
    // The month's journals are written with today's accounting settings from now on, whatever
    // changes in them later (exportPayout), until it is reopened.
    const { accounting } = await readSettings(tx);
    await setPayoutStatus(tx, month, { status: 'approved', at: now, by: ctx.principal.userId, accounting });
    await insertPayoutEvent(tx, month, { action: 'approved', occurred_at: now, user_id: ctx.principal.userId, reason: null, total: null });
    return (await payoutView(tx, month))!;
  });
}
