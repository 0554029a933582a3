import type { MonthRollup } from '../domain/analytics/rollups.js';
import type { CommissionMonth } from '../domain/imports/format.js';
import type { TenantTx } from './tenant.js';
import { normaliseMarketName, type Coordinates } from '../domain/analytics/markets.js';

/**
 * A month's stored roll-ups: the payee-level import's (or its document, when it was imported
 * before roll-ups were stored) and the closings' (migration 0010); either may be missing.
 */
export interface StoredRollup {
  rollup: MonthRollup | null;
  document: CommissionMonth | null;
  closings: MonthRollup | null;
  /** The month's approved payout (migration 0013): its total, its by_role manager total and each statement's payee, total and roles; amounts as text. A draft is never read. */
  payout: { total: string; manager: string; statements: Array<{ payee: string; total: string; roles: string[] }> } | null;
}

/**
 * Every month's roll-ups, oldest first: a few rows per month whatever the number of deals, and for
 * closings months with approved payouts one short entry per statement (never its lines).
 */
export async function loadRollups(tx: TenantTx): Promise<StoredRollup[]> {
  const result = await tx.query<StoredRollup>(
    `SELECT c.rollup, CASE WHEN c.month IS NOT NULL AND c.rollup IS NULL THEN c.document END AS document, k.rollup AS closings,
            CASE WHEN k.month IS NOT NULL THEN p.payout END AS payout
       FROM (SELECT month, rollup, document FROM commission_months WHERE tenant_id = $1) c
       FULL JOIN (SELECT month, rollup FROM closing_months WHERE tenant_id = $1) k ON k.month = c.month
       LEFT JOIN (
         SELECT m.month, json_build_object('total', m.total::text, 'manager', coalesce(m.by_role ->> 'manager', '0'), 'statements', coalesce(
                  (SELECT json_agg(json_build_object('payee', s.payee, 'total', s.total::text, 'roles', coalesce(s.statement -> 'roles', '[]'::jsonb)) ORDER BY s.position)
                     FROM payout_statements s WHERE s.tenant_id = m.tenant_id AND s.month = m.month), '[]'::json)) AS payout
           FROM payout_months m WHERE m.tenant_id = $1 AND m.status = 'approved'
       ) p ON p.month = k.month
      ORDER BY coalesce(c.month, k.month)`,
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
