import type { TenantTx } from './tenant.js';

/** What a signed marketplace request (other than the entitlement push) asked for. */
export type MarketplaceRequestKind = 'session_revoke' | 'user_erase';

/** True when the tenant has already processed the marketplace request `eventId` (of any kind). */
export async function marketplaceRequestSeen(tx: TenantTx, eventId: string): Promise<boolean> {
  const seen = await tx.query('SELECT 1 FROM marketplace_requests WHERE tenant_id = $1 AND event_id = $2', [tx.tenantId, eventId]);
  return (seen.rowCount ?? 0) > 0;
}

/**
 * Records the request as processed; false when it already was (a concurrent delivery). Nothing is
 * recorded for an organisation that is not provisioned here: there is no tenant to keep it with,
 * and what such a request does (a revocation kept until the tokens expire) is idempotent.
 */
export async function recordMarketplaceRequest(tx: TenantTx, eventId: string, kind: MarketplaceRequestKind): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO marketplace_requests (tenant_id, event_id, kind)
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)
     ON CONFLICT (tenant_id, event_id) DO NOTHING`,
    [tx.tenantId, eventId, kind],
  );
  return (inserted.rowCount ?? 0) > 0;
}
