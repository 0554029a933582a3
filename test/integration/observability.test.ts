/**
 * Optional error reporting (Sentry) and product analytics (PostHog), with the real SDKs sending to
 * collectors on 127.0.0.1: off and not even loaded without SENTRY_DSN / POSTHOG_KEY; when on, only
 * server errors reach Sentry and one `api_request` per authenticated API call reaches PostHog, keyed
 * by the tenant uuid, and neither ever carries a body, a query, a header, an e-mail, an org id or a
 * figure; a PostHog that does not answer slows nothing.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';

// Registered before anything of the service is imported, so even a static import of an SDK would be
// seen: every module resolved from the SDKs' packages is posted here.
const SDK_MODULES_HOOK = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/\\/node_modules\\/(@sentry|@posthog|posthog-node)\\//.test(result.url)) port.postMessage(result.url);
  return result;
}`;
const sdkModules: string[] = [];
const channel = new MessageChannel();
channel.port1.on('message', (url: string) => sdkModules.push(url));
channel.port1.unref();
register(`data:text/javascript,${encodeURIComponent(SDK_MODULES_HOOK)}`, { data: { port: channel.port2 }, transferList: [channel.port2] });

const { pino } = await import('pino');
const { bearer, testApp, testConfig, tokenFor, uniqueOrg } = await import('../helpers/env.js');
const { eventually, timed } = await import('../helpers/eventually.js');
const { smallMonth } = await import('../helpers/fixtures.js');
const { tenantIdForOrg } = await import('../../src/db/tenant-id.js');
const { SENTRY_SEND_TIMEOUT_MS, createErrorReporter } = await import('../../src/observability/error-reporting.js');
const { createProductAnalytics } = await import('../../src/observability/product-analytics.js');

type App = Awaited<ReturnType<typeof testApp>>;
const silent = pino({ level: 'silent' });

interface Collected {
  path: string;
  body: string;
}

/** An HTTP server on 127.0.0.1 that records what it is sent (gunzipped); `hang` never answers. */
async function collector(t: TestContext, { hang = false } = {}) {
  const received: Collected[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push({ path: request.url ?? '', body: body.toString('utf8') });
      if (!hang) response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
    });
  });
  let closed = 0;
  server.on('connection', (socket) => {
    connections += 1;
    socket.once('close', () => (closed += 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, received, connections: () => connections, closed: () => closed };
}

/** The events in Sentry envelopes (`header \n item header \n item \n …`). */
function sentryEvents(received: Collected[]): Array<Record<string, any>> {
  const events: Array<Record<string, any>> = [];
  for (const { path, body } of received) {
    if (!path.includes('/envelope/')) continue;
    const lines = body.split('\n').filter(Boolean);
    for (let i = 1; i < lines.length - 1; i += 1) {
      if ((JSON.parse(lines[i]!) as { type?: string }).type === 'event') events.push(JSON.parse(lines[i + 1]!) as Record<string, any>);
    }
  }
  return events;
}

/** PostHog's `/batch/` bodies, as events. */
function posthogEvents(received: Collected[]): Array<Record<string, any>> {
  return received.flatMap(({ body }) => (JSON.parse(body) as { batch?: Array<Record<string, any>> }).batch ?? []);
}

/**
 * A route that fails the way a bug does, registered on the built app by this test only: behind
 * authentication like every API route, with an error message that quotes what it was sent.
 */
async function addFailingRoute(app: App) {
  await app.register(async (api) => {
    api.addHook('onRequest', api.authenticate);
    api.post('/api/v1/test-only/explode', async (request) => {
      const body = request.body as { email: string; org: string };
      throw new Error(`ledger write failed for ${body.email} of ${body.org}`);
    });
  });
}

async function person(label: string) {
  const org = uniqueOrg(label);
  const sub = randomUUID();
  const email = `${label}-person-${sub.slice(0, 8)}@example.test`;
  const token = await tokenFor({ orgId: org, role: 'admin', sub, email });
  return { org, sub, email, token, tenantId: tenantIdForOrg(org), headers: bearer(token) };
}

test('without SENTRY_DSN and POSTHOG_KEY nothing is loaded or sent; views are still counted in /metrics', async (t) => {
  const config = testConfig();
  assert.equal(config.errorReporting.dsn, undefined);
  assert.equal(config.productAnalytics.key, undefined);
  assert.equal(await createErrorReporter(config.errorReporting, silent), undefined);
  assert.equal(await createProductAnalytics(config.productAnalytics, silent), undefined);

  const app = await testApp(t);
  await addFailingRoute(app);
  const caller = await person('quiet');
  const failed = await app.inject({ method: 'POST', url: '/api/v1/test-only/explode', headers: caller.headers, payload: { email: caller.email, org: caller.org } });
  assert.equal(failed.statusCode, 500);
  for (const view of ['dashboard', 'dashboard', 'markets', 'made-up-view']) {
    assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: { ...caller.headers, 'x-cip-view': view } })).statusCode, 200);
  }
  // A view header without a caller counts nothing.
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: { 'x-cip-view': 'plans' } })).statusCode, 401);

  const metrics = (await app.inject('/metrics')).body;
  assert.match(metrics, /cip_view_requests_total\{view="dashboard".*\} 2/);
  assert.match(metrics, /cip_view_requests_total\{view="markets".*\} 1/);
  assert.doesNotMatch(metrics, /made-up-view|view="plans"/);
  for (const secret of [caller.org, caller.tenantId, caller.email]) assert.ok(!metrics.includes(secret), `metrics mention ${secret}`);

  await app.close();
  assert.deepEqual(sdkModules, [], 'no module of @sentry/* or posthog-node was loaded');
});

test('Sentry receives server errors with route, request id and tenant uuid, and nothing of the request; 4xx are not reported', async (t) => {
  const sentry = await collector(t);
  const config = testConfig({ SENTRY_DSN: `http://publickey@127.0.0.1:${sentry.port}/1`, SENTRY_ENVIRONMENT: 'ci' });
  const reporter = await createErrorReporter(config.errorReporting, silent);
  assert.ok(reporter);
  await eventually('the Sentry SDK to be loaded', () => sdkModules.some((url) => url.includes('/@sentry/node-core/')));
  t.after(() => reporter.close());

  const app = await testApp(t, { errorReporter: reporter });
  await addFailingRoute(app);
  const caller = await person('sentry');

  // The client's faults: no token (401), a bad body (422), a month with no data (404).
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/test-only/explode', payload: {} })).statusCode, 401);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: caller.headers, payload: { month: 'soon' } })).statusCode, 422);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-07', headers: caller.headers })).statusCode, 404);

  const failed = await app.inject({
    method: 'POST',
    url: '/api/v1/test-only/explode?month=2025-09&marker=query-marker',
    headers: { ...caller.headers, cookie: 'session=cookie-marker', 'x-cip-view': 'data' },
    payload: { email: caller.email, org: caller.org, note: 'body-marker' },
  });
  assert.equal(failed.statusCode, 500);
  await reporter.close();

  const events = sentryEvents(sentry.received);
  assert.equal(events.length, 1, 'only the 500 is reported');
  const [event] = events as [Record<string, any>];
  assert.deepEqual(event.tags, {
    route: '/api/v1/test-only/explode',
    method: 'POST',
    status_code: '500',
    request_id: failed.headers['x-request-id'],
    tenant: caller.tenantId,
  });
  assert.equal(event.environment, 'ci');
  assert.equal(event.transaction, 'POST /api/v1/test-only/explode');
  assert.equal(event.exception.values[0].type, 'Error');
  assert.equal(event.exception.values[0].value, 'ledger write failed for [redacted] of [redacted]');
  assert.ok(event.exception.values[0].stacktrace.frames.length > 0, 'the stack is there');
  assert.equal(event.request, undefined);
  assert.equal(event.user, undefined);
  assert.equal(event.breadcrumbs, undefined);

  const raw = sentry.received.map(({ body }) => body).join('\n');
  for (const secret of [caller.email, caller.org, caller.sub, caller.token, 'body-marker', 'query-marker', 'cookie-marker', 'Bearer', '2025-09', '127.0.0.1']) {
    assert.ok(!raw.includes(secret), `Sentry was sent ${secret}`);
  }
});

test('PostHog receives one api_request per authenticated API call, keyed by the tenant uuid, without data', async (t) => {
  const posthog = await collector(t);
  const config = testConfig({ POSTHOG_KEY: 'phc_test_key', POSTHOG_HOST: `http://127.0.0.1:${posthog.port}` });
  const analytics = await createProductAnalytics(config.productAnalytics, silent);
  assert.ok(analytics);
  await eventually('posthog-node to be loaded', () => sdkModules.some((url) => url.includes('/posthog-node/')));
  t.after(() => analytics.close());

  const app = await testApp(t, { analytics, clock: () => new Date('2025-10-15T12:00:00Z') });
  const caller = await person('posthog');
  const view = (name: string) => ({ ...caller.headers, 'x-cip-view': name });
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: view('data'), payload: smallMonth('2025-08') })).statusCode, 201);
  assert.equal((await app.inject({ url: '/api/v1/analytics/summary?period=all', headers: view('dashboard') })).statusCode, 200);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-07', headers: view('deals') })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/v1/entitlements?access_token=query-token-marker', headers: view('made-up-view') })).statusCode, 200);
  // Not a tenant's use of the product: no event.
  assert.equal((await app.inject({ url: '/api/v1/entitlements' })).statusCode, 401);
  assert.equal((await app.inject('/healthz')).statusCode, 200);
  await analytics.close();

  const events = posthogEvents(posthog.received);
  assert.ok(posthog.received.every(({ path }) => path.startsWith('/batch')), 'events go to the batch endpoint');
  assert.deepEqual(
    events.map((event) => [event.event, event.distinct_id, event.properties.$groups]),
    Array.from({ length: 4 }, () => ['api_request', caller.tenantId, { tenant: caller.tenantId }]),
  );
  const pick = (event: Record<string, any>) => {
    const { route, method, feature, status_class, view } = event.properties as Record<string, unknown>;
    return { route, method, feature, status_class, view };
  };
  assert.deepEqual(events.map(pick), [
    { route: '/api/v1/commissions/import', method: 'POST', feature: 'commission_data', status_class: '2xx', view: 'data' },
    { route: '/api/v1/analytics/summary', method: 'GET', feature: 'analytics', status_class: '2xx', view: 'dashboard' },
    { route: '/api/v1/commissions/:month', method: 'GET', feature: 'commission_data', status_class: '4xx', view: 'deals' },
    { route: '/api/v1/entitlements', method: 'GET', feature: null, status_class: '2xx', view: undefined },
  ]);
  for (const event of events) {
    assert.equal(event.properties.$ip, undefined);
    assert.equal(event.properties.$geoip_disable, true);
  }

  const raw = posthog.received.map(({ body }) => body).join('\n');
  const month = smallMonth('2025-08');
  const figures = ['Ada Quill', 'Mona Reyes', 'Phoenix', String(month.agents[0]!.gp), String(month.agents[0]!.commission), '/commissions/2025-07', 'period=all'];
  for (const secret of [caller.email, caller.org, caller.sub, caller.token, 'query-token-marker', ...figures]) assert.ok(!raw.includes(secret), `PostHog was sent ${secret}`);
});

test('a PostHog that never answers slows no request, and shutdown waits for it a bounded time', async (t) => {
  const posthog = await collector(t, { hang: true });
  const config = testConfig({ POSTHOG_KEY: 'phc_test_key', POSTHOG_HOST: `http://127.0.0.1:${posthog.port}` });
  const analytics = await createProductAnalytics(config.productAnalytics, silent);
  assert.ok(analytics);
  const app = await testApp(t, { analytics });
  const caller = await person('hung');

  // More than one batch (20 events): the SDK starts sending while requests go on.
  let slowest = 0;
  for (let i = 0; i < 45; i += 1) {
    const { ms, result } = await timed(() => app.inject({ url: '/api/v1/entitlements', headers: caller.headers }));
    assert.equal(result.statusCode, 200);
    slowest = Math.max(slowest, ms);
  }
  await eventually('PostHog to be called', () => posthog.connections() > 0);
  // The bounds are the behaviour under test: a hung PostHog delays neither requests nor shutdown
  // past its timeouts. Generous for a loaded machine.
  assert.ok(slowest < 2_000, `a request waited ${Math.round(slowest)} ms (PostHog's request timeout is 3 s)`);

  const { ms } = await timed(() => analytics.close());
  assert.ok(ms < 4_500, `shutdown waited ${Math.round(ms)} ms for PostHog`);
});

test('a Sentry that never answers is given up on after SENTRY_SEND_TIMEOUT_MS, and slows no request', async (t) => {
  const sentry = await collector(t, { hang: true });
  const config = testConfig({ SENTRY_DSN: `http://publickey@127.0.0.1:${sentry.port}/1` });
  const reporter = await createErrorReporter(config.errorReporting, silent);
  assert.ok(reporter);
  t.after(() => reporter.close());
  const context = { method: 'GET', route: '/x', statusCode: 500, requestId: 'req-hung-sentry', tenantId: undefined, redact: [] };
  const { ms } = await timed(async () => reporter.reportServerError(new Error('boom'), context));
  // The bound is the behaviour: reporting sends in the background and never awaits Sentry.
  assert.ok(ms < 100, `reporting waited ${Math.round(ms)} ms`);
  const sent = performance.now();
  await eventually('the event to reach the hung Sentry', () => sentry.received.length > 0);
  await eventually('the transport to give up on it', () => sentry.closed() > 0, SENTRY_SEND_TIMEOUT_MS + 3_000);
  const waited = performance.now() - sent;
  assert.ok(waited >= SENTRY_SEND_TIMEOUT_MS - 500, `given up after ${Math.round(waited)} ms, not before the deadline`);
});
