import { listPayoutMonths } from '../../db/payouts.js';
import type { PayoutListView } from '../../schemas/payouts.js';
import { inTenant, type ServiceContext } from '../context.js';

/** The months with payouts, newest first, each with its state. */
export async function listPayouts(ctx: ServiceContext): Promise<PayoutListView> {
  const rows = await inTenant(ctx, (tx) => listPayoutMonths(tx));
  return {
    items: rows.map((row) => ({
      month: row.month,
      status: row.status,
      total: Number(row.total),
      statements: row.statements,
      calculated_at: row.calculated_at.toISOString(),
      approved_at: row.approved_at?.toISOString() ?? null,
      approved_by: row.approved_by,
      approved_by_email: row.approved_by_email,
    })),
  };
}
