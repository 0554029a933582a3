import type { TenantTx } from './tenant.js';

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

/**
 * Claims `key` for this transaction, or returns what an earlier request with it answered. The
 * claim is a row insert: a concurrent request with the same key waits on it until this
 * transaction ends, then sees the stored response (or, if this one failed, claims the key itself).
 */
export async function claimIdempotencyKey(tx: TenantTx, key: string, requestHash: string): Promise<StoredResponse | undefined> {
  const claimed = await tx.query(
    `INSERT INTO idempotency_keys (tenant_id, key, request_hash, status_code, response)
     VALUES ($1, $2, $3, 0, 'null'::jsonb) ON CONFLICT DO NOTHING RETURNING 1`,
    [tx.tenantId, key, requestHash],
  );
  if (claimed.rowCount === 1) return undefined;
  const earlier = await tx.query<{ request_hash: string; status_code: number; response: unknown }>(
    'SELECT request_hash, status_code, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2',
    [tx.tenantId, key],
  );
  const row = earlier.rows[0];
  if (!row) throw new Error('idempotency key vanished');
  return { requestHash: row.request_hash, statusCode: row.status_code, response: row.response };
}

export async function saveIdempotentResponse(tx: TenantTx, key: string, statusCode: number, response: unknown): Promise<void> {
  await tx.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE tenant_id = $1 AND key = $2', [
    tx.tenantId,
    key,
    statusCode,
    JSON.stringify(response),
  ]);
}
