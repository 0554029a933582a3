import type { TenantTx } from './tenant.js';

/** One audited request, as the writer queues it. */
export interface AuditEntry {
  tenantId: string;
  occurredAt: Date;
  userId: string | null;
  action: string;
  resource: Record<string, unknown>;
  requestId: string;
  ip: string | null;
  status: number;
  durationMs: number | null;
}

export interface AuditRow {
  id: string;
  occurred_at: Date;
  user_id: string | null;
  user_email: string | null;
  action: string;
  /** The request's path parameters, as written. */
  resource: Record<string, string | number | boolean>;
  request_id: string;
  ip: string | null;
  status: number;
  duration_ms: number | null;
}

export interface AuditFilter {
  from?: string | undefined;
  to?: string | undefined;
  action?: string | undefined;
  userId?: string | undefined;
  limit: number;
  offset: number;
}

/** Appends one tenant's entries in one statement (the tenant of `tx`; RLS refuses any other). */
export async function insertAuditEntries(tx: TenantTx, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO audit_log (tenant_id, occurred_at, user_id, action, resource, request_id, ip, status, duration_ms)
     SELECT $1::uuid, e.occurred_at, e.user_id, e.action, e.resource, e.request_id, e.ip, e.status, e.duration_ms
       FROM jsonb_to_recordset($2::jsonb) AS e(occurred_at timestamptz, user_id uuid, action text, resource jsonb,
                                                request_id text, ip text, status smallint, duration_ms integer)`,
    [
      tx.tenantId,
      JSON.stringify(
        entries.map((entry) => ({
          occurred_at: entry.occurredAt.toISOString(),
          user_id: entry.userId,
          action: entry.action.slice(0, 300),
          resource: entry.resource,
          request_id: entry.requestId.slice(0, 128),
          ip: entry.ip?.slice(0, 64) ?? null,
          status: entry.status,
          duration_ms: entry.durationMs,
        })),
      ),
    ],
  );
}

/** The tenant's audit rows, newest first, one more than `limit` so the caller knows whether more follow. */
export async function listAuditEntries(tx: TenantTx, filter: AuditFilter): Promise<AuditRow[]> {
  const result = await tx.query<AuditRow>(
    `SELECT a.id, a.occurred_at, a.user_id, u.email AS user_email, a.action, a.resource, a.request_id, a.ip, a.status, a.duration_ms
       FROM audit_log a
       LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
      WHERE a.tenant_id = $1
        AND ($2::timestamptz IS NULL OR a.occurred_at >= $2)
        AND ($3::timestamptz IS NULL OR a.occurred_at < $3)
        AND ($4::text IS NULL OR a.action = $4)
        AND ($5::uuid IS NULL OR a.user_id = $5)
      ORDER BY a.occurred_at DESC, a.id DESC
      LIMIT $6 OFFSET $7`,
    [tx.tenantId, filter.from ?? null, filter.to ?? null, filter.action ?? null, filter.userId ?? null, filter.limit + 1, filter.offset],
  );
  return result.rows;
}
