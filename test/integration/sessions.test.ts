/**
 * Session revocation: a tenant admin, or the marketplace through a signed push, revokes a
 * `session_id`; every token of that session then gets 401, on every instance (Redis), while other
 * sessions and other organisations' sessions with the same id are untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { redisTest } from '../helpers/redis-server.js';
import { signMarketplaceBody } from '../../src/auth/marketplace-signature.js';

const SECRET = 'marketplace-secret-for-session-tests';

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

  const body = JSON.stringify({ tenant_id: org, session_id: sessionId });
  const now = Math.floor(Date.now() / 1000);
  const forged = await app.inject({
    method: 'POST',
    url: '/api/v1/marketplace/sessions/revoke',
    headers: { 'content-type': 'application/json', 'x-signature': signMarketplaceBody('not-the-secret', now, body) },
    payload: body,
  });
  assert.equal(forged.statusCode, 401);
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 200);

  const signed = await app.inject({
    method: 'POST',
    url: '/api/v1/marketplace/sessions/revoke',
    headers: { 'content-type': 'application/json', 'x-signature': signMarketplaceBody(SECRET, now, body) },
    payload: body,
  });
  assert.equal(signed.statusCode, 200, signed.body);
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: token })).statusCode, 401);
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
