import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp, loggerOptions } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createTokenVerifier } from '../../src/auth/verify-token.js';
import { latestMigration } from '../../src/db/bootstrap.js';
import { createPool } from '../../src/db/pool.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { TEST_SECRET, appPool, bearer, testApp, testConfig, tokenFor, uniqueOrg } from '../helpers/env.js';

test('/healthz answers while the process lives; /readyz when the database is migrated', async (t) => {
  const app = await testApp(t);
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  const ready = await app.inject('/readyz');
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready' });
});

test('/readyz is 503 when the database cannot be reached', async (t) => {
  const pool = createPool({ url: 'postgres://cip_app:x@127.0.0.1:1/none', max: 1, statementTimeoutMs: 1000, onIdleError: () => {} });
  t.after(() => pool.end());
  const app = await testApp(t, { pool });
  const response = await app.inject('/readyz');
  assert.equal(response.statusCode, 503);
  assert.equal(response.json().detail, 'database unreachable');
});

test('/readyz is 503 when the database lacks this build’s newest migration', async (t) => {
  const config = testConfig();
  const app = await buildApp({
    config,
    pool: appPool(t),
    verifyToken: createTokenVerifier(config.auth, { hsSecret: new TextEncoder().encode(TEST_SECRET) }),
    latestMigration: '9999_from_the_future',
  });
  t.after(() => app.close());
  const response = await app.inject('/readyz');
  assert.equal(response.statusCode, 503);
  assert.equal(response.json().detail, 'database not migrated');
});

test('the OpenAPI document describes the API and /docs serves Swagger UI', async (t) => {
  const app = await testApp(t);
  const response = await app.inject('/openapi.json');
  assert.equal(response.statusCode, 200);
  const document = response.json();
  assert.equal(document.openapi, '3.1.0');
  assert.ok(document.paths['/api/v1/entitlements'].get.responses['200']);
  assert.deepEqual(document.paths['/api/v1/entitlements'].get.security, [{ bearerAuth: [] }]);
  assert.equal(document.components.securitySchemes.bearerAuth.scheme, 'bearer');
  assert.ok(document.paths['/readyz']);
  assert.equal(document.paths['/openapi.json'], undefined);
  const docs = await app.inject('/docs/');
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /swagger/i);
});

test('unknown routes and methods are problem+json 404s', async (t) => {
  const app = await testApp(t);
  for (const request of [{ method: 'GET' as const, url: '/nope' }, { method: 'DELETE' as const, url: '/api/v1/entitlements' }]) {
    const response = await app.inject(request);
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(response.json().type, '/problems/not-found');
  }
});

test('a request id is echoed, taken from X-Request-Id when it is well-formed', async (t) => {
  const app = await testApp(t);
  const given = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'client-chosen-id-123' } });
  assert.equal(given.headers['x-request-id'], 'client-chosen-id-123');
  const hostile = await app.inject({ url: '/healthz', headers: { 'x-request-id': '<script>alert(1)</script> spaces' } });
  assert.match(String(hostile.headers['x-request-id']), /^[0-9a-f-]{36}$/);
});

/** An app logging to `lines` (one parsed JSON object a line) through the logger `make` builds on the sink. */
async function loggedApp(t: TestContext, make: (config: Config, lineSink: Writable) => FastifyBaseLogger) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = testConfig({ LOG_LEVEL: 'info' });
  const app = await buildApp({
    config,
    pool: appPool(t),
    verifyToken: createTokenVerifier(config.auth, { hsSecret: new TextEncoder().encode(TEST_SECRET) }),
    latestMigration: await latestMigration(),
    logger: make(config, sink),
  });
  t.after(() => app.close());
  return { app, lines };
}

test('every log line of an authenticated request carries its request id and tenant id; tokens are never logged', async (t) => {
  const { app, lines } = await loggedApp(t, (_config, sink) => pino({ level: 'info', redact: ['req.headers.authorization'] }, sink));
  const org = uniqueOrg();
  const token = await tokenFor({ orgId: org });
  const response = await app.inject({ url: '/api/v1/entitlements', headers: { ...bearer(token), 'x-request-id': 'trace-me-0001' } });
  assert.equal(response.statusCode, 200);

  const mine = lines.filter((line) => line.request_id === 'trace-me-0001');
  const completed = mine.find((line) => line.msg === 'request completed');
  assert.ok(completed, 'the completion line is logged');
  assert.equal(completed.tenant_id, tenantIdForOrg(org));
  assert.ok(!JSON.stringify(lines).includes(token), 'the token never reaches the log');
});

test('a token in a URL query (?access_token=) is never logged, with the logger the service runs with', async (t) => {
  const { app, lines } = await loggedApp(t, (config, sink) => pino(loggerOptions(config) as pino.LoggerOptions, sink));
  const token = await tokenFor({ orgId: uniqueOrg() });
  // A sign-in redirect sent with the token in the query instead of the fragment, on the web app,
  // an API route and a route that does not exist; and one with the bearer header as well.
  for (const url of [`/?access_token=${token}&type=signup`, `/api/v1/entitlements?access_token=${token}`, `/nowhere?refresh_token=${token}`]) {
    await app.inject({ url, headers: { 'x-request-id': 'query-token-0001' } });
  }
  assert.equal((await app.inject({ url: `/api/v1/entitlements?access_token=${token}`, headers: bearer(token) })).statusCode, 200);
  const logged = JSON.stringify(lines);
  assert.ok(!logged.includes(token) && !logged.includes(token.split('.')[1]!), 'the token never reaches the log');
  const urls = lines.flatMap((line) => {
    const url = (line.req as { url?: string } | undefined)?.url;
    return url ? [url] : [];
  });
  assert.ok(urls.includes('/?access_token=[redacted]&type=signup'), JSON.stringify(urls));
  assert.ok(urls.includes('/api/v1/entitlements?access_token=[redacted]'));
  assert.ok(urls.includes('/nowhere?refresh_token=[redacted]'));
});

test('an unreachable database is a 503 problem with Retry-After, not a 500 or a hang', async (t) => {
  const pool = createPool({ url: 'postgres://cip_app:x@127.0.0.1:1/none', max: 1, statementTimeoutMs: 1000, onIdleError: () => {} });
  t.after(() => pool.end());
  const app = await testApp(t, { pool });
  const started = Date.now();
  const response = await app.inject({ url: '/api/v1/entitlements', headers: bearer(await tokenFor({ orgId: uniqueOrg() })) });
  assert.equal(response.statusCode, 503, response.body);
  assert.equal(response.json().type, '/problems/unavailable');
  assert.equal(response.headers['retry-after'], '5');
  assert.ok(Date.now() - started < 6000);
});
