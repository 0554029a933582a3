/**
 * A per-tenant cache of computed results (analytics summaries, series).
 *
 * Keys cannot collide across tenants: every stored key is built from the tenant id and that
 * tenant's current generation number, and the caller's key only ever follows them. Invalidation
 * bumps the tenant's generation, so everything cached before it becomes unreachable at once,
 * without scanning or deleting keys; the dead entries age out by TTL or LRU eviction.
 *
 * A cache never fails its caller: when the backing store is down, reads are misses and writes and
 * invalidations are no-ops, counted in `stats().errors`.
 */
export interface TenantCache {
  readonly kind: 'memory' | 'redis';
  get<T>(tenantId: string, key: string): Promise<T | undefined>;
  /**
   * Stores under the tenant's current generation. Prefer `getOrLoad` for values computed from the
   * database: `set` after a slow computation may store a value that an invalidation during the
   * computation should have killed.
   */
  set<T>(tenantId: string, key: string, value: T, ttlSeconds: number): Promise<void>;
  /**
   * The cached value, or `load()`'s, stored under the generation seen *before* loading: a write
   * (and its invalidation) during the load leaves the stored value unreachable instead of stale.
   * Concurrent calls for one tenant, generation and key in this process share one load.
   * Errors of `load` reach the caller; errors of the cache never do.
   */
  getOrLoad<T>(tenantId: string, key: string, ttlSeconds: number, load: () => Promise<T>, codec?: CacheCodec<T>): Promise<T>;
  /** Makes every entry of the tenant unreachable (bumps its generation). */
  invalidateTenant(tenantId: string): Promise<void>;
  /**
   * The tenant is erased: invalidates it and deletes every stored entry of it now (of every
   * generation), rather than leaving unreachable entries to age out by TTL. Never throws; an entry
   * it could not delete (Redis down) is still unreachable and expires by its TTL.
   */
  deleteTenant(tenantId: string): Promise<void>;
  stats(): CacheStats;
  close(): Promise<void>;
}

/** Counters since start, for /metrics. `misses` includes lookups that failed (also in `errors`). */
export interface CacheStats {
  hits: number;
  misses: number;
  sets: number;
  invalidations: number;
  errors: number;
}

/** Longest time anything stays cached, whatever a caller asks for. */
const MAX_TTL_SECONDS = 24 * 60 * 60;

/** A TTL the cache will honour, or undefined for "do not cache" (zero, negative, not a number). */
export function effectiveTtlSeconds(ttlSeconds: number): number | undefined {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) return undefined;
  return Math.min(Math.max(1, Math.ceil(ttlSeconds)), MAX_TTL_SECONDS);
}

/**
 * The stored key of `key` for `tenantId` at `generation`. The tenant id is percent-encoded, so
 * it contains no ':' and the three parts can be told apart whatever the ids and keys hold
 * (tenant "a:1" with key "x" and tenant "a" with key "1:x" stay distinct). The braces make the
 * tenant a Redis Cluster hash tag: one tenant's keys live on one shard.
 */
export function entryKey(prefix: string, tenantId: string, generation: number | string, key: string): string {
  return `${tenantEntriesPrefix(prefix, tenantId)}${generation}:${key}`;
}

/** The start every stored key of `tenantId` shares, whatever its generation (what `deleteTenant` deletes). */
export function tenantEntriesPrefix(prefix: string, tenantId: string): string {
  return `${prefix}:c:{${encodeURIComponent(tenantId)}}:`;
}

/** Where a tenant's generation number lives (Redis). */
export function generationKey(prefix: string, tenantId: string): string {
  return `${prefix}:g:{${encodeURIComponent(tenantId)}}`;
}

/** Mutable counters behind `stats()`. */
export class CacheCounters implements CacheStats {
  hits = 0;
  misses = 0;
  sets = 0;
  invalidations = 0;
  errors = 0;

  snapshot(): CacheStats {
    return { hits: this.hits, misses: this.misses, sets: this.sets, invalidations: this.invalidations, errors: this.errors };
  }
}

/** One in-flight load per key in this process: a cold summary requested 50 times is computed once. */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}

/**
 * How a value is kept as text. JSON by default, so a caller mutating what it got never changes
 * what the next caller gets; `TEXT_CODEC` keeps text that is already what will be sent (a
 * serialised response) as it is, so a hit costs neither a parse nor a serialisation.
 */
export interface CacheCodec<T> {
  /** The text to store; undefined (or a throw) when the value cannot be cached. */
  encode(value: T): string | undefined;
  decode(text: string): T;
}

export const JSON_CODEC: CacheCodec<never> = {
  encode: (value) => JSON.stringify(value),
  decode: (text) => JSON.parse(text) as never,
};

export const TEXT_CODEC: CacheCodec<string> = { encode: (text) => text, decode: (text) => text };

/** The stored text of a value, or undefined when it cannot be cached (undefined, functions, cycles, too big). */
export function serialise<T>(value: T, maxBytes: number, codec: CacheCodec<T> = JSON_CODEC): string | undefined {
  let text: string | undefined;
  try {
    text = codec.encode(value);
  } catch {
    return undefined;
  }
  if (text === undefined || Buffer.byteLength(text) > maxBytes) return undefined;
  return text;
}
