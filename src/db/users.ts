import type { OtherMembers } from '../domain/organisation.js';
import type { AppRole } from './provisioning.js';
import type { TenantTx } from './tenant.js';

export { lockTenantUsers } from './provisioning.js';

/** A user of the organisation as the service knows them (the marketplace owns the account). */
export interface UserRow {
  id: string;
  email: string | null;
  role: AppRole;
  created_at: Date;
}

const COLUMNS = 'id, email, role, created_at';

/** Users of the tenant, oldest first. */
export async function listUsers(tx: TenantTx): Promise<UserRow[]> {
  const result = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY created_at, id`, [tx.tenantId]);
  return result.rows;
}

export async function readUser(tx: TenantTx, userId: string): Promise<UserRow | undefined> {
  const result = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2`, [tx.tenantId, userId]);
  return result.rows[0];
}

/** How many other users, and other stored admins, the tenant has besides `userId`. */
export async function otherMembers(tx: TenantTx, userId: string): Promise<OtherMembers> {
  const result = await tx.query<OtherMembers>(
    `SELECT count(*)::int AS users, count(*) FILTER (WHERE role = 'admin')::int AS admins
       FROM users WHERE tenant_id = $1 AND id <> $2`,
    [tx.tenantId, userId],
  );
  return result.rows[0]!;
}

/** Sets the stored role (the one that applies when a token claims none). */
export async function updateUserRole(tx: TenantTx, userId: string, role: AppRole): Promise<UserRow> {
  const updated = await tx.query<UserRow>(`UPDATE users SET role = $3 WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [tx.tenantId, userId, role]);
  return updated.rows[0]!;
}

/** The internal id of the user the marketplace knows as `subject` (the token's `sub`). */
export async function userIdOfSubject(tx: TenantTx, subject: string): Promise<string | undefined> {
  const found = await tx.query<{ id: string }>('SELECT id FROM users WHERE tenant_id = $1 AND supabase_user_id = $2', [tx.tenantId, subject]);
  return found.rows[0]?.id;
}

/**
 * Removes a user's personal data: their users row (e-mail, marketplace user id) and the IP
 * addresses of their requests in the audit trail (migration 0008). The audit rows themselves
 * stay, under an internal id that no longer leads to anybody. Returns the audit entries redacted.
 */
export async function eraseUserData(tx: TenantTx, userId: string): Promise<number> {
  await tx.query('DELETE FROM users WHERE tenant_id = $1 AND id = $2', [tx.tenantId, userId]);
  const redacted = await tx.query<{ count: number }>('SELECT redact_user_audit($1) AS count', [userId]);
  return redacted.rows[0]!.count;
}
