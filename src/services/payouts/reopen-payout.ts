import { lockMonth } from '../../db/commissions.js';
import { approvedMonthsAfter, carriesFrom, insertPayoutEvent, readPayoutState, setPayoutStatus } from '../../db/payouts.js';
import { AppError, invalidInput, notFoundError } from '../../domain/app-error.js';
import type { PayoutView } from '../../schemas/payouts.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { payoutView } from './payout-view.js';

/**
 * Reopens an approved month (admins), with a reason kept in its history: its closings,
 * adjustments and goals may change again, and its statements stay as they were, now a draft,
 * until the next calculation. Refused (409 `later-month-approved`) while an approved later month
 * carries from it (quarter or year plans, draws): reopen that one first.
 */
export async function reopenPayout(ctx: ServiceContext, input: { month: string; reason: string }): Promise<PayoutView> {
  requireAdmin(ctx);
  const { month } = input;
  const reason = input.reason.trim();
  if (reason === '') throw invalidInput('A reopening needs its reason.', [{ pointer: '/reason', message: 'must not be blank' }]);
  return writeInTenant(ctx, { type: 'payouts', month }, async (tx) => {
    await lockMonth(tx, month);
    const state = await readPayoutState(tx, month);
    if (!state) throw notFoundError(`No payouts for ${month}.`);
    if (state.status !== 'approved') throw new AppError('conflict', 'month-not-approved', `The payouts of ${month} are a draft: there is nothing to reopen.`);
    // An approved later month that carries from this one would otherwise rest on a payment that may change.
    const resting: string[] = [];
    for (const later of await approvedMonthsAfter(tx, month)) {
      const start = await carriesFrom(tx, later);
      if (start !== null && start <= month) resting.push(later);
    }
    if (resting.length > 0) {
      throw new AppError('conflict', 'later-month-approved', `The approved payouts of ${resting.join(', ')} carry from ${month}: reopen ${resting.length === 1 ? 'it' : 'them'} first.`, {
        details: { month, months: resting },
      });
    }
    const now = ctx.clock();
    await setPayoutStatus(tx, month, { status: 'draft', at: null, by: null });
    await insertPayoutEvent(tx, month, { action: 'reopened', occurred_at: now, user_id: ctx.principal.userId, reason, total: null });
    return (await payoutView(tx, month))!;
  });
}
