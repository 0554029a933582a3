import { listPayoutEvents, monthInputsStamp, readPayout, storedInputsStamp } from '../../db/payouts.js';
import type { TenantTx } from '../../db/tenant.js';
import type { PayoutView } from '../../schemas/payouts.js';

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * The month's stored payout as the API answers it: built only from what the calculation stored,
 * so an approved month reads the same whatever happens to the plans later. `stale`: a draft whose
 * closings, adjustments, goals or plans changed since it was calculated (approve refuses it with
 * 409 `payout-stale`); an approved month is never stale, its inputs are locked.
 */
export async function payoutView(tx: TenantTx, month: string): Promise<PayoutView | undefined> {
  const stored = await readPayout(tx, month);
  if (!stored) return undefined;
  const history = await listPayoutEvents(tx, month);
  // A draft is stale once what it was calculated from changed: its own inputs, or an earlier month it carries from.
  const stale = stored.status === 'draft' && (await storedInputsStamp(tx, month)) !== (await monthInputsStamp(tx, month));
  return {
    month: stored.month,
    status: stored.status,
    stale,
    company_gp: Number(stored.company_gp),
    company_transactions: stored.company_transactions,
    total: Number(stored.total),
    by_role: stored.by_role,
    statements: stored.statements,
    uncovered: stored.uncovered,
    plans: stored.plans,
    calculated_at: stored.calculated_at.toISOString(),
    calculated_by: stored.calculated_by,
    approved_at: iso(stored.approved_at),
    approved_by: stored.approved_by,
    approved_by_email: stored.approved_by_email,
    history: history.map((event) => ({
      action: event.action,
      at: event.occurred_at.toISOString(),
      by: event.user_id,
      by_email: event.user_email,
      reason: event.reason,
      total: event.total === null ? null : Number(event.total),
    })),
  };
}
