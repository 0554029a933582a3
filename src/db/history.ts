import type { History } from '../domain/history.js';
import type { CommissionMonth } from '../domain/imports/format.js';
import { historyMonthFromImport } from '../domain/imports/to-history.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

/**
 * The tenant's full history (with deals) up to and including `to`, oldest first: what plans are
 * calculated and simulated on. It starts at the first month because draws and clawbacks carry
 * balances forward from it.
 */
export async function loadHistory(tx: TenantTx, to: string): Promise<History> {
  const result = await tx.query<{ document: CommissionMonth }>(
    'SELECT document FROM commission_months WHERE tenant_id = $1 AND month <= $2 ORDER BY month',
    [tx.tenantId, monthDate(to)],
  );
  return result.rows.map((row) => historyMonthFromImport(row.document));
}
