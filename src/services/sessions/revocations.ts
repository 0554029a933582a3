import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
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

/** In-process: one instance only (or each instance told separately). */
export class MemoryRevocations implements SessionRevocations {
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
export class RedisRevocations implements SessionRevocations {
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

export function createRevocations(redisUrl: string | undefined, log: RevocationLog): SessionRevocations {
  return redisUrl ? new RedisRevocations(redisUrl, log) : new MemoryRevocations();
}
