import { rollupFromHistory, type MonthRollup } from '../domain/analytics/rollups.js';
import { historyMonthFromImport } from '../domain/imports/to-history.js';
import type { CommissionMonth } from '../domain/imports/format.js';
import type { TenantTx } from './tenant.js';
import { mergeMonthRollups } from '../domain/closings/rollup.js';
import { normaliseMarketName, type Coordinates } from '../domain/analytics/markets.js';

/**
 * Every month's roll-up, oldest first: a few rows per month whatever the number of deals. A month
 * imported before roll-ups were stored is rolled up from its document on the fly. A month with
 * closings (migration 0010) reads their roll-up; with a payee-level import too, the two are merged
 * (closings for GP, deals and people, the import for pay: src/domain/closings/rollup.ts).
 */
export async function loadRollups(tx: TenantTx): Promise<MonthRollup[]> {
  const result = await tx.query<{ rollup: MonthRollup | null; document: CommissionMonth | null; closings: MonthRollup | null }>(
    `SELECT c.rollup, CASE WHEN c.month IS NOT NULL AND c.rollup IS NULL THEN c.document END AS document, k.rollup AS closings
       FROM (SELECT month, rollup, document FROM commission_months WHERE tenant_id = $1) c
       FULL JOIN (SELECT month, rollup FROM closing_months WHERE tenant_id = $1) k ON k.month = c.month
      ORDER BY coalesce(c.month, k.month)`,
    [tx.tenantId],
  );
  return result.rows.map((row) => {
    const payees = row.rollup ?? (row.document ? rollupFromHistory([historyMonthFromImport(row.document)])[0]! : null);
    if (payees && row.closings) return mergeMonthRollups(payees, row.closings);
    return (payees ?? row.closings)!;
  });
}

/** Coordinates the tenant gave at import, by normalised market name. */
export async function loadMarketCoordinates(tx: TenantTx): Promise<Map<string, Coordinates>> {
  const result = await tx.query<{ name: string; latitude: string; longitude: string }>(
    'SELECT name, latitude, longitude FROM markets WHERE tenant_id = $1 AND latitude IS NOT NULL AND longitude IS NOT NULL',
    [tx.tenantId],
  );
  return new Map(result.rows.map((row) => [normaliseMarketName(row.name), { lat: Number(row.latitude), lon: Number(row.longitude) }]));
}
