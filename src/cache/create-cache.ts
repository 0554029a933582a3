import type pg from 'pg';
import { databaseIdentity } from '../db/cache-generations.js';
import type { StatusLog } from '../observability/connection-status.js';
import type { ChangeFeed, TenantChangeEvent } from '../realtime/change-feed.js';
import type { TenantCache } from './cache.js';
import { MemoryTenantCache } from './memory-cache.js';
import { DatabaseGenerations } from './generations.js';
import { RedisTenantCache } from './redis-cache.js';

export interface TenantCacheOptions {
  /** REDIS_URL: the shared Redis cache when set. */
  redisUrl: string | undefined;
  /** The in-process cache learns of other instances' writes from it (unused with Redis). */
  feed: ChangeFeed;
  /** The application role's pool: where the durable generations live (and the database's identity). */
  pool: pg.Pool;
  log?: StatusLog;
}

/**
 * Redis when configured (shared by every instance; generations durable in PostgreSQL, copied in
 * Redis), in-process otherwise (invalidated across instances by the change feed). The Redis keys
 * start with the database's identity (`cip:<system identifier>.<database oid>`): two databases
 * sharing a Redis, or a database restored under a Redis that outlived it, never see each other's
 * entries. Closing the cache does not close the feed.
 */
export async function createTenantCache(options: TenantCacheOptions): Promise<TenantCache> {
  if (options.redisUrl) {
    return new RedisTenantCache({
      url: options.redisUrl,
      log: options.log,
      prefix: await redisCachePrefix(options.pool),
      generations: new DatabaseGenerations({ pool: options.pool }),
    });
  }
  return new MemoryTenantCache({ feed: options.feed });
}

/** The first segment of the cache's Redis keys: this database's, no other's. */
export async function redisCachePrefix(pool: pg.Pool): Promise<string> {
  return `cip:${await databaseIdentity(pool)}`;
}

/**
 * What a process without routes (the CLI, the demo seed) does after a committed write, as a
 * request would: drop the tenant's cached results (in Redis for every instance at once; in process
 * memory only here) and announce the change on the feed, which every instance's in-process cache
 * and open dashboards hear. Never throws for an infrastructure failure.
 */
export function invalidateAndAnnounce(deps: { cache: TenantCache; feed: ChangeFeed }) {
  return async (tenantId: string, change: TenantChangeEvent = { type: 'change' }): Promise<void> => {
    await deps.cache.invalidateTenant(tenantId);
    await deps.feed.publish(tenantId, change);
  };
}
