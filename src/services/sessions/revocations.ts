import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { insertRevocation, readRevocations } from '../../db/session-revocations.js';
import { withTenant } from '../../db/tenant.js';
import type { ChangeFeed } from '../../realtime/change-feed-interface.js';
import { ALL_TENANTS, SESSIONS_CHANGED, TENANT_ERASED } from '../../realtime/change-message.js';
import { closeRedisClient, createRedisClient } from '../../redis/client.js';

/**
 * Revoked sessions (the `session_id` claim Supabase puts in every token), per tenant: a tenant's
 * admin can only ever revoke its own users' sessions. An entry lives as long as a token of the
 * session could still be valid, then expires by itself.
 */
export interface SessionRevocations {
  revoke(tenantId: string, sessionId: string, ttlSeconds: number): Promise<void>;
  isRevoked(tenantId: string, sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Longest a revocation is kept when its token's expiry is not known: Supabase's longest JWT expiry (one week). */
export const DEFAULT_REVOCATION_TTL_SECONDS = 7 * 24 * 3600;

const key = (tenantId: string, sessionId: string) => `${tenantId}\u0000${sessionId}`;

/** In-process: one process only (a building block of the shared stores, and for tests). */
class MemoryRevocations implements SessionRevocations {
  private readonly entries = new LRUCache<string, true>({ max: 1_000_000, ttlAutopurge: false });

  async revoke(tenantId: string, sessionId: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key(tenantId, sessionId), true, { ttl: Math.max(1, ttlSeconds) * 1000 });
  }

  async isRevoked(tenantId: string, sessionId: string): Promise<boolean> {
    return this.entries.get(key(tenantId, sessionId)) === true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

export interface RevocationLog {
  warn(object: Record<string, unknown>, message: string): void;
}

/**
 * Shared through Redis, so a revocation through one instance holds on every instance. Also kept
 * in process: while Redis is unreachable, revocations made through this instance still hold here,
 * and a check that cannot reach Redis lets the token through (logged), since refusing every
 * request during a Redis outage would take the whole service down with it. A revocation that
 * cannot be written to Redis fails loudly (503), so nobody believes a session is revoked when
 * other instances would still accept it.
 */
class RedisRevocations implements SessionRevocations {
  private readonly redis: Redis;
  private readonly local = new MemoryRevocations();

  constructor(url: string, private readonly log: RevocationLog) {
    this.redis = createRedisClient(url, { name: 'sessions' });
    this.redis.on('error', () => {}); // each failing call is handled (and logged) where it happens
  }

  private redisKey(tenantId: string, sessionId: string): string {
    return `cip:revoked:{${tenantId}}:${encodeURIComponent(sessionId)}`;
  }

  async revoke(tenantId: string, sessionId: string, ttlSeconds: number): Promise<void> {
    await this.local.revoke(tenantId, sessionId, ttlSeconds);
    await this.redis.set(this.redisKey(tenantId, sessionId), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async isRevoked(tenantId: string, sessionId: string): Promise<boolean> {
    if (await this.local.isRevoked(tenantId, sessionId)) return true;
    try {
      return (await this.redis.exists(this.redisKey(tenantId, sessionId))) === 1;
    } catch (error) {
      this.log.warn({ err: error, tenant_id: tenantId }, 'cannot check session revocations in Redis; accepting the token');
      return false;
    }
  }

  async close(): Promise<void> {
    await closeRedisClient(this.redis);
  }
}

/** How long an instance trusts the revoked sessions it read for a tenant without hearing of a change. */
const REVOCATIONS_REFRESH_MS = 5_000;

export interface DatabaseRevocationsDeps {
  pool: pg.Pool;
  log: RevocationLog;
  /** Tells this instance of revocations made through the others at once; without it, within `refreshMs`. */
  feed?: ChangeFeed | undefined;
  refreshMs?: number;
}

/**
 * Shared through PostgreSQL when there is no Redis (migration 0025), so a revocation through one
 * instance or WEB_CONCURRENCY worker holds on all of them. Each instance keeps a tenant's revoked
 * sessions in memory after one read and reads them again when the change feed says the tenant's
 * sessions changed (a revocation publishes `sessions`), when the feed resyncs after a lost
 * connection, and at the latest `refreshMs` after the last read, so a lost notification delays a
 * revocation elsewhere by seconds, never for good. A check that cannot read PostgreSQL lets the
 * token through (logged), as a Redis outage does; a revocation that cannot be stored fails (503).
 * Expiry is the database's clock throughout: an entry read here is trusted for `refreshMs` at most.
 */
export class DatabaseRevocations implements SessionRevocations {
  private readonly tenants: LRUCache<string, Promise<ReadonlySet<string>>>;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: DatabaseRevocationsDeps) {
    this.tenants = new LRUCache({ max: 10_000, ttl: deps.refreshMs ?? REVOCATIONS_REFRESH_MS, ttlAutopurge: false });
    this.unsubscribe =
      deps.feed?.subscribe((tenantId, event) => {
        if (tenantId === ALL_TENANTS) this.tenants.clear();
        else if (event.type === SESSIONS_CHANGED || event.type === TENANT_ERASED) this.tenants.delete(tenantId);
      }) ?? (() => {});
  }

  async revoke(tenantId: string, sessionId: string, ttlSeconds: number): Promise<void> {
    await withTenant(this.deps.pool, tenantId, (tx) => insertRevocation(tx, sessionId, Math.max(1, Math.ceil(ttlSeconds))));
    this.tenants.delete(tenantId);
  }

  async isRevoked(tenantId: string, sessionId: string): Promise<boolean> {
    let revoked = this.tenants.get(tenantId);
    if (!revoked) {
      // One read per tenant at a time, however many of its requests arrive together.
      revoked = withTenant(this.deps.pool, tenantId, (tx) => readRevocations(tx));
      this.tenants.set(tenantId, revoked);
      revoked.catch(() => {
        if (this.tenants.get(tenantId) === revoked) this.tenants.delete(tenantId);
      });
    }
    try {
      return (await revoked).has(sessionId);
    } catch (error) {
      this.deps.log.warn({ err: error, tenant_id: tenantId }, 'cannot read session revocations from PostgreSQL; accepting the token');
      return false;
    }
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.tenants.clear();
  }
}

/** Revoked sessions: in Redis when configured, in PostgreSQL otherwise; either way every instance sees them. */
export function createRevocations(redisUrl: string | undefined, deps: DatabaseRevocationsDeps): SessionRevocations {
  return redisUrl ? new RedisRevocations(redisUrl, deps.log) : new DatabaseRevocations(deps);
}
