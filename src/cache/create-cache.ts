import type { StatusLog } from '../observability/connection-status.js';
import type { ChangeFeed } from '../realtime/change-feed.js';
import type { TenantCache } from './cache.js';
import { MemoryTenantCache } from './memory-cache.js';
import { RedisTenantCache } from './redis-cache.js';

export interface TenantCacheOptions {
  /** REDIS_URL: the shared Redis cache when set. */
  redisUrl: string | undefined;
  /** The in-process cache learns of other instances' writes from it (unused with Redis). */
  feed: ChangeFeed;
  log?: StatusLog;
}

/**
 * Redis when configured (shared by every instance; invalidation is an INCR every instance sees),
 * in-process otherwise (invalidated across instances by the change feed). Closing the cache does
 * not close the feed.
 */
export function createTenantCache(options: TenantCacheOptions): TenantCache {
  if (options.redisUrl) return new RedisTenantCache({ url: options.redisUrl, log: options.log });
  return new MemoryTenantCache({ feed: options.feed });
}
