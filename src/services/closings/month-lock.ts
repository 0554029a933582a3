import { readPayoutState, type PayoutMonthState } from '../../db/payouts.js';
import type { TenantTx } from '../../db/tenant.js';
import { AppError } from '../../domain/app-error.js';

/** The 409 of a write to an approved month: which month, when it was approved and by whom. */
export function monthApprovedError(state: PayoutMonthState): AppError {
  const at = state.approved_at?.toISOString() ?? null;
  const by = state.approved_by_email ?? state.approved_by;
  return new AppError(
    'conflict',
    'month-approved',
    `The payouts of ${state.month} were approved${at ? ` on ${at}` : ''}${by ? ` by ${by}` : ''}: reopen the month (POST /api/v1/payouts/${state.month}/reopen) to change it.`,
    { details: { month: state.month, approved_at: at, approved_by: state.approved_by, approved_by_email: state.approved_by_email } },
  );
}

/**
 * Refuses a change to a month's closings, adjustments, goals or payout while the month's payouts
 * are approved (CONTRACT.md: 409 until reopened). Every such write calls it inside its
 * transaction, after taking the month's lock (lockMonth), as approving does: an approval cannot
 * slip in between the check and the write.
 */
export async function assertClosingsMonthOpen(tx: TenantTx, month: string): Promise<void> {
  const state = await readPayoutState(tx, month);
  if (state?.status === 'approved') throw monthApprovedError(state);
}
