import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

/** The imported months in [from, to] (YYYY-MM, oldest first); `from` null: from the first. */
export async function historyMonthsIn(tx: TenantTx, from: string | null, to: string): Promise<string[]> {
  const result = await tx.query<{ month: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month FROM commission_months
      WHERE tenant_id = $1 AND month >= coalesce($2::date, '-infinity') AND month <= $3 ORDER BY month`,
    [tx.tenantId, from === null ? null : monthDate(from), monthDate(to)],
  );
  return result.rows.map((row) => row.month);
}

/** A history month as PostgreSQL sends it: its import document's JSON text, not decoded here. */
export interface HistoryMonthText {
  month: string;
  text: string;
}

/**
 * The documents of `months` as JSON text, for the plan workers to decode (src/services/plans/
 * history-feed.ts): with deals, the canonical text stored with the import (sent as it is, no jsonb
 * to encode) when there is one; without, the stored payees (the document less its deals and
 * metadata, migration 0026).
 */
export async function readHistoryTexts(tx: TenantTx, months: readonly string[], options: { deals: boolean }): Promise<HistoryMonthText[]> {
  const text = options.deals ? 'coalesce(document_text, document::text)' : 'payees::text';
  const result = await tx.query<HistoryMonthText>(
    `SELECT to_char(month, 'YYYY-MM') AS month, ${text} AS text FROM commission_months
      WHERE tenant_id = $1 AND month = ANY($2::date[]) ORDER BY month`,
    [tx.tenantId, months.map(monthDate)],
  );
  return result.rows;
}

/** The tenant's latest imported month (YYYY-MM), or null before its first import. */
export async function latestMonth(tx: TenantTx): Promise<string | null> {
  const span = await tx.query<{ last: string | null }>("SELECT to_char(max(month), 'YYYY-MM') AS last FROM commission_months WHERE tenant_id = $1", [
    tx.tenantId,
  ]);
  return span.rows[0]?.last ?? null;
}
