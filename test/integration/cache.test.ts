/**
 * The tenant cache, in-process and on a real Redis: tenants never see each other's entries,
 * invalidation is a generation bump every instance sees (durable in PostgreSQL, copied in Redis:
 * more in cache-durability.test.ts), and a missing, dead or hung Redis
 * turns every call into a quick miss or no-op, never an error, with caching back when Redis is.
 * (Invalidation of in-process caches across instances is in change-feed.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { TenantCache } from '../../src/cache/cache.js';
import { entryKey, generationKey } from '../../src/cache/cache.js';
import { MemoryTenantCache } from '../../src/cache/memory-cache.js';
import { RedisTenantCache, type RedisCacheOptions } from '../../src/cache/redis-cache.js';
import { DatabaseGenerations, ProcessGenerations } from '../../src/cache/generations.js';
import { provisionUser } from '../../src/db/provisioning.js';
import { readCacheGeneration } from '../../src/db/cache-generations.js';
import { withTenant } from '../../src/db/tenant.js';
import { appPool, uniqueOrg } from '../helpers/env.js';
import type { ChangeFeed } from '../../src/realtime/change-feed.js';
import type { ChangeListener, TenantChangeEvent } from '../../src/realtime/change-message.js';
import { eventually, timed } from '../helpers/eventually.js';
import { ThrowawayRedis, freePort, redisTest } from '../helpers/redis-server.js';

/** A Redis cache of one process (its own generations) unless given the database's. */
function redisCache(t: TestContext, options: Partial<RedisCacheOptions> & { url: string }): RedisTenantCache {
  const cache = new RedisTenantCache({ prefix: `cip-test-${randomUUID()}`, generations: new ProcessGenerations(), ...options });
  t.after(() => cache.close());
  return cache;
}

/** A change feed within the test: what another instance's publish would deliver here. */
class LocalFeed implements ChangeFeed {
  readonly kind = 'postgres' as const;
  readonly healthy = true;
  private readonly listeners = new Set<ChangeListener>();
  emit(tenantId: string, event: TenantChangeEvent): void {
    for (const listener of this.listeners) listener(tenantId, event);
  }
  async publish(tenantId: string, event: TenantChangeEvent): Promise<void> {
    this.emit(tenantId, event);
  }
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async ready(): Promise<boolean> {
    return true;
  }
  stats() {
    return { published: 0, received: 0, errors: 0, reconnects: 0 };
  }
  async close(): Promise<void> {}
}

function memoryCache(t: TestContext, options: ConstructorParameters<typeof MemoryTenantCache>[0] = {}): MemoryTenantCache {
  const cache = new MemoryTenantCache(options);
  t.after(() => cache.close());
  return cache;
}

/** A real tenant (its generation lives in the database, which refuses one for a tenant that does not exist). */
async function realTenant(pool: import('pg').Pool): Promise<string> {
  const provisioned = await provisionUser(pool, { orgId: uniqueOrg('cache'), userId: uniqueOrg('user'), email: 'c@example.test', promoDays: 90, today: new Date() });
  return provisioned.tenantId;
}

/** Waits until the cache stores and returns values (Redis connected). */
async function cachingWorks(cache: TenantCache, tenantId: string, timeoutMs = 15_000): Promise<void> {
  await eventually(
    'the cache to store and return a value',
    async () => {
      const probe = randomUUID();
      await cache.set(tenantId, `probe:${probe}`, probe, 60);
      return (await cache.get<string>(tenantId, `probe:${probe}`)) === probe;
    },
    timeoutMs,
    100,
  );
}

/** The behaviour both implementations promise, run against each. */
async function tenantsAreSeparate(cache: TenantCache) {
  const a = randomUUID();
  const b = randomUUID();
  await cache.set(a, 'summary:ytd', { gp: 'A secret' }, 60);
  assert.deepEqual(await cache.get(a, 'summary:ytd'), { gp: 'A secret' });
  assert.equal(await cache.get(b, 'summary:ytd'), undefined, "B asking for the same key never gets A's entry");
  const loadedForB = await cache.getOrLoad(b, 'summary:ytd', 60, async () => ({ gp: 'B own' }));
  assert.deepEqual(loadedForB, { gp: 'B own' });
  assert.deepEqual(await cache.get(a, 'summary:ytd'), { gp: 'A secret' }, "B's load did not overwrite A's entry");

  // Ids and keys chosen so that naive concatenation ("tenant:key") would collide.
  await cache.set('t:1', 'x', 'tenant "t:1", key "x"', 60);
  await cache.set('t', '1:x', 'tenant "t", key "1:x"', 60);
  assert.equal(await cache.get('t:1', 'x'), 'tenant "t:1", key "x"');
  assert.equal(await cache.get('t', '1:x'), 'tenant "t", key "1:x"');
  await cache.set('u}', 'k', 'brace tenant', 60);
  assert.equal(await cache.get('u', '}k'), undefined);
}

async function invalidationIsPerTenant(cache: TenantCache) {
  const a = randomUUID();
  const b = randomUUID();
  await cache.set(a, 'summary', 'A v1', 60);
  await cache.set(a, 'series', 'A series v1', 60);
  await cache.set(b, 'summary', 'B v1', 60);
  await cache.invalidateTenant(a);
  assert.equal(await cache.get(a, 'summary'), undefined);
  assert.equal(await cache.get(a, 'series'), undefined);
  assert.equal(await cache.get(b, 'summary'), 'B v1', "invalidating A leaves B's entries");
  await cache.set(a, 'summary', 'A v2', 60);
  assert.equal(await cache.get(a, 'summary'), 'A v2', 'caching goes on under the new generation');
}

async function loadsAcrossAnInvalidationAreNotStored(cache: TenantCache) {
  const a = randomUUID();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let loads = 0;
  const load = async () => {
    loads += 1;
    await gate;
    return 'computed before the write';
  };
  const first = cache.getOrLoad(a, 'summary', 60, load);
  const second = cache.getOrLoad(a, 'summary', 60, load);
  await sleep(50);
  await cache.invalidateTenant(a); // a write commits while the summary is being computed
  release();
  assert.deepEqual(await Promise.all([first, second]), ['computed before the write', 'computed before the write']);
  assert.equal(loads, 1, 'concurrent loads of one key share one computation');
  assert.equal(await cache.get(a, 'summary'), undefined, 'the value computed before the write is not served after it');
  assert.equal(await cache.getOrLoad(a, 'summary', 60, async () => 'fresh'), 'fresh');
  assert.equal(await cache.get(a, 'summary'), 'fresh');
}

test('memory cache: a key cached for tenant A is never served to tenant B', async (t) => {
  await tenantsAreSeparate(memoryCache(t));
});

test('memory cache: invalidation kills every entry of the tenant and only its own', async (t) => {
  const cache = memoryCache(t);
  await invalidationIsPerTenant(cache);
  assert.ok(cache.stats().invalidations >= 1);
});

test('memory cache: a value loaded across an invalidation is not stored; concurrent loads share one', async (t) => {
  await loadsAcrossAnInvalidationAreNotStored(memoryCache(t));
});

test('memory cache: bounded by entries, entries expire, values are copies, nonsense is not stored', async (t) => {
  const cache = memoryCache(t, { maxEntries: 3, maxValueBytes: 1_000 });
  const a = randomUUID();
  for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) await cache.set(a, key, key, 60);
  assert.equal(await cache.get(a, 'k1'), undefined, 'the least recently used entries were evicted');
  assert.equal(await cache.get(a, 'k5'), 'k5');

  await cache.set(a, 'short', 'lived', 1);
  assert.equal(await cache.get(a, 'short'), 'lived');
  await sleep(1_100);
  assert.equal(await cache.get(a, 'short'), undefined, 'expired after its TTL');

  await cache.set(a, 'object', { rows: [1, 2] }, 60);
  const got = await cache.get<{ rows: number[] }>(a, 'object');
  got!.rows.push(3);
  assert.deepEqual(await cache.get(a, 'object'), { rows: [1, 2] }, "a caller's mutation does not reach the cache");

  await cache.set(a, 'zero-ttl', 'x', 0);
  await cache.set(a, 'too-big', 'x'.repeat(2_000), 60);
  assert.equal(await cache.get(a, 'zero-ttl'), undefined);
  assert.equal(await cache.get(a, 'too-big'), undefined);
  const stats = cache.stats();
  assert.ok(stats.hits >= 4 && stats.misses >= 4 && stats.sets >= 7, JSON.stringify(stats));
});

redisTest('Redis cache: a key cached for tenant A is never served to tenant B', async (t, url) => {
  const cache = redisCache(t, { url });
  await cachingWorks(cache, randomUUID()); // calls fail (counted) until the connection is up
  const errors = cache.stats().errors;
  await tenantsAreSeparate(cache);
  assert.equal(cache.stats().errors, errors, 'no failures once connected');
});

redisTest('Redis cache: invalidation kills every entry of the tenant and only its own', async (t, url) => {
  const cache = redisCache(t, { url });
  await cachingWorks(cache, randomUUID());
  await invalidationIsPerTenant(cache);
});

redisTest('Redis cache: a value loaded across an invalidation is not stored; concurrent loads share one', async (t, url) => {
  const cache = redisCache(t, { url });
  await cachingWorks(cache, randomUUID());
  await loadsAcrossAnInvalidationAreNotStored(cache);
});

redisTest('Redis cache: an invalidation through one instance is seen at once by another sharing the Redis', async (t, url) => {
  const prefix = `cip-test-${randomUUID()}`;
  const pool = appPool(t);
  const one = redisCache(t, { url, prefix, name: 'cache-one', generations: new DatabaseGenerations({ pool }) });
  const two = redisCache(t, { url, prefix, name: 'cache-two', generations: new DatabaseGenerations({ pool }) });
  const a = await realTenant(pool);
  const b = await realTenant(pool);
  await cachingWorks(one, a);
  await cachingWorks(two, a);

  await two.set(a, 'summary', 'A before the import', 60);
  await two.set(b, 'summary', 'B', 60);
  assert.equal(await one.get(a, 'summary'), 'A before the import', 'the instances share entries');

  await one.invalidateTenant(a); // the import went through instance one
  assert.equal(await two.get(a, 'summary'), undefined, 'the very next read through instance two misses');
  assert.equal(await two.get(b, 'summary'), 'B');

  const raw = new Redis(url);
  t.after(() => raw.quit());
  const generation = await raw.get(generationKey(prefix, a));
  const durable = await withTenant(pool, a, readCacheGeneration);
  assert.ok(generation && /^\d+$/.test(generation), 'Redis holds a copy of the generation');
  assert.equal(generation, durable, 'the one PostgreSQL committed with the invalidation');
  await two.set(a, 'summary', 'A after the import', 60);
  const ttl = await raw.ttl(entryKey(prefix, a, generation, 'summary'));
  assert.ok(ttl > 0 && ttl <= 60, `entries carry their TTL (${ttl})`);
  assert.equal(await one.get(a, 'summary'), 'A after the import');
});

redisTest('Redis cache: deleting an erased tenant removes every key of it from Redis, of every generation, and no other tenant\'s', async (t, url) => {
  const prefix = `cip-test-${randomUUID()}`;
  const cache = redisCache(t, { url, prefix });
  // A tenant id with glob characters: the SCAN pattern must match it literally, not as a glob
  // (unescaped, A's '*' would also match tenant B's id).
  const id = randomUUID();
  const a = `a*${id}`;
  const b = `a-other-${id}`;
  const c = randomUUID();
  await cachingWorks(cache, a);
  for (let i = 0; i < 30; i += 1) await cache.set(a, `summary:${i}`, `A ${i}`, 600);
  await cache.invalidateTenant(a); // entries of an older generation, unreachable but stored
  await cache.set(a, 'summary', 'A now', 600);
  await cache.set(b, 'summary', 'B', 600);
  await cache.set(c, 'summary', 'C', 600);
  const raw = new Redis(url);
  t.after(() => raw.quit());
  const keysOf = async (tenantId: string) => raw.keys(`${prefix}:c:{${encodeURIComponent(tenantId).replace(/[*?[\]]/g, '\\$&')}}:*`);
  assert.equal((await keysOf(a)).length, 32, 'before: two generations of A (probe, 30 summaries; one summary)');

  await cache.deleteTenant(a);
  assert.deepEqual(await keysOf(a), [], 'no entry of A is left in Redis');
  assert.equal(await cache.get(a, 'summary'), undefined);
  assert.equal(await cache.get(b, 'summary'), 'B');
  assert.equal(await cache.get(c, 'summary'), 'C');
  assert.equal((await keysOf(b)).length, 1);
});

test('memory cache: deleting an erased tenant drops its entries now, here and, through the feed, on other instances', async (t) => {
  const feed = new LocalFeed();
  const here = memoryCache(t);
  const there = memoryCache(t, { feed });
  const a = randomUUID();
  const b = randomUUID();
  for (const cache of [here, there]) {
    await cache.set(a, 'summary', 'A', 600);
    await cache.set(b, 'summary', 'B', 600);
  }
  const stored = (cache: MemoryTenantCache) => [...(cache as unknown as { entries: Map<string, string> }).entries.keys()];
  const ofA = (cache: MemoryTenantCache) => stored(cache).filter((key) => key.includes(a));
  assert.equal(ofA(here).length, 1);

  await here.deleteTenant(a);
  assert.deepEqual(ofA(here), [], 'the entries are gone, not just unreachable');
  assert.equal(await here.get(b, 'summary'), 'B');

  feed.emit(a, { type: 'users' });
  assert.equal(ofA(there).length, 1, 'an ordinary change only makes them unreachable');
  feed.emit(a, { type: 'erased' });
  assert.deepEqual(ofA(there), [], 'the erasure, heard through the feed, deletes them');
  assert.equal(await there.get(b, 'summary'), 'B');
});

redisTest('Redis cache: an evicted generation key never brings back invalidated entries', async (t, url) => {
  const prefix = `cip-test-${randomUUID()}`;
  const pool = appPool(t);
  const cache = redisCache(t, { url, prefix, generations: new DatabaseGenerations({ pool }) });
  const a = await realTenant(pool);
  await cachingWorks(cache, a);
  await cache.set(a, 'summary', 'stale', 600);
  await cache.invalidateTenant(a);
  const raw = new Redis(url);
  t.after(() => raw.quit());
  await raw.del(generationKey(prefix, a)); // what an allkeys-lru eviction would do
  assert.equal(await cache.get(a, 'summary'), undefined);
});

redisTest('Redis cache: an unreachable Redis is a quick miss on every call, never an error', async (t) => {
  const cache = redisCache(t, { url: 'redis://127.0.0.1:1' });
  const a = randomUUID();
  for (let round = 0; round < 3; round += 1) {
    for (const [name, call] of [
      ['get', () => cache.get(a, 'summary')],
      ['set', () => cache.set(a, 'summary', { gp: 1 }, 60)],
      ['invalidateTenant', () => cache.invalidateTenant(a)],
      ['getOrLoad', () => cache.getOrLoad(a, 'summary', 60, async () => 'computed')],
    ] as const) {
      const { ms, result } = await timed(call);
      assert.ok(ms < 1_000, `${name} took ${Math.round(ms)} ms`);
      if (name === 'get') assert.equal(result, undefined);
      if (name === 'getOrLoad') assert.equal(result, 'computed', 'the value is computed uncached');
    }
    await sleep(200);
  }
  assert.equal(cache.connected, false);
  const stats = cache.stats();
  assert.equal(stats.hits, 0);
  assert.ok(stats.errors >= 6, `failures are counted (${JSON.stringify(stats)})`);
  const { ms } = await timed(() => cache.close());
  assert.ok(ms < 1_000, `close took ${Math.round(ms)} ms`);
});

redisTest('Redis cache: Redis killed mid-test degrades to misses, and caching resumes when it is back', async (t) => {
  const server = new ThrowawayRedis(t, await freePort());
  await server.start();
  const cache = redisCache(t, { url: server.url });
  const a = randomUUID();
  await cachingWorks(cache, a);
  await cache.set(a, 'summary', 'cached', 60);
  assert.equal(await cache.get(a, 'summary'), 'cached');

  await server.stop();
  const errorsBefore = cache.stats().errors;
  for (let call = 0; call < 10; call += 1) {
    const { ms, result } = await timed(() => cache.getOrLoad(a, 'summary', 60, async () => 'computed without Redis'));
    assert.equal(result, 'computed without Redis');
    assert.ok(ms < 1_000, `call ${call} took ${Math.round(ms)} ms`);
    const set = await timed(() => cache.set(a, 'other', 1, 60));
    assert.ok(set.ms < 1_000, `set took ${Math.round(set.ms)} ms`);
    await sleep(100);
  }
  assert.ok(cache.stats().errors > errorsBefore, 'the failures are counted');

  await server.start(); // empty: no persistence
  await cachingWorks(cache, a, 20_000);
  assert.equal(await cache.getOrLoad(a, 'summary', 60, async () => 'recomputed'), 'recomputed');
  assert.equal(await cache.getOrLoad(a, 'summary', 60, async () => 'not called'), 'recomputed', 'served from Redis again');
  assert.equal(cache.connected, true);
});

redisTest('Redis cache: a hung Redis times out quickly, and an invalidation made meanwhile is not lost', async (t) => {
  const server = new ThrowawayRedis(t, await freePort());
  await server.start();
  const prefix = `cip-test-${randomUUID()}`;
  const pool = appPool(t);
  const one = redisCache(t, { url: server.url, prefix, name: 'cache-one', generations: new DatabaseGenerations({ pool }) });
  const two = redisCache(t, { url: server.url, prefix, name: 'cache-two', generations: new DatabaseGenerations({ pool }) });
  const a = await realTenant(pool);
  await cachingWorks(one, a);
  await cachingWorks(two, a);
  await one.set(a, 'summary', 'before the import', 600);

  server.signal('SIGSTOP');
  t.after(() => server.signal('SIGCONT'));
  const hung = await timed(() => one.invalidateTenant(a)); // the import commits while Redis hangs
  assert.ok(hung.ms < 1_000, `invalidateTenant took ${Math.round(hung.ms)} ms`);
  const read = await timed(() => one.get(a, 'summary'));
  assert.ok(read.ms < 1_000, `get took ${Math.round(read.ms)} ms`);
  assert.equal(read.result, undefined);
  server.signal('SIGCONT');

  await cachingWorks(one, await realTenant(pool));
  assert.equal(await one.get(a, 'summary'), undefined, 'instance one retried its invalidation');
  assert.equal(await two.get(a, 'summary'), undefined, 'so instance two does not serve the old value either');
});
