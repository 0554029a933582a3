/**
 * Two API instances on one database behave as one service: a write through one is visible in the
 * next read through the other, whether they share a Redis cache or each keep an in-process cache
 * kept in step by PostgreSQL LISTEN/NOTIFY; and one tenant's cached summary is never served to
 * another.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemoryTenantCache } from '../../src/cache/memory-cache.js';
import { RedisTenantCache } from '../../src/cache/redis-cache.js';
import { DatabaseGenerations } from '../../src/cache/generations.js';
import { redisCachePrefix } from '../../src/cache/create-cache.js';
import { PgChangeFeed } from '../../src/realtime/pg-change-feed.js';
import { RedisChangeFeed } from '../../src/realtime/redis-change-feed.js';
import type { TenantCache } from '../../src/cache/cache.js';
import type { ChangeFeed } from '../../src/realtime/change-feed.js';
import { appPool, appUrl, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { importMonth, summaryPct } from '../helpers/app-calls.js';
import { smallMonth } from '../helpers/fixtures.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';

async function behavesAsOne(t: TestContext, instances: { cache: TenantCache; feed: ChangeFeed }[], waitForFeed: boolean) {
  const [one, two] = await Promise.all(
    instances.map(async ({ cache, feed }) => {
      t.after(async () => {
        await cache.close();
        await feed.close();
      });
      await feed.ready(5_000);
      return testApp(t, { cache, feed, clock: () => new Date('2025-10-15T12:00:00Z') });
    }),
  );
  const orgA = uniqueOrg('a');
  const a = bearer(await tokenFor({ orgId: orgA, role: 'admin', sub: randomUUID() }));
  const b = bearer(await tokenFor({ orgId: uniqueOrg('b'), role: 'admin', sub: randomUUID() }));

  await importMonth(one!, a, smallMonth());
  const before = await summaryPct(two!, a); // computed and cached by instance two
  assert.equal(before, 14.6);

  const cheaper = smallMonth();
  cheaper.agents[0]!.commission = 4000.04;
  cheaper.metadata = undefined;
  await importMonth(one!, a, cheaper); // written through instance one
  if (waitForFeed) {
    await eventually('instance two sees the change', async () => (await summaryPct(two!, a)) !== 14.6);
  }
  assert.equal(await summaryPct(two!, a), 9.6, 'the next read through instance two is fresh');

  // Tenant B has no data: it must get its own answer, never A's cached summary.
  const other = await two!.inject({ url: '/api/v1/analytics/summary?period=all', headers: b });
  assert.equal(other.statusCode, 404);

  // Entitlements are cached too; a marketplace change through instance one reaches instance two.
  await one!.entitlementStore.push(tenantIdForOrg(orgA), randomUUID(), {
    source: 'push',
    time: new Date('2025-10-15T12:00:00Z'),
    tier: 'none',
    promoUntil: null,
    flags: {},
  });
  const refuse = async () => (await two!.inject({ url: '/api/v1/analytics/summary?period=all', headers: a })).statusCode === 402;
  if (waitForFeed) await eventually('instance two hears of the new tier', refuse);
  assert.ok(await refuse(), 'the next request through instance two is refused');
}

test('two instances sharing a Redis cache: a write through one is seen by the next read through the other', async (t) => {
  const url = process.env.TEST_REDIS_URL;
  if (!url) {
    t.skip('TEST_REDIS_URL not set');
    return;
  }
  const pool = appPool(t);
  const prefix = await redisCachePrefix(pool);
  const instance = () => ({ cache: new RedisTenantCache({ url, prefix, generations: new DatabaseGenerations({ pool }) }), feed: new RedisChangeFeed({ url }) });
  await behavesAsOne(t, [instance(), instance()], false);
});

test('two instances with in-process caches kept in step by PostgreSQL LISTEN/NOTIFY', async (t) => {
  const make = () => {
    const feed = new PgChangeFeed({ connectionString: appUrl(), pool: appPool(t) });
    return { feed, cache: new MemoryTenantCache({ feed }) };
  };
  await behavesAsOne(t, [make(), make()], true);
});
