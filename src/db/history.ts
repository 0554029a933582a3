import type { History } from '../domain/history.js';
import type { CommissionMonth } from '../domain/imports/format.js';
import { historyMonthFromImport } from '../domain/imports/to-history.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

/**
 * The tenant's full history up to and including `to`, oldest first: what plans are calculated and
 * simulated on. It starts at the first month because draws and clawbacks carry balances forward
 * from it. Deals only when asked for (`planNeedsDeals`): they are nearly all of a big tenant's
 * data, and the server leaves them out of what it sends.
 */
export async function loadHistory(tx: TenantTx, to: string, options: { deals: boolean }): Promise<History> {
  const result = await tx.query<{ document: CommissionMonth }>(
    `SELECT ${options.deals ? 'document' : "document - 'deals' AS document"}
       FROM commission_months WHERE tenant_id = $1 AND month <= $2 ORDER BY month`,
    [tx.tenantId, monthDate(to)],
  );
  return result.rows.map((row) => historyMonthFromImport(row.document));
}

/** The tenant's latest imported month (YYYY-MM), or null before its first import. */
export async function latestMonth(tx: TenantTx): Promise<string | null> {
  const span = await tx.query<{ last: string | null }>("SELECT to_char(max(month), 'YYYY-MM') AS last FROM commission_months WHERE tenant_id = $1", [
    tx.tenantId,
  ]);
  return span.rows[0]?.last ?? null;
}
