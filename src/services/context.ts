import type pg from 'pg';
import { insertAuditEntries } from '../db/audit.js';
import { bumpCacheGeneration } from '../db/cache-generations.js';
import { withTenant, type TenantTx, type WithTenantOptions } from '../db/tenant.js';
import { forbiddenError } from '../domain/app-error.js';
import type { Principal } from '../domain/principal.js';
import type { WriteAudit } from './audit/audit-queue.js';

/** A change of a tenant's data, as the change feed and open dashboards hear of it. */
export interface TenantChange {
  type: string;
  month?: string;
}

/**
 * After a committed write: drops the tenant's cached results (everywhere, with Redis) and tells
 * every instance and open dashboard. Never throws for an infrastructure failure.
 */
export type TenantChanged = (tenantId: string, change?: TenantChange) => Promise<void>;

/** What every use case may rely on, whoever calls it (a route, the CLI, a job). */
export interface ServiceDeps {
  /** The application role's pool: row-level security applies to everything it does. */
  pool: pg.Pool;
  clock: () => Date;
  tenantChanged: TenantChanged;
}

/** A use case's first argument: who asks, and the dependencies to answer with. */
export interface ServiceContext extends ServiceDeps {
  principal: Principal;
  /** The audit row of the request's write (HTTP requests; the CLI and jobs have none). */
  writeAudit?: WriteAudit | undefined;
}

export function serviceContext(deps: ServiceDeps, principal: Principal, writeAudit?: WriteAudit): ServiceContext {
  return { pool: deps.pool, clock: deps.clock, tenantChanged: deps.tenantChanged, principal, writeAudit };
}

/**
 * The principal's tenant transaction: the one door to tenant rows, for use cases. `fn` may run
 * more than once (a deadlock or serialization failure re-runs the whole transaction): keep its
 * effects inside the transaction, or pass `{ rerunnable: false }`.
 */
export function inTenant<T>(ctx: ServiceContext, fn: (tx: TenantTx) => Promise<T>, options?: WithTenantOptions): Promise<T> {
  // A payee's transactions carry the payee: the database then shows only their rows (migration 0016).
  return withTenant(ctx.pool, ctx.principal.tenantId, fn, { ...options, payee: ctx.principal.payee });
}

/**
 * A write in the principal's tenant: `fn` runs in one transaction. When there is a change, the
 * same transaction then writes the request's audit row and bumps the tenant's durable cache
 * generation (last: its row lock is held only while committing), so the audit row and the
 * invalidation commit with the data or not at all; once committed, the change is announced.
 * `change` may depend on the result; null is no change (a replay, or nothing found to change):
 * nothing is announced and the request is audited after its answer, with its real status.
 */
export async function writeInTenant<T>(
  ctx: ServiceContext,
  change: TenantChange | ((result: T) => TenantChange | null),
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  const announcement = (result: T) => (typeof change === 'function' ? change(result) : change);
  const result = await inTenant(ctx, async (tx) => {
    const written = await fn(tx);
    if (announcement(written)) {
      const entry = ctx.writeAudit?.entry();
      if (entry) await insertAuditEntries(tx, [entry]);
      await bumpCacheGeneration(tx);
    }
    return written;
  });
  const announced = announcement(result);
  if (announced) {
    ctx.writeAudit?.committed();
    await ctx.tenantChanged(ctx.principal.tenantId, announced);
  }
  return result;
}

/** Writes need the admin role; routes say so too (for the OpenAPI document), use cases enforce it. */
export function requireAdmin(ctx: ServiceContext): void {
  if (ctx.principal.role !== 'admin') throw forbiddenError('this action needs the admin role');
}

/** System work (CLI, jobs, tests) acts as an admin of the tenant with no user behind it. */
export function systemPrincipal(tenantId: string, orgId = 'system'): Principal {
  return { tenantId, orgId, userId: '00000000-0000-0000-0000-000000000000', role: 'admin', sessionId: undefined, email: undefined };
}
