import type { MonthRollup } from '../domain/analytics/rollups.js';
import type { CommissionMonth } from '../domain/imports/format.js';
import type { TenantTx } from './tenant.js';
import { normaliseMarketName, type Coordinates } from '../domain/analytics/markets.js';

/** A month's stored roll-up, or its document when it was imported before roll-ups were stored. */
export type StoredRollup = { rollup: MonthRollup; document: null } | { rollup: null; document: CommissionMonth };

/** Every month's roll-up, oldest first: a few rows per month whatever the number of deals. */
export async function loadRollups(tx: TenantTx): Promise<StoredRollup[]> {
  const result = await tx.query<StoredRollup>(
    `SELECT rollup, CASE WHEN rollup IS NULL THEN document END AS document
       FROM commission_months WHERE tenant_id = $1 ORDER BY month`,
    [tx.tenantId],
  );
  return result.rows;
}

/** Coordinates the tenant gave at import, by normalised market name. */
export async function loadMarketCoordinates(tx: TenantTx): Promise<Map<string, Coordinates>> {
  const result = await tx.query<{ name: string; latitude: string; longitude: string }>(
    'SELECT name, latitude, longitude FROM markets WHERE tenant_id = $1 AND latitude IS NOT NULL AND longitude IS NOT NULL',
    [tx.tenantId],
  );
  return new Map(result.rows.map((row) => [normaliseMarketName(row.name), { lat: Number(row.latitude), lon: Number(row.longitude) }]));
}
