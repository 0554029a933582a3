import { LRUCache } from 'lru-cache';
import type { ChangeFeed } from '../realtime/change-feed.js';
import { ALL_TENANTS, TENANT_ERASED } from '../realtime/change-message.js';
import {
  CacheCounters,
  JSON_CODEC,
  SingleFlight,
  type CacheCodec,
  effectiveTtlSeconds,
  entryKey,
  serialise,
  tenantEntriesPrefix,
  type CacheStats,
  type TenantCache,
} from './cache.js';

export interface MemoryCacheOptions {
  /** Most entries kept (least recently used go first). */
  maxEntries?: number;
  /** Most bytes of JSON kept, roughly (UTF-16 string lengths). */
  maxBytes?: number;
  /** Largest single value cached, bytes of JSON; larger values are computed every time. */
  maxValueBytes?: number;
  /**
   * The change feed that carries other instances' invalidations. When given, every change it
   * delivers for a tenant invalidates that tenant here, a resync (after the feed reconnected)
   * clears everything, an erasure (`erased`) deletes the tenant's entries, and while the feed is
   * not healthy the cache is bypassed (misses, no stores): without the feed this instance could
   * not know of writes made through others.
   */
  feed?: ChangeFeed;
}

/**
 * The in-process cache: an LRU bounded by entries and bytes, with a TTL per entry. Values are
 * kept as text (JSON unless the caller gives another codec), so a caller mutating what it got
 * never changes what the next caller gets, and what comes back is the same shape the Redis cache
 * would give.
 *
 * Generations are unique across tenants and time (one counter for the process), so a tenant whose
 * generation was forgotten (evicted, or cleared by a resync) can never get back an old number and
 * with it entries that an invalidation had killed.
 */
export class MemoryTenantCache implements TenantCache {
  readonly kind = 'memory' as const;
  private readonly entries: LRUCache<string, string>;
  private readonly generations = new LRUCache<string, number>({ max: 100_000 });
  private nextGeneration = 1;
  private readonly counters = new CacheCounters();
  private readonly loads = new SingleFlight();
  private readonly maxValueBytes: number;
  private readonly feed: ChangeFeed | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(options: MemoryCacheOptions = {}) {
    this.entries = new LRUCache<string, string>({
      max: options.maxEntries ?? 10_000,
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (value, key) => value.length + key.length || 1,
      ttlAutopurge: false,
    });
    this.maxValueBytes = options.maxValueBytes ?? 2 * 1024 * 1024;
    this.feed = options.feed;
    this.unsubscribe = options.feed?.subscribe((tenantId, event) => {
      if (tenantId === ALL_TENANTS) this.clear();
      else if (event.type === TENANT_ERASED) this.deleteEntries(tenantId);
      else this.bump(tenantId);
    });
  }

  async get<T>(tenantId: string, key: string): Promise<T | undefined> {
    return this.read<T>(tenantId, key, this.generation(tenantId), JSON_CODEC);
  }

  async set<T>(tenantId: string, key: string, value: T, ttlSeconds: number): Promise<void> {
    this.write(tenantId, key, this.generation(tenantId), value, ttlSeconds, JSON_CODEC);
  }

  async getOrLoad<T>(tenantId: string, key: string, ttlSeconds: number, load: () => Promise<T>, codec: CacheCodec<T> = JSON_CODEC): Promise<T> {
    const generation = this.generation(tenantId);
    const cached = this.read(tenantId, key, generation, codec);
    if (cached !== undefined) return cached;
    return this.loads.run(entryKey('m', tenantId, generation, key), async () => {
      const value = await load();
      this.write(tenantId, key, generation, value, ttlSeconds, codec);
      return value;
    });
  }

  async invalidateTenant(tenantId: string): Promise<void> {
    this.bump(tenantId);
  }

  async deleteTenant(tenantId: string): Promise<void> {
    this.deleteEntries(tenantId);
  }

  stats(): CacheStats {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.clear();
  }

  private get bypassed(): boolean {
    return this.feed !== undefined && !this.feed.healthy;
  }

  private generation(tenantId: string): number {
    let generation = this.generations.get(tenantId);
    if (generation === undefined) {
      generation = this.nextGeneration++;
      this.generations.set(tenantId, generation);
    }
    return generation;
  }

  private bump(tenantId: string): void {
    this.counters.invalidations += 1;
    this.generations.set(tenantId, this.nextGeneration++);
  }

  /** Bumps the tenant's generation and drops every entry of it (any generation). */
  private deleteEntries(tenantId: string): void {
    this.bump(tenantId);
    const start = tenantEntriesPrefix('m', tenantId);
    for (const key of [...this.entries.keys()]) if (key.startsWith(start)) this.entries.delete(key);
  }

  private clear(): void {
    this.entries.clear();
    this.generations.clear();
  }

  private read<T>(tenantId: string, key: string, generation: number, codec: CacheCodec<T>): T | undefined {
    const text = this.bypassed ? undefined : this.entries.get(entryKey('m', tenantId, generation, key));
    if (text === undefined) {
      this.counters.misses += 1;
      return undefined;
    }
    this.counters.hits += 1;
    return codec.decode(text);
  }

  private write<T>(tenantId: string, key: string, generation: number, value: T, ttlSeconds: number, codec: CacheCodec<T>): void {
    const ttl = effectiveTtlSeconds(ttlSeconds);
    if (ttl === undefined || this.bypassed) return;
    // Invalidated while the value was being computed: storing it would only take up room.
    if (this.generations.peek(tenantId) !== generation) return;
    const text = serialise(value, this.maxValueBytes, codec);
    if (text === undefined) return;
    this.entries.set(entryKey('m', tenantId, generation, key), text, { ttl: ttl * 1000 });
    this.counters.sets += 1;
  }
}
