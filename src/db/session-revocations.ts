import type { TenantTx } from './tenant.js';

/**
 * Records that the tenant's session `sessionId` is revoked for `ttlSeconds` from now, by the
 * database's clock (a later expiry of an earlier revocation is kept), and forgets the tenant's
 * revocations that have run out.
 */
export async function insertRevocation(tx: TenantTx, sessionId: string, ttlSeconds: number): Promise<void> {
  await tx.query('DELETE FROM session_revocations WHERE tenant_id = $1 AND expires_at <= now()', [tx.tenantId]);
  await tx.query(
    `INSERT INTO session_revocations (tenant_id, session_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (tenant_id, session_id) DO UPDATE SET expires_at = GREATEST(session_revocations.expires_at, EXCLUDED.expires_at)`,
    [tx.tenantId, sessionId, ttlSeconds],
  );
}

/** The tenant's revoked sessions that have not run out. */
export async function readRevocations(tx: TenantTx): Promise<Set<string>> {
  const result = await tx.query<{ session_id: string }>(
    'SELECT session_id FROM session_revocations WHERE tenant_id = $1 AND expires_at > now()',
    [tx.tenantId],
  );
  return new Set(result.rows.map((row) => row.session_id));
}
