import { lockTenantUsers, type AppRole } from './provisioning.js';
import type { TenantTx } from './tenant.js';

/** A user of the organisation as the service knows them (the marketplace owns the account). */
export interface UserRow {
  id: string;
  email: string | null;
  role: AppRole;
  created_at: Date;
}

export type UserChange =
  | { status: 'done'; user: UserRow }
  | { status: 'not-found' }
  /** The change would leave an organisation that has other users without an admin. */
  | { status: 'last-admin' };

export type UserErasure =
  | { status: 'erased'; auditEntriesRedacted: number }
  | { status: 'not-found' }
  | { status: 'last-admin' };

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

/** True when `userId` is the tenant's only stored admin and someone else would be left without one. */
async function isLastAdmin(tx: TenantTx, userId: string): Promise<boolean> {
  const result = await tx.query<{ last: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id <> $2 AND role = 'admin')
        AND EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id <> $2) AS last`,
    [tx.tenantId, userId],
  );
  return result.rows[0]!.last;
}

/** Sets the stored role (the one that applies when a token claims none). */
export async function setUserRole(tx: TenantTx, userId: string, role: AppRole): Promise<UserChange> {
  await lockTenantUsers(tx);
  const user = await readUser(tx, userId);
  if (!user) return { status: 'not-found' };
  if (user.role === 'admin' && role !== 'admin' && (await isLastAdmin(tx, userId))) return { status: 'last-admin' };
  const updated = await tx.query<UserRow>(`UPDATE users SET role = $3 WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [tx.tenantId, userId, role]);
  return { status: 'done', user: updated.rows[0]! };
}

/**
 * Removes a user's personal data: their users row (e-mail, marketplace user id) and the IP
 * addresses of their requests in the audit trail (migration 0008). The audit rows themselves
 * stay, under an internal id that no longer leads to anybody. Refused for the organisation's only
 * admin while it has other users.
 */
export async function eraseUser(tx: TenantTx, userId: string): Promise<UserErasure> {
  await lockTenantUsers(tx);
  const user = await readUser(tx, userId);
  if (!user) return { status: 'not-found' };
  if (user.role === 'admin' && (await isLastAdmin(tx, userId))) return { status: 'last-admin' };
  return { status: 'erased', auditEntriesRedacted: await erase(tx, userId) };
}

/**
 * The same erasure, asked for by the marketplace by its own user id (the token's `sub`): the
 * account is gone there, so it is not refused for a last admin (roles come from the marketplace).
 */
export async function eraseMarketplaceUser(tx: TenantTx, subject: string): Promise<{ userId: string; auditEntriesRedacted: number } | undefined> {
  await lockTenantUsers(tx);
  const found = await tx.query<{ id: string }>('SELECT id FROM users WHERE tenant_id = $1 AND supabase_user_id = $2', [tx.tenantId, subject]);
  const userId = found.rows[0]?.id;
  if (!userId) return undefined;
  return { userId, auditEntriesRedacted: await erase(tx, userId) };
}

async function erase(tx: TenantTx, userId: string): Promise<number> {
  await tx.query('DELETE FROM users WHERE tenant_id = $1 AND id = $2', [tx.tenantId, userId]);
  const redacted = await tx.query<{ count: number }>('SELECT redact_user_audit($1) AS count', [userId]);
  return redacted.rows[0]!.count;
}
