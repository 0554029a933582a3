import type pg from 'pg';
import type { StatusLog } from '../observability/connection-status.js';
import { ALL_TENANTS, CHANGE_CHANNEL, ChangeEventError, RESYNC_EVENT, type ChangeListener, type TenantChangeEvent } from './change-message.js';
import { PgChangeFeed } from './pg-change-feed.js';
import { RedisChangeFeed } from './redis-change-feed.js';
import type { ChangeFeed } from './change-feed-interface.js';

export type { ChangeFeed } from './change-feed-interface.js';
export { ALL_TENANTS, CHANGE_CHANNEL, ChangeEventError, RESYNC_EVENT, type ChangeListener, type TenantChangeEvent };

export interface ChangeFeedOptions {
  /** Redis pub/sub when set (REDIS_URL). */
  redisUrl: string | undefined;
  /** Otherwise PostgreSQL LISTEN/NOTIFY: the application role's URL, for the dedicated listening connection... */
  databaseUrl: string;
  /** ...and its pool, for NOTIFY. */
  pool: pg.Pool;
  log?: StatusLog;
}

/** Redis pub/sub when Redis is configured, PostgreSQL LISTEN/NOTIFY otherwise; connecting starts at once. */
export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  if (options.redisUrl) return new RedisChangeFeed({ url: options.redisUrl, log: options.log });
  return new PgChangeFeed({ connectionString: options.databaseUrl, pool: options.pool, log: options.log });
}
