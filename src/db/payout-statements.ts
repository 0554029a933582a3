import type { PayoutStatement } from '../domain/payouts/calculate-payouts.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

/** One person's stored statement of the month (migration 0013), as the calculation stored it. */
export async function readPayoutStatement(tx: TenantTx, month: string, payee: string): Promise<PayoutStatement | undefined> {
  const result = await tx.query<{ statement: PayoutStatement }>('SELECT statement FROM payout_statements WHERE tenant_id = $1 AND month = $2 AND payee = $3', [
    tx.tenantId,
    monthDate(month),
    payee,
  ]);
  return result.rows[0]?.statement;
}
