/**
 * Hardening at the edge: security headers and the Content-Security-Policy, the CORS allow-list,
 * and rate limits (per IP before authentication, per tenant after it, larger for the
 * `higher_rate_limits` feature, shared through Redis) answering 429 problem+json with Retry-After.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { redisTest } from '../helpers/redis-server.js';

test('every answer carries the security headers and the CSP', async (t) => {
  const app = await testApp(t);
  for (const url of ['/', '/healthz', '/api/v1/entitlements', '/openapi.json']) {
    const response = await app.inject(url);
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/, url);
    assert.match(csp, /script-src 'self'(;|$)/, `${url}: scripts from this origin only`);
    assert.match(csp, /style-src 'self'(;|$)/, `${url}: no inline <style>`);
    assert.match(csp, /img-src 'self' data: https:/, url);
    assert.match(csp, /connect-src 'self'/, url);
    assert.match(csp, /frame-ancestors 'none'/, url);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
    assert.ok(response.headers['referrer-policy'], url);
    assert.equal(response.headers['x-powered-by'], undefined, url);
  }
});

test('CORS answers only the origins in CORS_ORIGINS', async (t) => {
  const app = await testApp(t, { env: { CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' } });
  const allowed = await app.inject({
    method: 'OPTIONS',
    url: '/api/v1/commissions',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-cip-view' },
  });
  assert.equal(allowed.statusCode, 204);
  assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.match(String(allowed.headers['access-control-allow-headers']), /authorization/);
  assert.match(String(allowed.headers['access-control-allow-headers']), /x-cip-view/, 'the web app names its view (metrics, analytics)');
  assert.equal(allowed.headers['access-control-allow-credentials'], undefined);

  const refused = await app.inject({ url: '/api/v1/entitlements', headers: { origin: 'https://evil.example' } });
  assert.equal(refused.headers['access-control-allow-origin'], undefined);

  const none = await testApp(t);
  const withoutList = await none.inject({ url: '/healthz', headers: { origin: 'https://app.example.com' } });
  assert.equal(withoutList.headers['access-control-allow-origin'], undefined, 'no CORS_ORIGINS: same-origin only');
});

test('CORS_ORIGINS refuses values that are not origins', async () => {
  const { loadConfig, ConfigError } = await import('../../src/config.js');
  assert.throws(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' }), ConfigError);
  assert.throws(() => loadConfig({ CORS_ORIGINS: '*' }), ConfigError);
  assert.deepEqual(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example:8443' }).corsOrigins, ['https://a.example', 'https://b.example:8443']);
});

async function exhaust(app: Awaited<ReturnType<typeof testApp>>, headers: Record<string, string>, count: number) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await app.inject({ url: '/api/v1/entitlements', headers })).statusCode);
  return statuses;
}

test('each tenant has its own request budget; a spent one answers 429 problem+json with Retry-After', async (t) => {
  const app = await testApp(t, { env: { RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_HIGHER_MULTIPLIER: '2' } });
  const a = bearer(await tokenFor({ orgId: uniqueOrg('rl-a'), sub: randomUUID() }));
  const a2 = bearer(await tokenFor({ orgId: JSON.parse(Buffer.from(a.authorization.split('.')[1]!, 'base64url').toString()).tenant_id, sub: randomUUID() }));
  const b = bearer(await tokenFor({ orgId: uniqueOrg('rl-b'), sub: randomUUID() }));

  assert.deepEqual(await exhaust(app, a, 3), [200, 200, 200]);
  const limited = await app.inject({ url: '/api/v1/entitlements', headers: a2 });
  assert.equal(limited.statusCode, 429, 'another user of the same tenant shares its budget');
  assert.match(String(limited.headers['content-type']), /^application\/problem\+json/);
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${limited.headers['retry-after']}`);
  assert.equal(limited.json().type, '/problems/rate-limited');
  assert.equal(limited.headers['x-ratelimit-remaining'], '0');

  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: b })).statusCode, 200, 'another tenant is unaffected');

  const enterprise = bearer(
    await tokenFor({
      orgId: uniqueOrg('rl-ent'),
      sub: randomUUID(),
      extra: { app_metadata: { provider: 'email', entitlements: { subscription_tier: 'enterprise', promo_until: null } } },
    }),
  );
  assert.deepEqual(await exhaust(app, enterprise, 7), [200, 200, 200, 200, 200, 200, 429], 'higher_rate_limits doubles the budget here');
});

test('a per-IP budget throttles unauthenticated requests too, but never probes', async (t) => {
  const app = await testApp(t, { env: { RATE_LIMIT_IP_PER_MINUTE: '4' } });
  const statuses = await exhaust(app, {}, 5);
  assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
  const healthz = await app.inject('/healthz');
  assert.equal(healthz.statusCode, 200);
  const other = await app.inject({ url: '/api/v1/entitlements', remoteAddress: '10.1.2.3' });
  assert.equal(other.statusCode, 401, 'another address has its own budget');
});

redisTest('with Redis, instances share the tenant budget; a dead Redis lets requests through', async (t, url) => {
  const env = { RATE_LIMIT_PER_MINUTE: '4', REDIS_URL: url };
  const one = await testApp(t, { env });
  const two = await testApp(t, { env });
  const headers = bearer(await tokenFor({ orgId: uniqueOrg('rl-redis'), sub: randomUUID() }));
  assert.deepEqual(await exhaust(one, headers, 2), [200, 200]);
  assert.deepEqual(await exhaust(two, headers, 3), [200, 200, 429]);

  const dead = await testApp(t, { env: { RATE_LIMIT_PER_MINUTE: '1', REDIS_URL: 'redis://127.0.0.1:1' } });
  const other = bearer(await tokenFor({ orgId: uniqueOrg('rl-dead'), sub: randomUUID() }));
  assert.deepEqual(await exhaust(dead, other, 3), [200, 200, 200]);
});
