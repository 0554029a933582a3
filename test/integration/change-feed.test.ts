/**
 * Tenant change notifications across instances, over PostgreSQL LISTEN/NOTIFY (as the application
 * role) and Redis pub/sub: delivered to every instance, malformed messages dropped, a lost
 * connection re-established with a resync, and in-process caches of two instances kept honest.
 */
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';
import { MemoryTenantCache } from '../../src/cache/memory-cache.js';
import {
  ALL_TENANTS,
  CHANGE_CHANNEL,
  ChangeEventError,
  createChangeFeed,
  type ChangeFeed,
  type TenantChangeEvent,
} from '../../src/realtime/change-feed.js';
import { PgChangeFeed, notifyStatement } from '../../src/realtime/pg-change-feed.js';
import { RedisChangeFeed } from '../../src/realtime/redis-change-feed.js';
import { appPool, appUrl, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { eventually, timed } from '../helpers/eventually.js';
import { redisTest } from '../helpers/redis-server.js';

type Received = { tenantId: string; event: TenantChangeEvent }[];

function record(feed: ChangeFeed): Received {
  const received: Received = [];
  feed.subscribe((tenantId, event) => received.push({ tenantId, event }));
  return received;
}

function pgFeed(t: TestContext, pool: pg.Pool, options: { channel?: string; applicationName?: string } = {}): PgChangeFeed {
  const feed = new PgChangeFeed({ connectionString: appUrl(), pool, ...options });
  t.after(() => feed.close());
  return feed;
}

function redisFeed(t: TestContext, url: string, options: { channel?: string; name?: string } = {}): RedisChangeFeed {
  const feed = new RedisChangeFeed({ url, ...options });
  t.after(() => feed.close());
  return feed;
}

/** Two instances: a change published through one arrives at both, in order, with only what was sent. */
async function deliversAcrossInstances(one: ChangeFeed, two: ChangeFeed) {
  assert.ok(await one.ready(10_000), 'instance one listening');
  assert.ok(await two.ready(10_000), 'instance two listening');
  const atOne = record(one);
  const atTwo = record(two);
  const a = randomUUID();
  const b = randomUUID();
  await one.publish(a, { type: 'import', month: '2025-09' });
  await one.publish(b, { type: 'settings' });
  const expected = [
    { tenantId: a, event: { type: 'import', month: '2025-09' } },
    { tenantId: b, event: { type: 'settings' } },
  ];
  await eventually('both changes at instance two', () => atTwo.length >= 2);
  await eventually('both changes at instance one (its own)', () => atOne.length >= 2);
  assert.deepEqual(atTwo, expected);
  assert.deepEqual(atOne, expected);
  assert.ok(one.stats().published >= 2 && two.stats().received >= 2);
}

test('PostgreSQL feed: a change published through one instance reaches every instance', async (t) => {
  const channel = `cip_test_${randomUUID().replaceAll('-', '')}`;
  await deliversAcrossInstances(pgFeed(t, appPool(t, 2), { channel }), pgFeed(t, appPool(t, 2), { channel }));
});

test('PostgreSQL feed: NOTIFY inside a transaction is delivered on commit only; foreign payloads are dropped', async (t) => {
  const channel = `cip_test_${randomUUID().replaceAll('-', '')}`;
  const pool = appPool(t, 2);
  const feed = pgFeed(t, pool, { channel });
  assert.ok(await feed.ready(10_000));
  const received = record(feed);
  const a = randomUUID();

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(notifyStatement(pool, a, { type: 'import', month: '2025-01' }, channel));
    await client.query('ROLLBACK');
    for (const payload of ['not json', '{"v":1,"tenant":"*","event":{"type":"x"}}', '{"v":1,"tenant":"a","event":{"type":"Bad Type"}}', '{"v":2}']) {
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    }
    await client.query('BEGIN');
    await client.query(notifyStatement(pool, a, { type: 'import', month: '2025-02' }, channel));
    await sleep(200);
    assert.deepEqual([...received], [], 'nothing before the commit; the malformed payloads were dropped');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  await eventually('the committed change', () => received.length > 0);
  await sleep(100);
  assert.deepEqual([...received], [{ tenantId: a, event: { type: 'import', month: '2025-02' } }]);
});

test('PostgreSQL feed: publish refuses malformed changes and never fails for a dead database', async (t) => {
  const pool = appPool(t, 1);
  const feed = pgFeed(t, pool);
  await assert.rejects(feed.publish(ALL_TENANTS, { type: 'import' }), ChangeEventError);
  await assert.rejects(feed.publish(randomUUID(), { type: 'Import!' }), ChangeEventError);
  await assert.rejects(feed.publish(randomUUID(), { type: 'import', month: '2025-13' }), ChangeEventError);

  const deadPool = new pg.Pool({ connectionString: 'postgres://cip_app@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
  deadPool.on('error', () => {});
  t.after(() => deadPool.end());
  const dead = new PgChangeFeed({ connectionString: 'postgres://cip_app@127.0.0.1:1/none', pool: deadPool });
  t.after(() => dead.close());
  const { ms } = await timed(() => dead.publish(randomUUID(), { type: 'import' }));
  assert.ok(ms < 1_000, `publish took ${Math.round(ms)} ms`);
  assert.equal(dead.stats().errors, 1);
  assert.equal(await dead.ready(300), false);
  assert.equal(dead.healthy, false);
});

test('PostgreSQL feed: a killed listening connection comes back, with a resync for what it missed', async (t) => {
  const channel = `cip_test_${randomUUID().replaceAll('-', '')}`;
  const applicationName = `cip-test-listener-${randomUUID().slice(0, 8)}`;
  const pool = appPool(t, 2);
  const listener = pgFeed(t, pool, { channel, applicationName });
  const publisher = pgFeed(t, appPool(t, 2), { channel });
  assert.ok(await listener.ready(10_000));
  const received = record(listener);

  const killed = await pool.query('SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  assert.equal(killed.rows[0]?.killed, true, 'the application role may end its own listening connection');
  await eventually('the listener to notice', () => !listener.healthy || listener.stats().reconnects > 0);
  await eventually('the listener to reconnect', () => listener.stats().reconnects === 1, 15_000);
  assert.deepEqual(received[0], { tenantId: ALL_TENANTS, event: { type: 'resync' } }, 'listeners are told to forget everything');

  const a = randomUUID();
  await publisher.publish(a, { type: 'delete', month: '2025-03' });
  await eventually('a change after the reconnect', () => received.some((change) => change.tenantId === a));
});

test("in-process caches of two instances: a write through one app invalidates the other's through PostgreSQL", async (t) => {
  // Two apps as buildApp wires them in production without Redis: each an in-process cache kept
  // honest by its own PostgreSQL feed. The write goes through a route, so what announces it is the
  // app's own after-commit notice, not a copy of it.
  const channel = `cip_test_${randomUUID().replaceAll('-', '')}`;
  const instance = async (label: string) => {
    const feed = pgFeed(t, appPool(t, 2), { channel, applicationName: `cip-test-${label}` });
    const cache = new MemoryTenantCache({ feed });
    t.after(() => cache.close());
    const app = await testApp(t, { cache, feed, clock: () => new Date('2025-10-15T12:00:00Z') });
    return { feed, cache, app };
  };
  const one = await instance('one');
  const two = await instance('two');
  assert.ok((await one.feed.ready(10_000)) && (await two.feed.ready(10_000)));
  const orgA = uniqueOrg('a');
  const orgB = uniqueOrg('b');
  const a = tenantIdForOrg(orgA);
  const b = tenantIdForOrg(orgB);
  const admin = bearer(await tokenFor({ orgId: orgA, role: 'admin', sub: randomUUID() }));
  // The first request provisions the tenant (and announces nothing the cache keeps).
  assert.equal((await one.app.inject({ url: '/api/v1/settings', headers: admin })).statusCode, 200);

  await two.cache.set(a, 'summary', 'A before the import', 60);
  await two.cache.set(b, 'summary', 'B', 60);
  await one.cache.set(a, 'summary', 'A before the import', 60);
  assert.equal(await two.cache.get(a, 'summary'), 'A before the import');

  const imported = await one.app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: smallMonth() });
  assert.equal(imported.statusCode, 201, imported.body);
  assert.equal(await one.cache.get(a, 'summary'), undefined, 'the writing instance forgets before it answers');
  await eventually("instance two's entry for A to be invalidated", async () => (await two.cache.get(a, 'summary')) === undefined);
  assert.equal(await two.cache.get(b, 'summary'), 'B', "B's entries are untouched");
});

test('in-process cache: bypassed while its change feed is down (it could not hear of other writes)', async (t) => {
  const deadPool = new pg.Pool({ connectionString: 'postgres://cip_app@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
  deadPool.on('error', () => {});
  t.after(() => deadPool.end());
  const feed = new PgChangeFeed({ connectionString: 'postgres://cip_app@127.0.0.1:1/none', pool: deadPool });
  t.after(() => feed.close());
  const cache = new MemoryTenantCache({ feed });
  t.after(() => cache.close());
  const a = randomUUID();
  await cache.set(a, 'summary', 'x', 60);
  assert.equal(await cache.get(a, 'summary'), undefined);
  assert.equal(await cache.getOrLoad(a, 'summary', 60, async () => 'computed'), 'computed');
  assert.equal(await cache.getOrLoad(a, 'summary', 60, async () => 'computed again'), 'computed again');
});

test('createChangeFeed: Redis when REDIS_URL is set, PostgreSQL otherwise', async (t) => {
  const pool = appPool(t, 1);
  const postgres = createChangeFeed({ redisUrl: undefined, databaseUrl: appUrl(), pool });
  t.after(() => postgres.close());
  assert.equal(postgres.kind, 'postgres');
  assert.ok(await postgres.ready(10_000));
  const redis = createChangeFeed({ redisUrl: 'redis://127.0.0.1:1', databaseUrl: appUrl(), pool });
  t.after(() => redis.close());
  assert.equal(redis.kind, 'redis');
  assert.equal(CHANGE_CHANNEL, 'cip_changes');
});

redisTest('Redis feed: a change published through one instance reaches every instance', async (t, url) => {
  const channel = `cip-test-${randomUUID()}`;
  await deliversAcrossInstances(redisFeed(t, url, { channel }), redisFeed(t, url, { channel }));
});

redisTest('Redis feed: foreign messages are dropped; a killed subscriber comes back with a resync', async (t, url) => {
  const channel = `cip-test-${randomUUID()}`;
  const name = `test-${randomUUID().slice(0, 8)}`;
  const listener = redisFeed(t, url, { channel, name });
  const publisher = redisFeed(t, url, { channel });
  assert.ok(await listener.ready(10_000));
  assert.ok(await publisher.ready(10_000));
  const received = record(listener);
  const raw = new Redis(url);
  t.after(() => raw.quit());

  await raw.publish(channel, 'not json');
  await raw.publish(channel, JSON.stringify({ v: 1, tenant: 'x y', event: { type: 'import' } }));
  const a = randomUUID();
  await publisher.publish(a, { type: 'plan' });
  await eventually('the change', () => received.length > 0);
  assert.deepEqual([...received], [{ tenantId: a, event: { type: 'plan' } }]);

  const clients = (await raw.client('LIST')) as string;
  const subscriberId = /id=(\d+) .*name=cip-(\S+)/.exec(clients.split('\n').find((line) => line.includes(`name=cip-${name}-sub`)) ?? '')?.[1];
  assert.ok(subscriberId, 'the subscriber connection is named');
  await raw.client('KILL', 'ID', subscriberId);
  await eventually('the subscriber to reconnect', () => listener.stats().reconnects === 1, 15_000);
  assert.ok(received.some((change) => change.tenantId === ALL_TENANTS && change.event.type === 'resync'));

  const b = randomUUID();
  await publisher.publish(b, { type: 'import', month: '2024-12' });
  await eventually('a change after the reconnect', () => received.some((change) => change.tenantId === b));
});

redisTest('Redis feed: publishing to an unreachable Redis is quick and never throws', async (t) => {
  const feed = redisFeed(t, 'redis://127.0.0.1:1');
  for (let call = 0; call < 3; call += 1) {
    const { ms } = await timed(() => feed.publish(randomUUID(), { type: 'import' }));
    assert.ok(ms < 1_000, `publish took ${Math.round(ms)} ms`);
  }
  assert.equal(feed.stats().errors, 3);
  assert.equal(feed.healthy, false);
});
