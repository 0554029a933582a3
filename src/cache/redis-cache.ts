import type { Redis } from 'ioredis';
import { ConnectionStatus, type StatusLog } from '../observability/connection-status.js';
import { closeRedisClient, createRedisClient } from '../redis/client.js';
import type { TenantGenerations } from './generations.js';
import {
  CacheCounters,
  SingleFlight,
  effectiveTtlSeconds,
  entryKey,
  generationKey,
  serialise,
  tenantEntriesPrefix,
  JSON_CODEC,
  type CacheCodec,
  type CacheStats,
  type TenantCache,
} from './cache.js';

export interface RedisCacheOptions {
  url: string;
  /** First segment of every key; tests use their own so they never see each other's keys. */
  prefix?: string;
  log?: StatusLog | undefined;
  /** Largest single value cached, bytes of JSON; larger values are computed every time. */
  maxValueBytes?: number;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Connection name in CLIENT LIST: `cip-<name>`. */
  name?: string;
  /** The durable generations (DatabaseGenerations in the service) that Redis keeps copies of. */
  generations: TenantGenerations;
}

/** A literal for a Redis MATCH pattern: glob characters (`*`, `?`, `[`, `]`, `\\`) escaped. */
function globEscaped(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Raises the stored generation to at least ARGV[1] and answers the one in force: the larger. One
 * round trip, and a copy that is behind the database (a Redis that kept its keys through an
 * outage in which writes committed) is repaired by the first read that sees it.
 */
const GENERATION_SCRIPT = `local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return current end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

/**
 * The shared cache: every instance using the same Redis sees the same entries and the same
 * generation numbers, so an invalidation through one instance is seen by the next read through any
 * other, with no message passing.
 *
 * The generation itself is durable in PostgreSQL (migration 0014, bumped in each write's own
 * transaction); Redis holds a copy, and each instance remembers the last one it read from the
 * database (`TenantGenerations.floor`, at most a few seconds old). A read uses the larger of the
 * two and raises Redis's copy to it, so neither a Redis that kept its keys through an outage in
 * which writes committed, nor an evicted generation key, nor an instance restarted meanwhile can
 * bring back an entry an invalidation killed. When Redis reconnects or fails, the remembered
 * floors are forgotten and read again.
 *
 * Every Redis failure is a miss or a no-op, counted in `errors`, logged once per outage. An
 * invalidation that could not reach Redis is remembered: the tenant is not served from the cache
 * by this instance until Redis has the new generation (at the next use, and when Redis is back).
 */
export class RedisTenantCache implements TenantCache {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly maxValueBytes: number;
  private readonly counters = new CacheCounters();
  private readonly status: ConnectionStatus;
  private readonly loads = new SingleFlight();
  private readonly pendingInvalidations = new Set<string>();
  private readonly generations: TenantGenerations;

  constructor(options: RedisCacheOptions) {
    this.generations = options.generations;
    this.prefix = options.prefix ?? 'cip';
    this.maxValueBytes = options.maxValueBytes ?? 2 * 1024 * 1024;
    this.status = new ConnectionStatus('Redis cache', options.log);
    this.redis = createRedisClient(options.url, {
      name: options.name ?? 'cache',
      ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    });
    this.redis.on('error', (error: Error) => this.status.failed(error, 'answers are computed uncached until it returns'));
    this.redis.on('ready', () => {
      this.generations.forgetAll();
      this.status.recovered();
      void this.retryInvalidations();
    });
  }

  /** True while connected; false means every call is a miss or a no-op. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  async get<T>(tenantId: string, key: string): Promise<T | undefined> {
    const generation = await this.currentGeneration(tenantId);
    if (generation === undefined) {
      this.counters.misses += 1;
      return undefined;
    }
    return this.read<T>(tenantId, key, generation, JSON_CODEC);
  }

  async set<T>(tenantId: string, key: string, value: T, ttlSeconds: number): Promise<void> {
    if (effectiveTtlSeconds(ttlSeconds) === undefined) return;
    const generation = await this.currentGeneration(tenantId);
    if (generation !== undefined) await this.write(tenantId, key, generation, value, ttlSeconds, JSON_CODEC);
  }

  async getOrLoad<T>(tenantId: string, key: string, ttlSeconds: number, load: () => Promise<T>, codec: CacheCodec<T> = JSON_CODEC): Promise<T> {
    const generation = await this.currentGeneration(tenantId);
    if (generation === undefined) {
      this.counters.misses += 1;
      return load();
    }
    const cached = await this.read(tenantId, key, generation, codec);
    if (cached !== undefined) return cached;
    return this.loads.run(entryKey(this.prefix, tenantId, generation, key), async () => {
      const value = await load();
      await this.write(tenantId, key, generation, value, ttlSeconds, codec);
      return value;
    });
  }

  async invalidateTenant(tenantId: string): Promise<void> {
    this.counters.invalidations += 1;
    const generation = await this.generations.bump(tenantId);
    if (generation === undefined || (await this.raiseGeneration(tenantId, generation)) === undefined) this.pendingInvalidations.add(tenantId);
  }

  async deleteTenant(tenantId: string): Promise<void> {
    await this.invalidateTenant(tenantId);
    // SCAN (non-blocking, in steps) for the tenant's keys of every generation, UNLINK (freed in the
    // background) what each step finds. The hash tag keeps them on one shard of a cluster.
    const match = `${globEscaped(tenantEntriesPrefix(this.prefix, tenantId))}*`;
    let cursor = '0';
    try {
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        if (keys.length > 0) await this.redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch (error) {
      this.failed(error);
    }
  }

  stats(): CacheStats {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {
    await closeRedisClient(this.redis);
  }

  private failed(error: unknown): void {
    this.counters.errors += 1;
    this.generations.forgetAll();
    this.status.failed(error, 'answers are computed uncached until it returns');
  }

  /** The tenant's generation, or undefined when it cannot be trusted (Redis or the database down, invalidation pending). */
  private async currentGeneration(tenantId: string): Promise<string | undefined> {
    if (this.pendingInvalidations.has(tenantId)) {
      if (!(await this.retryInvalidation(tenantId))) return undefined;
    }
    const floor = await this.generations.floor(tenantId);
    if (floor === undefined) return undefined;
    return this.raiseGeneration(tenantId, floor);
  }

  /** Redis's copy raised to at least `floor`: the generation in force, or undefined when Redis failed. */
  private async raiseGeneration(tenantId: string, floor: bigint): Promise<string | undefined> {
    try {
      const generation = await this.redis.eval(GENERATION_SCRIPT, 1, generationKey(this.prefix, tenantId), floor.toString());
      if (typeof generation !== 'string') throw new Error('unexpected generation reply');
      return generation;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  private async retryInvalidation(tenantId: string): Promise<boolean> {
    const generation = await this.generations.bump(tenantId);
    if (generation === undefined || (await this.raiseGeneration(tenantId, generation)) === undefined) return false;
    this.pendingInvalidations.delete(tenantId);
    return true;
  }

  private async retryInvalidations(): Promise<void> {
    for (const tenantId of [...this.pendingInvalidations]) await this.retryInvalidation(tenantId);
  }

  private async read<T>(tenantId: string, key: string, generation: string, codec: CacheCodec<T>): Promise<T | undefined> {
    try {
      const text = await this.redis.get(entryKey(this.prefix, tenantId, generation, key));
      if (text === null) {
        this.counters.misses += 1;
        return undefined;
      }
      this.counters.hits += 1;
      return codec.decode(text);
    } catch (error) {
      this.failed(error);
      this.counters.misses += 1;
      return undefined;
    }
  }

  private async write<T>(tenantId: string, key: string, generation: string, value: T, ttlSeconds: number, codec: CacheCodec<T>): Promise<void> {
    const ttl = effectiveTtlSeconds(ttlSeconds);
    if (ttl === undefined) return;
    const text = serialise(value, this.maxValueBytes, codec);
    if (text === undefined) return;
    try {
      await this.redis.set(entryKey(this.prefix, tenantId, generation, key), text, 'EX', ttl);
      this.counters.sets += 1;
    } catch (error) {
      this.failed(error);
    }
  }
}
