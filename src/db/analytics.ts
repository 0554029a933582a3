import type { MonthRollup } from '../domain/analytics/rollups.js';
import type { CommissionMonth } from '../domain/imports/format.js';
import type { MonthRange } from '../domain/analytics/months.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';
import { normaliseMarketName, type Coordinates } from '../domain/analytics/markets.js';

/**
 * A month's stored roll-ups: the payee-level import's (or its document, when it was imported
 * before roll-ups were stored) and the closings' (migration 0010); either may be missing.
 */
export interface StoredRollup {
  /** YYYY-MM */
  month: string;
  /**
   * The payee-level roll-up; for a month outside the months asked in detail, only its month-level
   * figures (no agents, managers nor markets): see `figures`.
   */
  rollup: MonthRollup | Omit<MonthRollup, 'agents' | 'managers' | 'markets'> | null;
  /** With `rollup` cut to its month-level figures: true. */
  totalsOnly: boolean;
  /**
   * A cut month's agents' figures when asked (migrations 0022 and 0027): names, then closed deals,
   * then GP cents, then commission cents, then terminated deals, in five equal parts of one array.
   */
  figures: Array<string | number> | null;
  document: CommissionMonth | null;
  closings: MonthRollup | null;
  /** The month's approved payout (migration 0013): its total, its by_role manager total and each statement's payee, total and roles; amounts as text. A draft is never read. */
  payout: { total: string; manager: string; statements: Array<{ payee: string; total: string; roles: string[] }> } | null;
}

/** What of the months a view reads (see `loadRollups`). */
export interface RollupNeeds {
  /** Months read whole (inclusive); null for none. */
  detail: MonthRange | null;
  /** Whether the other months bring their agents' figures. */
  figures: boolean;
}

/** The first and last month with payee-level or closings data, or null before any import. */
export async function loadDataSpan(tx: TenantTx): Promise<{ first: string; last: string } | null> {
  const result = await tx.query<{ first: string | null; last: string | null }>(
    `SELECT to_char(min(month), 'YYYY-MM') AS first, to_char(max(month), 'YYYY-MM') AS last
       FROM (SELECT month FROM commission_months WHERE tenant_id = $1 UNION ALL SELECT month FROM closing_months WHERE tenant_id = $1) m`,
    [tx.tenantId],
  );
  const row = result.rows[0];
  return row?.first && row.last ? { first: row.first, last: row.last } : null;
}

/**
 * Every month's roll-ups, oldest first: a few rows per month whatever the number of deals, and for
 * closings months with approved payouts one short entry per statement (never its lines). Only the
 * months of `needs.detail` (and closings months, which are merged whole) come with their agents',
 * managers' and markets' detail; the others bring their month-level figures (and, when asked, the
 * agents' few figures), so a cold view costs what its period needs rather than the whole history
 * (issue 21: a 60-month roll-up is 3 MB of JSON).
 */
export async function loadRollups(tx: TenantTx, needs: RollupNeeds): Promise<StoredRollup[]> {
  const result = await tx.query<StoredRollup>(
    `SELECT to_char(coalesce(c.month, k.month), 'YYYY-MM') AS month,
            CASE WHEN c.whole OR k.month IS NOT NULL THEN c.rollup ELSE c.rollup_totals END AS rollup,
            NOT (c.whole OR k.month IS NOT NULL) AND c.rollup IS NOT NULL AS "totalsOnly",
            CASE WHEN NOT (c.whole OR k.month IS NOT NULL) AND $4::boolean THEN c.rollup_figures END AS figures,
            CASE WHEN c.month IS NOT NULL AND c.rollup IS NULL THEN c.document END AS document, k.rollup AS closings,
            CASE WHEN k.month IS NOT NULL THEN p.payout END AS payout
       FROM (SELECT month, rollup, rollup_totals, rollup_figures, document, coalesce(month BETWEEN $2::date AND $3::date, false) AS whole
               FROM commission_months WHERE tenant_id = $1) c
       FULL JOIN (SELECT month, rollup FROM closing_months WHERE tenant_id = $1) k ON k.month = c.month
       LEFT JOIN (
         SELECT m.month, json_build_object('total', m.total::text, 'manager', coalesce(m.by_role ->> 'manager', '0'), 'statements', coalesce(
                  (SELECT json_agg(json_build_object('payee', s.payee, 'total', s.total::text, 'roles', coalesce(s.statement -> 'roles', '[]'::jsonb)) ORDER BY s.position)
                     FROM payout_statements s WHERE s.tenant_id = m.tenant_id AND s.month = m.month), '[]'::json)) AS payout
           FROM payout_months m WHERE m.tenant_id = $1 AND m.status = 'approved'
       ) p ON p.month = k.month
      ORDER BY coalesce(c.month, k.month)`,
    [tx.tenantId, needs.detail ? monthDate(needs.detail.from) : null, needs.detail ? monthDate(needs.detail.to) : null, needs.figures],
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
