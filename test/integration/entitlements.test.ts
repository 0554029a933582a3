/**
 * Entitlements from the outside: the signed marketplace push, the sources and their precedence,
 * the promotion by the clock, and the 402 paywall on every gated route.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { signMarketplaceBody } from '../../src/auth/marketplace-signature.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { withTenant } from '../../src/db/tenant.js';
import { appPool, bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';

const SECRET = 'whsec_integration_0123456789abcdef';
const UPGRADE = 'https://marketplace.example/upgrade/cip';
const NOW = new Date('2026-02-01T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const PUSH_URL = '/api/v1/marketplace/entitlements';

async function setup(t: TestContext, options: { env?: Record<string, string>; clock?: () => Date } = {}) {
  return testApp(t, { env: { MARKETPLACE_WEBHOOK_SECRET: SECRET, UPGRADE_URL: UPGRADE, ...options.env }, clock: options.clock ?? (() => NOW) });
}

function event(org: string, tier: string, extra: Record<string, unknown> = {}) {
  return { event_id: `evt_${randomUUID()}`, tenant_id: org, subscription_tier: tier, promo_until: null, flags: {}, ...extra };
}

function push(app: FastifyInstance, body: object | string, options: { secret?: string; at?: Date; header?: string; send?: string } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const header = options.header ?? signMarketplaceBody(options.secret ?? SECRET, seconds(options.at ?? NOW), raw);
  return app.inject({
    method: 'POST',
    url: PUSH_URL,
    headers: { 'content-type': 'application/json', ...(header === '' ? {} : { 'x-signature': header }) },
    payload: options.send ?? raw,
  });
}

async function admin(org: string, extra?: Record<string, unknown>) {
  return bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID(), ...(extra ? { extra } : {}) }));
}

async function entitlements(app: FastifyInstance, headers: Record<string, string>) {
  const response = await app.inject({ url: '/api/v1/entitlements', headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

async function auditOf(t: TestContext, org: string) {
  return withTenant(appPool(t), tenantIdForOrg(org), async (tx) =>
    (await tx.query('SELECT source, event_id, previous_tier, subscription_tier FROM entitlement_events ORDER BY recorded_at, source_time')).rows,
  );
}

test('a signed push applies, provisions an unknown organisation, is audited and takes effect on the next request', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('pushed');
  const first = event(org, 'premium');
  const response = await push(app, first);
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(response.json(), { event_id: first.event_id, status: 'applied' });

  const headers = await admin(org);
  const seen = await entitlements(app, headers);
  assert.equal(seen.subscription_tier, 'premium');
  assert.equal(seen.commission_intelligence, true);
  assert.equal(seen.source, 'push');
  assert.equal(seen.promo_days_left, null);
  assert.equal(seen.upgrade_url, UPGRADE);
  assert.ok(seen.features.includes('exports') && !seen.features.includes('custom_formulas'));

  const later = event(org, 'enterprise', { occurred_at: '2026-02-01T12:01:00Z' });
  assert.equal((await push(app, later)).json().status, 'applied');
  assert.equal((await entitlements(app, headers)).subscription_tier, 'enterprise', 'the very next request sees the change');

  assert.deepEqual(await auditOf(t, org), [
    { source: 'push', event_id: first.event_id, previous_tier: 'promo', subscription_tier: 'premium' },
    { source: 'push', event_id: later.event_id, previous_tier: 'premium', subscription_tier: 'enterprise' },
  ]);
});

test('bad signatures are 401 and change nothing: wrong secret, altered body, stale or future timestamp, malformed or missing header', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('forged');
  const body = JSON.stringify(event(org, 'enterprise'));
  const good = signMarketplaceBody(SECRET, seconds(NOW), body);
  const attempts: [string, Parameters<typeof push>[2], RegExp][] = [
    ['wrong secret', { secret: 'not-the-secret' }, /does not match/],
    ['altered body', { header: good, send: body.replace('enterprise', 'premium') }, /does not match/],
    ['stale timestamp', { at: new Date(NOW.getTime() - 301_000) }, /tolerance/],
    ['future timestamp', { at: new Date(NOW.getTime() + 301_000) }, /tolerance/],
    ['malformed header', { header: 'sha256=deadbeef' }, /malformed/],
    ['no v1', { header: `t=${seconds(NOW)}` }, /malformed/],
    ['short hex', { header: `t=${seconds(NOW)},v1=abc123` }, /malformed/],
    ['missing header', { header: '' }, /missing/],
  ];
  for (const [label, options, detail] of attempts) {
    const response = await push(app, body, options);
    assert.equal(response.statusCode, 401, `${label}: ${response.body}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(response.json().type, '/problems/unauthorized');
    assert.match(response.json().detail, detail, label);
  }
  const owner = await ownerClient(t);
  assert.equal((await owner.query('SELECT 1 FROM tenants WHERE supabase_org_id = $1', [org])).rowCount, 0, 'nothing was provisioned');

  assert.equal((await push(app, body)).statusCode, 200, 'the same body, correctly signed, is accepted');
});

test('an event id is processed once: a replay, even re-signed with other contents, changes nothing', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('replay');
  const original = event(org, 'premium');
  const raw = JSON.stringify(original);
  const header = signMarketplaceBody(SECRET, seconds(NOW), raw);
  assert.equal((await push(app, raw, { header })).json().status, 'applied');
  assert.deepEqual((await push(app, raw, { header })).json(), { event_id: original.event_id, status: 'duplicate' });
  const tampered = { ...original, subscription_tier: 'none', occurred_at: '2026-02-01T12:02:00Z' };
  assert.equal((await push(app, tampered)).json().status, 'duplicate');

  assert.equal((await entitlements(app, await admin(org))).subscription_tier, 'premium');
  const events = await withTenant(appPool(t), tenantIdForOrg(org), async (tx) => (await tx.query('SELECT event_id, outcome FROM marketplace_events')).rows);
  assert.deepEqual(events, [{ event_id: original.event_id, outcome: 'applied' }]);
  assert.equal((await auditOf(t, org)).length, 1);
});

test('out-of-order events are resolved by event time: an older event changes nothing', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('order');
  const headers = await admin(org);
  const newer = event(org, 'none', { occurred_at: '2026-02-01T11:30:00Z' });
  const older = event(org, 'enterprise', { occurred_at: '2026-02-01T11:00:00Z' });
  assert.equal((await push(app, newer)).json().status, 'applied');
  assert.equal((await push(app, older)).json().status, 'stale');
  assert.equal((await entitlements(app, headers)).subscription_tier, 'none');

  // Without occurred_at, the signature's time is the event's time.
  assert.equal((await push(app, event(org, 'premium'), { at: new Date('2026-02-01T11:59:00Z') })).json().status, 'applied');
  assert.equal((await push(app, event(org, 'none'), { at: new Date('2026-02-01T11:58:00Z') })).json().status, 'stale');
  const same = event(org, 'premium', { occurred_at: '2026-02-01T11:59:30Z' });
  assert.equal((await push(app, same)).json().status, 'unchanged');
  assert.equal((await entitlements(app, headers)).subscription_tier, 'premium');
  assert.deepEqual((await auditOf(t, org)).map((row) => row.subscription_tier), ['none', 'premium']);
});

test('a verified push is still validated; the webhook is 404 while MARKETPLACE_WEBHOOK_SECRET is unset', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('invalid');
  const notJson = await push(app, '{"event_id": ');
  assert.equal(notJson.statusCode, 400);
  assert.equal(notJson.json().type, '/problems/malformed-body');

  const missing = await push(app, { event_id: 'evt_x', tenant_id: org, promo_until: null });
  assert.equal(missing.statusCode, 422);
  assert.ok(missing.json().errors.some((error: { pointer: string }) => error.pointer.includes('subscription_tier')), missing.body);
  assert.equal((await push(app, event(org, 'gold'))).statusCode, 422);
  const promo = await push(app, event(org, 'promo'));
  assert.equal(promo.statusCode, 422);
  assert.equal(promo.json().errors[0].pointer, '/promo_until');
  const future = await push(app, event(org, 'premium', { occurred_at: '2027-01-01T00:00:00Z' }));
  assert.equal(future.statusCode, 422);
  assert.equal(future.json().errors[0].pointer, '/occurred_at');

  const disabled = await testApp(t, { clock: () => NOW });
  const response = await push(disabled, event(org, 'premium'));
  assert.equal(response.statusCode, 404);
  assert.match(response.json().detail, /webhook disabled/);
});

/** Every operation the OpenAPI document says can answer 402. */
async function gatedOperations(app: FastifyInstance) {
  const document = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
  const operations: { method: string; path: string }[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation.responses?.['402']) operations.push({ method: method.toUpperCase(), path });
    }
  }
  return operations;
}

const PRODUCT_ROUTES = [
  'POST /api/v1/commissions/import',
  'GET /api/v1/commissions/export',
  'GET /api/v1/commissions',
  'GET /api/v1/commissions/{month}',
  'DELETE /api/v1/commissions/{month}',
  'GET /api/v1/agents',
  'GET /api/v1/agents/{id}',
  'PATCH /api/v1/agents/{id}',
  'PUT /api/v1/branding',
];

test('every gated route answers 402 with the upgrade URL for a tenant without a subscription', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('none');
  await push(app, event(org, 'none'));
  const headers = await admin(org);

  const operations = await gatedOperations(app);
  const listed = operations.map((operation) => `${operation.method} ${operation.path}`);
  for (const route of PRODUCT_ROUTES) assert.ok(listed.includes(route), `${route} is gated`);
  assert.ok(!listed.some((route) => route.endsWith('/entitlements') || route === 'GET /api/v1/branding'), 'entitlements and branding stay reachable');

  for (const { method, path } of operations) {
    const url = path.replace('{month}', '2025-08').replace(/\{\w+\}/g, randomUUID());
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: smallMonth() }),
    });
    const label = `${method} ${path}`;
    assert.equal(response.statusCode, 402, `${label}: ${response.body}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const problem = response.json();
    assert.equal(problem.type, '/problems/payment-required', label);
    assert.equal(problem.upgrade_url, UPGRADE, label);
    assert.equal(problem.tier, 'none', label);
    assert.equal(typeof problem.feature, 'string', label);
    assert.match(problem.detail, /needs a subscription/, label);
  }

  const reachable = await entitlements(app, headers);
  assert.deepEqual(
    { commission_intelligence: reachable.commission_intelligence, subscription_tier: reachable.subscription_tier, features: reachable.features },
    { commission_intelligence: false, subscription_tier: 'none', features: [] },
  );
  assert.equal((await app.inject({ url: '/api/v1/branding', headers })).statusCode, 200);
});

test('every product route answers for a premium tenant', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('premium');
  await push(app, event(org, 'premium'));
  const headers = await admin(org);
  const status = async (method: string, url: string, payload?: object) =>
    (await app.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) })).statusCode;

  assert.equal(await status('POST', '/api/v1/commissions/import', smallMonth()), 201);
  assert.equal(await status('GET', '/api/v1/commissions'), 200);
  assert.equal(await status('GET', '/api/v1/commissions/2025-08'), 200);
  assert.equal(await status('GET', '/api/v1/commissions/export?month=2025-08&format=json'), 200);
  assert.equal(await status('GET', '/api/v1/commissions/export?month=2025-08&format=csv'), 200);
  const agents = (await app.inject({ url: '/api/v1/agents', headers })).json();
  assert.equal(agents.items.length, 2);
  const id = agents.items[0].id as string;
  assert.equal(await status('GET', `/api/v1/agents/${id}`), 200);
  assert.equal(await status('PATCH', `/api/v1/agents/${id}`, { active: false }), 200);
  assert.equal(await status('DELETE', '/api/v1/commissions/2025-08'), 204);
});

test('enterprise-only features are refused to premium with 402 and the reason; enterprise may set its branding', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('brand');
  await push(app, event(org, 'premium', { occurred_at: '2026-02-01T10:00:00Z' }));
  const headers = await admin(org);
  const branding = { name: 'Acme Homes', logo_url: 'https://cdn.acme.example/logo.svg', primary_color: '#0A3D62', accent_color: '#f6b93b' };

  const refused = await app.inject({ method: 'PUT', url: '/api/v1/branding', headers, payload: branding });
  assert.equal(refused.statusCode, 402);
  const { instance: _instance, ...problem } = refused.json();
  assert.deepEqual(problem, {
    type: '/problems/payment-required',
    title: 'Payment Required',
    status: 402,
    detail: 'White-label branding needs the enterprise tier; this organisation is on premium.',
    upgrade_url: UPGRADE,
    feature: 'branding',
    tier: 'premium',
    required_tier: 'enterprise',
    promo_until: null,
  });
  assert.equal((await app.inject({ url: '/api/v1/branding', headers })).json().white_label, false);

  await push(app, event(org, 'enterprise', { occurred_at: '2026-02-01T11:00:00Z' }));
  const saved = await app.inject({ method: 'PUT', url: '/api/v1/branding', headers, payload: branding });
  assert.equal(saved.statusCode, 200, saved.body);
  const expected = { white_label: true, name: 'Acme Homes', logo_url: 'https://cdn.acme.example/logo.svg', primary_color: '#0a3d62', accent_color: '#f6b93b' };
  assert.deepEqual(saved.json(), expected);
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  assert.deepEqual((await app.inject({ url: '/api/v1/branding', headers: member })).json(), expected);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/branding', headers: member, payload: branding })).statusCode, 403);

  for (const [field, value] of [['logo_url', 'http://cdn.acme.example/logo.svg'], ['logo_url', 'https://'], ['primary_color', 'red'], ['accent_color', '#12345']] as const) {
    const bad = await app.inject({ method: 'PUT', url: '/api/v1/branding', headers, payload: { ...branding, [field]: value } });
    assert.equal(bad.statusCode, 422, `${field}=${value}`);
  }

  // A marketplace flag can grant one enterprise feature to a premium tenant.
  await push(app, event(org, 'premium', { occurred_at: '2026-02-01T11:30:00Z', flags: { branding: true, exports: false } }));
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/branding', headers, payload: branding })).statusCode, 200);
  const exportOff = await app.inject({ url: '/api/v1/commissions/export?month=2025-08', headers });
  assert.equal(exportOff.statusCode, 402);
  assert.match(exportOff.json().detail, /switched off/);
});

test('the promotion ends after its last day, by the injected clock', async (t) => {
  let now = new Date('2026-01-10T15:00:00Z');
  const app = await setup(t, { clock: () => now });
  const headers = await admin(uniqueOrg('promo'));
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers })).statusCode, 200);
  assert.equal((await entitlements(app, headers)).promo_until, '2026-04-09');

  now = new Date('2026-04-09T23:59:00Z');
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers })).statusCode, 200);
  assert.equal((await entitlements(app, headers)).promo_days_left, 1);

  now = new Date('2026-04-10T00:00:01Z');
  const expired = await app.inject({ url: '/api/v1/commissions', headers });
  assert.equal(expired.statusCode, 402);
  assert.equal(expired.json().tier, 'promo');
  assert.equal(expired.json().promo_until, '2026-04-09');
  assert.match(expired.json().detail, /promotion ended on 2026-04-09/);
  const after = await entitlements(app, headers);
  assert.deepEqual([after.commission_intelligence, after.promo_days_left, after.features], [false, 0, []]);
});

test('precedence: token claims apply while no push has been received; a push then wins over them', async (t) => {
  const app = await setup(t);
  const org = uniqueOrg('claims');
  const claimed = await admin(org, { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'enterprise', promo_until: null } } });
  const seen = await entitlements(app, claimed);
  assert.deepEqual([seen.subscription_tier, seen.source], ['enterprise', 'claims']);
  const plain = await admin(org);
  assert.equal((await entitlements(app, plain)).subscription_tier, 'enterprise', 'claims, once seen, hold for the whole tenant');
  assert.deepEqual(await auditOf(t, org), [{ source: 'claims', event_id: null, previous_tier: 'promo', subscription_tier: 'enterprise' }]);

  // The push is older than the token, and still wins: the marketplace's push is authoritative.
  await push(app, event(org, 'none', { occurred_at: '2026-01-01T00:00:00Z' }));
  const after = await entitlements(app, claimed);
  assert.deepEqual([after.subscription_tier, after.source], ['none', 'push']);
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: claimed })).statusCode, 402);
});

test('precedence: the pull source fills in for tenants without push or claims; claims beat it; failures fall back', async (t) => {
  const answers = new Map<string, { status: number; body?: unknown }>();
  const asked: string[] = [];
  const server = createServer((request, response) => {
    const org = new URL(request.url ?? '/', 'http://x').searchParams.get('tenant_id') ?? '';
    asked.push(org);
    const answer = answers.get(org) ?? { status: 404 };
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/entitlements`;
  const app = await setup(t, { env: { MARKETPLACE_ENTITLEMENTS_URL: url } });

  const pulled = uniqueOrg('pulled');
  answers.set(pulled, { status: 200, body: { subscription_tier: 'premium', promo_until: null, flags: {} } });
  const seen = await entitlements(app, await admin(pulled));
  assert.deepEqual([seen.subscription_tier, seen.source], ['premium', 'pull']);
  assert.ok(asked.includes(pulled));

  const claimed = await admin(pulled, { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'none', promo_until: null } } });
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: claimed })).statusCode, 402, 'claims beat the pull');

  const unknown = uniqueOrg('unknown');
  const fallback = await entitlements(app, await admin(unknown));
  assert.deepEqual([fallback.subscription_tier, fallback.source], ['promo', 'provisioning']);

  const broken = uniqueOrg('broken');
  answers.set(broken, { status: 500 });
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: await admin(broken) })).statusCode, 200, 'a failing marketplace leaves the default');
});
