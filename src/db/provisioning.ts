import type pg from 'pg';
import { tenantIdForOrg } from './tenant-id.js';
import { withTenant, type TenantTx } from './tenant.js';

import { promotionLastDay, roleOfNewUser } from '../domain/organisation.js';
import type { AppRole } from '../domain/principal.js';

export type { AppRole };

export interface ProvisionRequest {
  orgId: string;
  /** The token's `sub`. */
  userId: string;
  email: string | undefined;
  /**
   * For a token claiming the `payee` role: how it links to a roster person, by name
   * (`app_metadata.payee`) or else by the token's e-mail. Such a user is never created as the
   * tenant's first admin, and not created at all when the link finds nobody.
   */
  payee?: { name: string | undefined } | undefined;
  promoDays: number;
  /** Today's date, injected so promotions can be tested against a clock. */
  today: Date;
}

export interface ProvisionedUser {
  tenantId: string;
  userId: string;
  /** Role stored for the user: the first user of a tenant is admin, later ones member. */
  storedRole: AppRole;
  tenantCreated: boolean;
  /** For a payee token: the roster name it links to, or null when it links to nobody (refused). */
  payee?: string | null;
}

/**
 * The roster person a payee token names: by exact name when the token names one, else by e-mail
 * (case-insensitive; unique per tenant, migration 0016). Undefined when nobody matches.
 */
async function rosterPersonFor(tx: TenantTx, name: string | undefined, email: string | undefined): Promise<string | undefined> {
  if (name === undefined && email === undefined) return undefined;
  const result = await tx.query<{ name: string }>(
    name !== undefined
      ? 'SELECT name FROM agents WHERE tenant_id = $1 AND name = $2'
      : 'SELECT name FROM agents WHERE tenant_id = $1 AND email IS NOT NULL AND lower(email) = lower($2)',
    [tx.tenantId, name ?? email],
  );
  return result.rows[0]?.name;
}

/**
 * Takes the transaction's lock on the tenant's users: users are added (first sign-in), their roles
 * changed and users erased one at a time, so "is this the first user?" and "is this the only
 * admin?" are decided on a list nobody else is changing.
 */
export async function lockTenantUsers(tx: TenantTx): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`provision-users:${tx.tenantId}`]);
}

/** Creates the tenant of `orgId` (on a promotion) unless it exists; true when it was created. */
async function ensureTenantIn(tx: TenantTx, orgId: string, promo: { promoDays: number; today: Date }): Promise<boolean> {
  // No conflict target: a concurrent insert may collide on the id or on supabase_org_id first.
  const inserted = await tx.query(
    `INSERT INTO tenants (id, name, supabase_org_id) VALUES ($1, $2, $2)
     ON CONFLICT DO NOTHING RETURNING id`,
    [tx.tenantId, orgId],
  );
  if (inserted.rowCount !== 1) return false;
  // A tenant erased before starts where it stood then (its tombstone keeps tier and promotion end):
  // erasing and signing in again must not begin a new promotion. Otherwise promoDays days counting
  // the first one: promo_until is the last day, inclusive.
  await tx.query(
    `INSERT INTO entitlements (tenant_id, subscription_tier, promo_until, source)
     SELECT $1, coalesce(h.subscription_tier, 'promo'), CASE WHEN h.subscription_tier IS NULL THEN $2::date ELSE h.promo_until END, 'provisioning'
       FROM (SELECT 1) AS one LEFT JOIN erased_tenant_entitlements() AS h ON true
     ON CONFLICT (tenant_id) DO NOTHING`,
    [tx.tenantId, promotionLastDay(promo.today, promo.promoDays)],
  );
  return true;
}

/** The tenant of `orgId`, created when missing (for tools that act for a tenant without a user). */
export async function ensureTenant(pool: pg.Pool, orgId: string, promo: { promoDays: number; today: Date }) {
  const tenantId = tenantIdForOrg(orgId);
  const created = await withTenant(pool, tenantId, (tx) => ensureTenantIn(tx, orgId, promo));
  return { tenantId, created };
}

/**
 * Finds or creates the tenant of `orgId` and the user `userId` in it, safely under concurrency:
 * the tenant insert is idempotent on its primary key, and users of one tenant are provisioned one
 * at a time (transaction advisory lock) so that exactly one of them becomes the first, admin, user.
 */
export async function provisionUser(pool: pg.Pool, request: ProvisionRequest): Promise<ProvisionedUser> {
  const tenantId = tenantIdForOrg(request.orgId);
  return withTenant(pool, tenantId, async (tx) => {
    if (request.payee) return provisionPayee(tx, request, request.payee.name);
    const tenantCreated = await ensureTenantIn(tx, request.orgId, request);

    const existing = await tx.query<{ id: string; role: AppRole }>(
      'SELECT id, role FROM users WHERE tenant_id = $1 AND supabase_user_id = $2',
      [tenantId, request.userId],
    );
    if (existing.rows[0]) {
      return { tenantId, userId: existing.rows[0].id, storedRole: existing.rows[0].role, tenantCreated };
    }

    await lockTenantUsers(tx);
    // One statement under the lock: whether the tenant has users yet is read where the row is written.
    const created = await tx.query<{ id: string; role: AppRole }>(
      `INSERT INTO users (tenant_id, supabase_user_id, email, role)
       VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM users WHERE tenant_id = $1) THEN $5 ELSE $4 END)
       ON CONFLICT (tenant_id, supabase_user_id) DO NOTHING
       RETURNING id, role`,
      [tenantId, request.userId, request.email ?? null, roleOfNewUser(false), roleOfNewUser(true)],
    );
    const row =
      created.rows[0] ??
      (
        await tx.query<{ id: string; role: AppRole }>(
          'SELECT id, role FROM users WHERE tenant_id = $1 AND supabase_user_id = $2',
          [tenantId, request.userId],
        )
      ).rows[0];
    if (!row) throw new Error('user vanished during provisioning');
    return { tenantId, userId: row.id, storedRole: row.role, tenantCreated };
  });
}

/**
 * A payee token's user: linked first, created (as a member, so never the tenant's first admin) only
 * when the link finds a roster person. A payee creates no tenant: an organisation without a roster
 * has nobody to link to. And a roster exists only after an admin (or the CLI) imported data, so a
 * tenant's first admin is never decided by a payee's sign-in.
 */
async function provisionPayee(tx: TenantTx, request: ProvisionRequest, name: string | undefined): Promise<ProvisionedUser> {
  const payee = (await rosterPersonFor(tx, name, name === undefined ? request.email : undefined)) ?? null;
  const existing = await tx.query<{ id: string; role: AppRole }>('SELECT id, role FROM users WHERE tenant_id = $1 AND supabase_user_id = $2', [
    tx.tenantId,
    request.userId,
  ]);
  if (existing.rows[0]) return { tenantId: tx.tenantId, userId: existing.rows[0].id, storedRole: existing.rows[0].role, tenantCreated: false, payee };
  if (payee === null) return { tenantId: tx.tenantId, userId: '', storedRole: 'member', tenantCreated: false, payee };
  await lockTenantUsers(tx);
  const created = await tx.query<{ id: string; role: AppRole }>(
    `INSERT INTO users (tenant_id, supabase_user_id, email, role) VALUES ($1, $2, $3, 'member')
     ON CONFLICT (tenant_id, supabase_user_id) DO UPDATE SET email = users.email
     RETURNING id, role`,
    [tx.tenantId, request.userId, request.email ?? null],
  );
  const row = created.rows[0]!;
  return { tenantId: tx.tenantId, userId: row.id, storedRole: row.role, tenantCreated: false, payee };
}
