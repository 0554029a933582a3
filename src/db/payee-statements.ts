import type { TenantTx } from './tenant.js';
import { monthDate } from './commissions.js';
import type { PayoutStatement } from '../domain/payouts/calculate-payouts.js';

export interface PayeeMonthRow {
  month: string;
  status: 'draft' | 'approved';
  approved_at: Date | null;
  total: string;
}

/**
 * One person's statements, newest first. Called in a payee's transaction the payee policies
 * (migration 0016) already limit the rows to theirs and to the months they may see; the name is
 * asked for here too, so an admin's transaction answers the same.
 */
export async function listPayeeMonths(tx: TenantTx, payee: string): Promise<PayeeMonthRow[]> {
  const result = await tx.query<PayeeMonthRow>(
    `SELECT to_char(s.month, 'YYYY-MM') AS month, m.status, m.approved_at, s.total
       FROM payout_statements s JOIN payout_months m ON m.tenant_id = s.tenant_id AND m.month = s.month
      WHERE s.tenant_id = $1 AND s.payee = $2 ORDER BY s.month DESC`,
    [tx.tenantId, payee],
  );
  return result.rows;
}

export interface PayeeStatementRow {
  month: string;
  status: 'draft' | 'approved';
  approved_at: Date | null;
  statement: PayoutStatement;
}

export async function readPayeeStatement(tx: TenantTx, month: string, payee: string): Promise<PayeeStatementRow | undefined> {
  const result = await tx.query<PayeeStatementRow>(
    `SELECT to_char(s.month, 'YYYY-MM') AS month, m.status, m.approved_at, s.statement
       FROM payout_statements s JOIN payout_months m ON m.tenant_id = s.tenant_id AND m.month = s.month
      WHERE s.tenant_id = $1 AND s.month = $2 AND s.payee = $3`,
    [tx.tenantId, monthDate(month), payee],
  );
  return result.rows[0];
}
