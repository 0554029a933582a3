/**
 * Session revocation: a tenant admin, or the marketplace through a signed push, revokes a
 * `session_id`; every token of that session then gets 401, on every instance (Redis), while other
 * sessions and other organisations' sessions with the same id are untouched. The marketplace's
 * signature binds the route's path, and each of its requests is processed once per event id.
 * Without Redis the revocations live in PostgreSQL, so they hold on every instance too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { appPool, appUrl, bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { createChangeFeed } from '../../src/realtime/change-feed.js';
import { DatabaseRevocations } from '../../src/services/sessions/revocations.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { redisTest } from '../helpers/redis-server.js';
import { signMarketplaceBody } from '../../src/auth/marketplace-signature.js';

const SECRET = 'marketplace-secret-for-session-tests';
const REVOKE = '/api/v1/marketplace/sessions/revoke';
const ERASE = '/api/v1/marketplace/users/erase';
const ENTITLEMENTS = '/api/v1/marketplace/entitlements';

async function sessionToken(orgId: string, sessionId: string, role: 'admin' | 'member' = 'member') {
  return bearer(await tokenFor({ orgId, role, sub: randomUUID(), extra: { session_id: sessionId } }));
}

test('a tenant admin revokes a session of the organisation; only that session loses access', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg('sessions');
  const admin = await sessionToken(org, randomUUID(), 'admin');
  const lost = randomUUID();
  const lostLaptop = await sessionToken(org, lost);
  const sameIdElsewhere = await sessionToken(uniqueOrg('sessions-other'), lost);
  const member = await sessionToken(org, randomUUID());
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: lostLaptop })).statusCode, 200);

  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/sessions/revoke', headers: member, payload: { session_id: lost } })).statusCode, 403);
  const revoked = await app.inject({ method: 'POST', url: '/api/v1/sessions/revoke', headers: admin, payload: { session_id: lost } });
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.deepEqual(revoked.json(), { session_id: lost, status: 'revoked' });

  const refused = await app.inject({ url: '/api/v1/entitlements', headers: lostLaptop });
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.json().detail, 'session revoked');
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: member })).statusCode, 200, 'other sessions keep working');
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: sameIdElsewhere })).statusCode, 200, "another organisation's session is not this admin's to revoke");

  const past = await app.inject({ method: 'POST', url: '/api/v1/sessions/revoke', headers: admin, payload: { session_id: randomUUID(), expires_at: 1 } });
  assert.equal(past.statusCode, 200, 'a session whose tokens have all expired needs nothing remembered');
});

test('the marketplace revokes a session with a signed push; a bad signature changes nothing', async (t) => {
  const app = await testApp(t, { env: { MARKETPLACE_WEBHOOK_SECRET: SECRET } });
  const org = uniqueOrg('sessions-mp');
  const sessionId = randomUUID();
  const token = await sessionToken(org, sessionId);
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 200);

  const body = JSON.stringify({ event_id: 'evt-revoke-1', tenant_id: org, session_id: sessionId });
  const now = Math.floor(Date.now() / 1000);
  const forged = await app.inject({
    method: 'POST',
    url: REVOKE,
    headers: { 'content-type': 'application/json', 'x-signature': signMarketplaceBody('not-the-secret', now, body, REVOKE) },
    payload: body,
  });
  assert.equal(forged.statusCode, 401);
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 200);

  const signed = await app.inject({
    method: 'POST',
    url: REVOKE,
    headers: { 'content-type': 'application/json', 'x-signature': signMarketplaceBody(SECRET, now, body, REVOKE) },
    payload: body,
  });
  assert.equal(signed.statusCode, 200, signed.body);
  assert.deepEqual(signed.json(), { event_id: 'evt-revoke-1', session_id: sessionId, status: 'revoked' });
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 401);
});

/** Sends `body` to `url` signed as the marketplace signs for `signedFor` (a path, or the entitlement push's pathless form). */
function signedPush(app: FastifyInstance, url: string, body: object, signedFor: string | undefined) {
  const text = JSON.stringify(body);
  const signature = signMarketplaceBody(SECRET, Math.floor(Date.now() / 1000), text, signedFor);
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-signature': signature }, payload: text });
}

test('a marketplace signature covers its route: a body signed for one route is refused by the others', async (t) => {
  const app = await testApp(t, { env: { MARKETPLACE_WEBHOOK_SECRET: SECRET } });
  const org = uniqueOrg('sessions-path');
  const sessionId = randomUUID();
  const token = await sessionToken(org, sessionId);
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 200);
  // One body every route's schema accepts (extra fields are allowed), so only the signature decides.
  const body = { event_id: 'evt-any', tenant_id: org, session_id: sessionId, user_id: randomUUID(), subscription_tier: 'none', promo_until: null };
  const routes = [REVOKE, ERASE, ENTITLEMENTS];
  const signedAs = (route: string) => (route === ENTITLEMENTS ? undefined : route);
  for (const signedFor of routes) {
    for (const sentTo of routes.filter((route) => route !== signedFor)) {
      const response = await signedPush(app, sentTo, body, signedAs(signedFor));
      assert.equal(response.statusCode, 401, `signed for ${signedFor}, sent to ${sentTo}: ${response.body}`);
      assert.equal(response.json().detail, 'signature does not match');
    }
  }
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 200, 'nothing was applied');
  // The entitlement push keeps the contract's form: a path-bound signature is not it.
  assert.equal((await signedPush(app, ENTITLEMENTS, body, ENTITLEMENTS)).statusCode, 401);
  assert.equal((await signedPush(app, ENTITLEMENTS, body, undefined)).statusCode, 200);
  assert.equal((await signedPush(app, REVOKE, body, REVOKE)).statusCode, 200);
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 401);
});

test('a marketplace revocation is processed once per event id: a replay is a 200 no-op', async (t) => {
  const app = await testApp(t, { env: { MARKETPLACE_WEBHOOK_SECRET: SECRET } });
  const org = uniqueOrg('sessions-replay');
  const sessionId = randomUUID();
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: await sessionToken(org, sessionId) })).statusCode, 200);
  const first = await signedPush(app, REVOKE, { event_id: 'evt-once', tenant_id: org, session_id: sessionId }, REVOKE);
  assert.deepEqual(first.json(), { event_id: 'evt-once', session_id: sessionId, status: 'revoked' });
  const replay = await signedPush(app, REVOKE, { event_id: 'evt-once', tenant_id: org, session_id: sessionId }, REVOKE);
  assert.equal(replay.statusCode, 200);
  assert.deepEqual(replay.json(), { event_id: 'evt-once', session_id: sessionId, status: 'duplicate' });
  // Same event id, other session: still the event processed before.
  const other = randomUUID();
  assert.equal((await signedPush(app, REVOKE, { event_id: 'evt-once', tenant_id: org, session_id: other }, REVOKE)).json().status, 'duplicate');
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: await sessionToken(org, other) })).statusCode, 200);
  const owner = await ownerClient(t);
  const stored = await owner.query('SELECT kind FROM marketplace_requests WHERE tenant_id = $1', [tenantIdForOrg(org)]);
  assert.deepEqual(stored.rows, [{ kind: 'session_revoke' }]);
  // Without an event id the request is refused before anything happens.
  assert.equal((await signedPush(app, REVOKE, { tenant_id: org, session_id: other }, REVOKE)).statusCode, 422);
});

redisTest('with Redis, a revocation through one instance holds on every instance', async (t, url) => {
  const one = await testApp(t, { env: { REDIS_URL: url } });
  const two = await testApp(t, { env: { REDIS_URL: url } });
  const org = uniqueOrg('sessions-redis');
  const admin = await sessionToken(org, randomUUID(), 'admin');
  const sessionId = randomUUID();
  const token = await sessionToken(org, sessionId);
  assert.equal((await two.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 200);
  assert.equal((await one.inject({ method: 'POST', url: '/api/v1/sessions/revoke', headers: admin, payload: { session_id: sessionId } })).statusCode, 200);
  assert.equal((await two.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 401);
});

test('without Redis, a revocation through one instance holds on every instance (PostgreSQL and the change feed)', async (t) => {
  const feeds = [0, 1].map(() => createChangeFeed({ redisUrl: undefined, databaseUrl: appUrl(), pool: appPool(t, 2) }));
  t.after(() => Promise.all(feeds.map((feed) => feed.close())));
  assert.ok((await feeds[0]!.ready(10_000)) && (await feeds[1]!.ready(10_000)));
  const one = await testApp(t, { feed: feeds[0]! });
  const two = await testApp(t, { feed: feeds[1]! });
  const org = uniqueOrg('sessions-pg');
  const admin = await sessionToken(org, randomUUID(), 'admin');
  const sessionId = randomUUID();
  const token = await sessionToken(org, sessionId);
  // Instance two has read the tenant's (empty) revocations and holds them in memory.
  assert.equal((await two.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 200);
  assert.equal((await one.inject({ method: 'POST', url: '/api/v1/sessions/revoke', headers: admin, payload: { session_id: sessionId } })).statusCode, 200);
  assert.equal((await one.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 401, 'the revoking instance refuses at once');
  // The `sessions` change reaches instance two long before its 5 s refresh would.
  await eventually('instance two refusing the revoked session', async () => (await two.inject({ url: '/api/v1/entitlements', headers: token })).statusCode === 401, 3_000);

  const owner = await ownerClient(t);
  const stored = await owner.query('SELECT session_id FROM session_revocations WHERE tenant_id = $1', [tenantIdForOrg(org)]);
  assert.deepEqual(stored.rows, [{ session_id: sessionId }]);
  // An erasure leaves the revocation to run out, so the revoked token cannot provision the
  // organisation again (with Redis, its keys stay the same way).
  const erased = await one.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: admin, payload: { confirm: org } });
  assert.equal(erased.statusCode, 200, erased.body);
  assert.equal((await owner.query('SELECT 1 FROM session_revocations WHERE tenant_id = $1', [tenantIdForOrg(org)])).rowCount, 1);
  assert.equal((await two.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 401);
  assert.equal((await owner.query('SELECT 1 FROM tenants WHERE id = $1', [tenantIdForOrg(org)])).rowCount, 0, 'the revoked token provisioned nothing');
});

test('a revocation store without a change feed sees another instance\'s revocation within its refresh interval; expired ones are forgotten', async (t) => {
  const log = { warn: () => {} };
  const writer = new DatabaseRevocations({ pool: appPool(t, 2), log });
  const reader = new DatabaseRevocations({ pool: appPool(t, 2), log, refreshMs: 300 });
  t.after(() => Promise.all([writer.close(), reader.close()]));
  const app = await testApp(t);
  const org = uniqueOrg('sessions-refresh');
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: await sessionToken(org, randomUUID()) })).statusCode, 200); // provisions the tenant
  const tenantId = tenantIdForOrg(org);
  const sessionId = randomUUID();

  assert.equal(await reader.isRevoked(tenantId, sessionId), false);
  await writer.revoke(tenantId, sessionId, 3600);
  assert.equal(await writer.isRevoked(tenantId, sessionId), true);
  assert.equal(await reader.isRevoked(tenantId, sessionId), false, 'within the refresh interval the reader still trusts what it read');
  await eventually('the reader seeing the revocation', async () => reader.isRevoked(tenantId, sessionId), 3_000);

  const brief = randomUUID();
  await writer.revoke(tenantId, brief, 1);
  const unCached = new DatabaseRevocations({ pool: appPool(t, 1), log, refreshMs: 1 });
  t.after(() => unCached.close());
  assert.equal(await unCached.isRevoked(tenantId, brief), true);
  await eventually('a one-second revocation running out', async () => !(await unCached.isRevoked(tenantId, brief)), 5_000, 200);
  await writer.revoke(tenantId, randomUUID(), 3600); // purges what ran out
  const owner = await ownerClient(t);
  assert.equal((await owner.query('SELECT 1 FROM session_revocations WHERE tenant_id = $1 AND session_id = $2', [tenantId, brief])).rowCount, 0);
});
