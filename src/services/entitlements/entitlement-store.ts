import type pg from 'pg';
import { applyEntitlementChange, applyMarketplacePush, readEntitlements, type AppliedChange, type PushOutcome } from '../../db/entitlements.js';
import { bumpCacheGeneration } from '../../db/cache-generations.js';
import { withTenant } from '../../db/tenant.js';
import type { EntitlementChange, StoredEntitlements } from '../../domain/entitlements.js';
import type { TenantCache } from '../../cache/cache.js';

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
    // A change bumps the durable cache generation in its own transaction (cached entitlements die with it).
    apply: (tenantId, change) =>
      withTenant(pool, tenantId, async (tx) => {
        const result = await applyEntitlementChange(tx, change);
        if (result.changed) await bumpCacheGeneration(tx);
        return result;
      }),
    push: (tenantId, eventId, change) =>
      withTenant(pool, tenantId, async (tx) => {
        const result = await applyMarketplacePush(tx, eventId, change);
        if (result.outcome === 'applied') await bumpCacheGeneration(tx);
        return result;
      }),
  };
}

/** How long a tenant's entitlements may be served from the cache without any change being heard of. */
const CACHE_TTL_SECONDS = 60;

/**
 * The store behind the tenant cache: while nothing changes, an authenticated request reads its
 * tenant's entitlements without a database round trip (the benchmark found that read capping
 * throughput). A change that took effect is announced — the tenant's cache generation is bumped, on
 * every instance with Redis, and the change feed tells the others — so it applies on the next
 * request everywhere. Promotions still expire on time: access is decided against the clock on every
 * request, only the stored record is cached.
 */
export function cachedEntitlementStore(
  inner: EntitlementStore,
  cache: TenantCache,
  announce: (tenantId: string) => Promise<void>,
): EntitlementStore {
  return {
    async read(tenantId) {
      const stored = await cache.getOrLoad(tenantId, 'entitlements', CACHE_TTL_SECONDS, () => inner.read(tenantId));
      // Cached values travel as JSON: bring the one date back.
      return { ...stored, sourceTime: stored.sourceTime === null ? null : new Date(stored.sourceTime) };
    },
    async apply(tenantId, change) {
      const result = await inner.apply(tenantId, change);
      if (result.changed) await announce(tenantId);
      return result;
    },
    async push(tenantId, eventId, change) {
      const result = await inner.push(tenantId, eventId, change);
      if (result.outcome === 'applied') await announce(tenantId);
      return result;
    },
  };
}
