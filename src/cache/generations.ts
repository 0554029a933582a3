import type pg from 'pg';
import { bumpCacheGeneration, readCacheGeneration } from '../db/cache-generations.js';
import { withTenant } from '../db/tenant.js';

/**
 * Where the shared cache learns a tenant's generation from the durable one in PostgreSQL
 * (migration 0014). `floor` is a generation the database has committed: the cache never uses an
 * older one, whatever Redis holds. It is kept in memory and asked of the database again only
 * after `maxAgeMs` or `forget`, so a cached read costs no database round trip.
 */
export interface TenantGenerations {
  /** A committed generation of the tenant, undefined when it cannot be known now (do not cache). */
  floor(tenantId: string): Promise<bigint | undefined>;
  /** Bumps the tenant's generation (a transaction of its own) and returns the new one; undefined when that failed. */
  bump(tenantId: string): Promise<bigint | undefined>;
  /** Forgets every remembered floor (Redis reconnected or failed: what it holds may be older). */
  forgetAll(): void;
}

export interface DatabaseGenerationsOptions {
  pool: pg.Pool;
  /**
   * How long a floor read from the database is trusted. It bounds the staleness left when a write
   * committed but its instance died before telling Redis (or the write came from the CLI).
   */
  maxAgeMs?: number;
  now?: () => number;
}

/** The generations in PostgreSQL, remembered per tenant for `maxAgeMs`. */
export class DatabaseGenerations implements TenantGenerations {
  private readonly floors = new Map<string, { generation: bigint; readAt: number }>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly options: DatabaseGenerationsOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  async floor(tenantId: string): Promise<bigint | undefined> {
    const known = this.floors.get(tenantId);
    if (known && this.now() - known.readAt < this.maxAgeMs) return known.generation;
    const readAt = this.now();
    try {
      const text = await withTenant(this.options.pool, tenantId, readCacheGeneration);
      if (text === undefined) return undefined;
      return this.remember(tenantId, BigInt(text), readAt);
    } catch {
      // Not a tenant (erased), or the database is down: nothing is cached for it meanwhile.
      this.floors.delete(tenantId);
      return undefined;
    }
  }

  async bump(tenantId: string): Promise<bigint | undefined> {
    const readAt = this.now();
    try {
      return this.remember(tenantId, BigInt(await withTenant(this.options.pool, tenantId, bumpCacheGeneration)), readAt);
    } catch {
      this.floors.delete(tenantId);
      return undefined;
    }
  }

  forgetAll(): void {
    this.floors.clear();
  }

  private remember(tenantId: string, generation: bigint, readAt: number): bigint {
    const known = this.floors.get(tenantId);
    if (known && known.generation > generation) return known.generation;
    if (this.floors.size >= 100_000) this.floors.clear();
    this.floors.set(tenantId, { generation, readAt });
    return generation;
  }
}

/**
 * Generations of one process, with no database: for a Redis cache that a single process uses
 * (the bench, tests of Redis itself). Unique across tenants and time, like the database's.
 */
export class ProcessGenerations implements TenantGenerations {
  private readonly floors = new Map<string, bigint>();
  private next = BigInt(Date.now()) * 1000n;

  async floor(tenantId: string): Promise<bigint> {
    let generation = this.floors.get(tenantId);
    if (generation === undefined) {
      generation = this.next++;
      this.floors.set(tenantId, generation);
    }
    return generation;
  }

  async bump(tenantId: string): Promise<bigint> {
    const generation = this.next++;
    this.floors.set(tenantId, generation);
    return generation;
  }

  forgetAll(): void {}
}
