/**
 * `npm run import` writes into the database a running service answers from: the service's next
 * read shows the imported month, whether it keeps an in-process cache (told by PostgreSQL
 * LISTEN/NOTIFY, no REDIS_URL) or shares a Redis cache (whose generation the CLI raises).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MemoryTenantCache } from '../../src/cache/memory-cache.js';
import { RedisTenantCache } from '../../src/cache/redis-cache.js';
import { DatabaseGenerations } from '../../src/cache/generations.js';
import { redisCachePrefix } from '../../src/cache/create-cache.js';
import { PgChangeFeed } from '../../src/realtime/pg-change-feed.js';
import { RedisChangeFeed } from '../../src/realtime/redis-change-feed.js';
import type { TenantCache } from '../../src/cache/cache.js';
import type { ChangeFeed } from '../../src/realtime/change-feed.js';
import { appPool, appUrl, bearer, ownerUrl, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { importMonth } from '../helpers/app-calls.js';
import { smallMonth } from '../helpers/fixtures.js';
import { runImportCli } from '../helpers/import-cli.js';
import { redisTest } from '../helpers/redis-server.js';

async function summaryTo(app: FastifyInstance, headers: Record<string, string>): Promise<string> {
  const response = await app.inject({ url: '/api/v1/analytics/summary?period=all', headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().period.to as string;
}

async function cliImportReaches(t: TestContext, instance: { cache: TenantCache; feed: ChangeFeed }, cliEnv: Record<string, string>) {
  t.after(async () => {
    await instance.cache.close();
    await instance.feed.close();
  });
  assert.ok(await instance.feed.ready(5_000), 'the feed listens');
  const app = await testApp(t, { ...instance, clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('cli');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  await importMonth(app, admin, smallMonth('2025-08'));
  assert.equal(await summaryTo(app, admin), '2025-08');
  assert.equal(await summaryTo(app, admin), '2025-08', 'read again: from the cache');

  const dir = await mkdtemp(path.join(os.tmpdir(), 'cip-cli-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, '2025-09.json'), JSON.stringify(smallMonth('2025-09')));
  const run = await runImportCli(ownerUrl(), ['--tenant', org, dir], cliEnv);
  assert.equal(run.code, 0, run.stderr);

  // The notice travels after the CLI's commit; a few seconds are plenty, a stale cache never changes.
  await eventually('the service answers with the imported month', async () => (await summaryTo(app, admin)) === '2025-09', 5_000);
}

test('a CLI import reaches a service with an in-process cache (no REDIS_URL) through LISTEN/NOTIFY', { timeout: 120_000 }, async (t) => {
  const feed = new PgChangeFeed({ connectionString: appUrl(), pool: appPool(t) });
  await cliImportReaches(t, { feed, cache: new MemoryTenantCache({ feed }) }, { REDIS_URL: '' });
});

redisTest('a CLI import reaches a service sharing a Redis cache at once, not after the generation floor ages', async (t, url) => {
  const pool = appPool(t);
  // A floor trusted for a minute: only the CLI's own invalidation can make the next read fresh.
  const cache = new RedisTenantCache({ url, prefix: await redisCachePrefix(pool), generations: new DatabaseGenerations({ pool, maxAgeMs: 60_000 }) });
  await cliImportReaches(t, { cache, feed: new RedisChangeFeed({ url }) }, { REDIS_URL: url });
});
