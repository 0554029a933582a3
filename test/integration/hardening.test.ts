/**
 * Hardening at the edge: security headers and the Content-Security-Policy, the CORS allow-list,
 * and rate limits (per IP before authentication, per tenant after it, larger for the
 * `higher_rate_limits` feature, shared through Redis) answering 429 problem+json with Retry-After.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { redisTest } from '../helpers/redis-server.js';

test('HTML pages carry the full security headers and the CSP', async (t) => {
  const app = await testApp(t);
  for (const url of ['/']) {
    const response = await app.inject(url);
    assert.match(String(response.headers['content-type']), /^text\/html/, url);
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/, url);
    assert.match(csp, /script-src 'self'(;|$)/, `${url}: scripts from this origin only`);
    assert.match(csp, /style-src 'self'(;|$)/, `${url}: no inline <style>`);
    assert.match(csp, /img-src 'self' data: https:/, url);
    assert.match(csp, /connect-src 'self'/, url);
    assert.match(csp, /frame-ancestors 'none'/, url);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN', url);
    assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin', url);
    assert.ok(response.headers['referrer-policy'], url);
    assert.equal(response.headers['x-powered-by'], undefined, url);
  }
});

test('JSON answers carry only the headers that apply to them (issue 21)', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg('headers');
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  const answers = [
    ['/healthz', {}],
    ['/openapi.json', {}],
    ['/api/v1/entitlements', {}],
    ['/api/v1/entitlements', member],
  ] as const;
  for (const [url, headers] of answers) {
    const response = await app.inject({ url, headers });
    const label = `${url} ${response.statusCode}`;
    assert.match(String(response.headers['content-type']), /^application\/(problem\+)?json/, label);
    // Never sniffed into a script or a style; opened in a tab, it loads nothing and cannot be framed.
    assert.equal(response.headers['x-content-type-options'], 'nosniff', label);
    assert.equal(response.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'", label);
    assert.equal(response.headers['cache-control'], 'no-store', label);
    assert.ok(response.headers['x-request-id'], label);
    // What only a rendered document acts on stays off the 1.9 KB answers of the API.
    for (const name of ['x-frame-options', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection', 'x-powered-by']) {
      assert.equal(response.headers[name], undefined, `${label}: ${name}`);
    }
  }
  // A route that says how it may be cached keeps its own say.
  const asset = await app.inject('/favicon.ico');
  if (asset.statusCode === 200) assert.notEqual(asset.headers['cache-control'], 'no-store');
});

test('in production every answer carries HSTS, JSON and HTML alike', async (t) => {
  const app = await testApp(t, { env: { NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40) } });
  for (const url of ['/', '/healthz']) {
    const response = await app.inject(url);
    assert.equal(response.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', url);
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

/** A way to `target` that opens each connection only after `delayMs`: a Redis slow to answer at start. */
async function slowDoor(t: TestContext, target: URL, delayMs: number): Promise<string> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A client gone while it waited gets no upstream: one opened now would never be closed and
      // would keep the test process alive (it hung CI once).
      if (client.destroyed) return;
      const upstream = net.connect(Number(target.port || 6379), target.hostname, () => {
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', end);
      client.on('error', end);
      client.on('close', end);
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

redisTest("with Redis, a new instance's first requests are counted, even when Redis is slow to connect", async (t, url) => {
  const slow = await slowDoor(t, new URL(url), 150);
  const headers = bearer(await tokenFor({ orgId: uniqueOrg('rl-first'), sub: randomUUID() }));
  const app = await testApp(t, { env: { RATE_LIMIT_PER_MINUTE: '1', REDIS_URL: slow } });
  assert.deepEqual(await exhaust(app, headers, 2), [200, 429]);
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
