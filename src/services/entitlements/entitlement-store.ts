import type pg from 'pg';
import { applyEntitlementChange, applyMarketplacePush, readEntitlements, type AppliedChange, type PushOutcome } from '../../db/entitlements.js';
import { withTenant } from '../../db/tenant.js';
import type { EntitlementChange, StoredEntitlements } from '../../domain/entitlements.js';

/**
 * Where the gate reads a tenant's entitlements and where every change to them is written.
 *
 * This is the seam for a cross-instance cache: today `read` is one primary-key row per request
 * (so a change is seen by every instance on its next request), and every write (push, claims,
 * pull) goes through `apply`/`push`. A caching store wraps this one: `read` goes through the cache,
 * and after a write that changed something it deletes the tenant's entry and publishes the tenant
 * id (Redis pub/sub) so other instances drop theirs.
 */
export interface EntitlementStore {
  read(tenantId: string): Promise<StoredEntitlements>;
  /** Applies a statement of a source if the precedence rule lets it (claims, pull). */
  apply(tenantId: string, change: EntitlementChange): Promise<AppliedChange>;
  /** A marketplace push: processed once per event id. */
  push(tenantId: string, eventId: string, change: EntitlementChange): Promise<{ outcome: PushOutcome; after: StoredEntitlements }>;
}

/** The store without a cache: PostgreSQL, under row-level security. */
export function databaseEntitlementStore(pool: pg.Pool): EntitlementStore {
  return {
    read: (tenantId) => withTenant(pool, tenantId, readEntitlements),
    apply: (tenantId, change) => withTenant(pool, tenantId, (tx) => applyEntitlementChange(tx, change)),
    push: (tenantId, eventId, change) => withTenant(pool, tenantId, (tx) => applyMarketplacePush(tx, eventId, change)),
  };
}
