/**
 * Issue 20, items 5 and 6, on a real Redis and the real app: the cache generation is durable in
 * PostgreSQL, so an import during a Redis outage is never undone by an instance restarting
 * meanwhile and a Redis that kept its keys; and Redis keys carry the database's identity, so two
 * databases sharing one Redis (or a database restored under a Redis that outlived it) never read
 * each other's numbers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Redis } from 'ioredis';
import { DatabaseGenerations } from '../../src/cache/generations.js';
import { redisCachePrefix } from '../../src/cache/create-cache.js';
import { RedisTenantCache } from '../../src/cache/redis-cache.js';
import { readCacheGeneration } from '../../src/db/cache-generations.js';
import { withTenant } from '../../src/db/tenant.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { RedisChangeFeed } from '../../src/realtime/redis-change-feed.js';
import { appPool, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { importMonth, summaryPct } from '../helpers/app-calls.js';
import { smallMonth } from '../helpers/fixtures.js';
import { ownDatabase } from '../helpers/own-database.js';
import { ThrowawayRedis, freePort, redisTest } from '../helpers/redis-server.js';

const CLOCK = () => new Date('2025-10-15T12:00:00Z');

/** smallMonth() pays 14.6% of GP; this one (first agent's commission 4,000.04) pays 9.6%, as two-instances.test.ts works out. */
function cheaperMonth() {
  const month = smallMonth();
  month.agents[0]!.commission = 4000.04;
  month.metadata = undefined;
  return month;
}

interface Instance {
  app: FastifyInstance;
  cache: RedisTenantCache;
  stop(): Promise<void>;
}

/** One API instance as main.ts wires it with REDIS_URL: Redis cache and feed, generations in the database. */
async function instance(t: TestContext, pool: pg.Pool, url: string): Promise<Instance> {
  const cache = new RedisTenantCache({ url, prefix: await redisCachePrefix(pool), generations: new DatabaseGenerations({ pool }) });
  const feed = new RedisChangeFeed({ url });
  const app = await testApp(t, { pool, cache, feed, clock: CLOCK });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await cache.close();
    await feed.close();
  };
  t.after(stop);
  return { app, cache, stop };
}

redisTest('an import during a Redis outage, an instance restarted meanwhile, a Redis that kept its keys: 0 stale reads', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'cip-redis-aof-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = new ThrowawayRedis(t, await freePort(), { persistDir: dir });
  await server.start();
  const pool = appPool(t);
  const prefix = await redisCachePrefix(pool);
  let one = await instance(t, pool, server.url);
  const two = await instance(t, pool, server.url);
  const orgId = uniqueOrg('outage');
  const headers = bearer(await tokenFor({ orgId, role: 'admin', sub: randomUUID() }));
  const tenantId = tenantIdForOrg(orgId);

  await importMonth(one.app, headers, smallMonth());
  await eventually('both instances cache the summary', async () => {
    const hits = one.cache.stats().hits + two.cache.stats().hits;
    await summaryPct(one.app, headers);
    await summaryPct(two.app, headers);
    return one.cache.stats().hits + two.cache.stats().hits > hits;
  });
  assert.equal(await summaryPct(two.app, headers), 14.6);
  const raw = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  raw.on('error', () => {});
  t.after(() => raw.disconnect());
  await raw.connect();
  const cachedBefore = await raw.keys(`${prefix}:c:{${tenantId}}:*`);
  assert.ok(cachedBefore.length > 0, 'the pre-import summary is in Redis');
  raw.disconnect();

  await server.stop(); // Redis crashes (its append-only file is on disk)
  await importMonth(one.app, headers, cheaperMonth()); // acknowledged, Redis unreachable
  await one.stop(); // the instance that imported restarts while Redis is down: whatever it remembered is gone
  one = await instance(t, pool, server.url);
  await server.start(); // Redis comes back with every key it had

  const check = new Redis(server.url, { maxRetriesPerRequest: 1 });
  check.on('error', () => {});
  t.after(() => check.disconnect());
  const kept = await check.keys(`${prefix}:c:{${tenantId}}:*`);
  assert.ok(cachedBefore.every((key) => kept.includes(key)), 'Redis kept the pre-import entries (the scenario is real)');

  // Reads through both instances while they reconnect and after: not one may be the old figure.
  let reads = 0;
  let stale = 0;
  const hitsBefore = one.cache.stats().hits + two.cache.stats().hits;
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline || reads < 200) {
    for (const { app } of [one, two]) {
      const pct = await summaryPct(app, headers);
      reads += 1;
      if (pct !== 9.6) stale += 1;
    }
  }
  assert.equal(stale, 0, `${stale} of ${reads} reads served the pre-import summary`);
  assert.ok(one.cache.stats().hits + two.cache.stats().hits > hitsBefore + 100, 'the reads were served from Redis again, not merely uncached');
  const generation = await check.get(`${prefix}:g:{${tenantId}}`);
  assert.equal(generation, await withTenant(pool, tenantId, readCacheGeneration), "Redis's copy was raised to the database's generation");
});

redisTest('two databases sharing one Redis, the same tenant id, different numbers: each reads its own', async (t, url) => {
  const other = await ownDatabase(t, 'cacheid');
  const pools = [appPool(t), other.pool()];
  const prefixes = await Promise.all(pools.map((pool) => redisCachePrefix(pool)));
  assert.notEqual(prefixes[0], prefixes[1], 'the databases have different identities');
  for (const prefix of prefixes) assert.match(prefix, /^cip:\d+\.\d+$/, 'system identifier and database oid');
  const [first, second] = await Promise.all(pools.map((pool) => instance(t, pool, url)));
  const orgId = uniqueOrg('twin');
  const headers = bearer(await tokenFor({ orgId, role: 'admin', sub: randomUUID() }));
  await importMonth(first!.app, headers, smallMonth());
  await importMonth(second!.app, headers, cheaperMonth());
  for (let round = 0; round < 5; round += 1) {
    assert.equal(await summaryPct(first!.app, headers), 14.6, `round ${round}: the first database's figure`);
    assert.equal(await summaryPct(second!.app, headers), 9.6, `round ${round}: the second database's figure`);
  }
  assert.ok(first!.cache.stats().hits >= 4 && second!.cache.stats().hits >= 4, 'both were served from the one Redis');

  // Issue 21: a cached read costs no database round trip; the durable generation is re-read at most once per 5 s.
  let acquired = 0;
  pools[1]!.on('acquire', () => (acquired += 1));
  const hits = second!.cache.stats().hits;
  for (let read = 0; read < 20; read += 1) assert.equal(await summaryPct(second!.app, headers), 9.6);
  assert.equal(second!.cache.stats().hits - hits, 40, 'entitlements and summary from Redis on every read');
  // At most the generation's re-read (every 5 s) and a refresh of the caller's principal: never one per read.
  assert.ok(acquired <= 2, `${acquired} database connections taken for 20 cached reads`);
});
