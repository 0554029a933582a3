import type { TenantTx } from '../../db/tenant.js';

/**
 * Refuses a change to a month's closings or adjustments while the month's payouts are approved
 * (CONTRACT.md: 409 until reopened). Every closings write calls it inside its transaction, after
 * taking the month's lock, so an approval cannot slip in between the check and the write.
 *
 * Payouts (and with them approval) do not exist yet, so no month is approved and nothing is
 * refused: the payouts work fills this in (read the month's payout status, throw
 * `new AppError('conflict', 'month-approved', ...)`), and every closings write gets the rule at once.
 */
export async function assertClosingsMonthOpen(_tx: TenantTx, _month: string): Promise<void> {}
