/**
 * Tenant isolation seen from outside: every tenant route of the OpenAPI document, called with
 * tenant A's admin token and tenant B's ids, answers 404 or an empty result and never B's rows,
 * and leaves B's data as it was. New routes are covered as soon as they are documented; a route
 * with a path parameter this test cannot fill fails it, so the test grows with the API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];
/**
 * Routes that are not about tenant data, or that never end (the event stream, whose tenant scoping
 * is tested in change-feed-sse.test.ts).
 */
const NOT_TENANT_DATA = new Set(['/api/v1/entitlements', '/api/v1/events']);

test("tenant A's token never reaches tenant B's rows, on any route", async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const a = bearer(await tokenFor({ orgId: uniqueOrg('a'), role: 'admin', sub: randomUUID() }));
  const b = bearer(await tokenFor({ orgId: uniqueOrg('b'), role: 'admin', sub: randomUUID() }));
  const bMonth = smallMonth('2025-08');
  bMonth.agents[0]!.name = 'Secret B Agent';
  bMonth.managers![0]!.team = ['Secret B Agent', 'Bo Tran'];
  bMonth.deals = undefined;
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: b, payload: bMonth })).statusCode, 201);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: a, payload: smallMonth('2025-07') })).statusCode, 201);

  const bMapping = { columns: { gp: 'GP', 'sides.acq.agent': 'Agent' }, values: { agents: { 'Secret B Agent': null } } };
  assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/import-mappings/b-mapping', headers: b, payload: bMapping })).statusCode, 201);

  const bAgentId = (await app.inject({ url: '/api/v1/agents', headers: b })).json().items.find((agent: { name: string }) => agent.name === 'Secret B Agent').id as string;
  const bSnapshot = async () => ({
    month: (await app.inject({ url: '/api/v1/commissions/2025-08', headers: b })).body,
    agent: (await app.inject({ url: `/api/v1/agents/${bAgentId}`, headers: b })).body,
    mapping: (await app.inject({ url: '/api/v1/import-mappings/b-mapping', headers: b })).body,
  });
  const before = await bSnapshot();

  const params: Record<string, string> = { month: '2025-08', id: bAgentId, name: 'b-mapping', payee: encodeURIComponent('Secret B Agent') };
  const query: Record<string, string> = { month: '2025-08', from: '2025-01', to: '2025-12' };
  const document = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean }[] }>> };

  let checked = 0;
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/') || NOT_TENANT_DATA.has(path)) continue;
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        assert.ok(params[name], `${method.toUpperCase()} ${path}: this test has no tenant-B value for {${name}}; add one`);
        return params[name]!;
      });
      const required = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query' && parameter.required);
      const search = new URLSearchParams(required.map((parameter) => [parameter.name, query[parameter.name] ?? '']));
      const isExport = path.endsWith('/export');
      const target = isExport ? `${url}?month=2025-08` : search.size > 0 ? `${url}?${search}` : url;
      const response = await app.inject({
        method: method.toUpperCase() as 'GET',
        url: target,
        headers: a,
        ...(method === 'get' || method === 'delete' ? {} : { payload: method === 'patch' ? { active: false } : smallMonth('2025-06') }),
      });
      checked += 1;
      const label = `${method.toUpperCase()} ${target} → ${response.statusCode}`;
      assert.ok(response.statusCode < 500, label);
      // A problem's `instance` echoes the URL A asked for, B's id included: that tells A nothing.
      const { instance: _echo, ...shown } = (response.headers['content-type'] ?? '').toString().includes('json') ? (response.json() as Record<string, unknown>) : { body: response.body };
      const body = JSON.stringify(shown);
      assert.ok(!body.includes('Secret B Agent'), `${label} leaked B's agent`);
      assert.ok(!body.includes(bAgentId), `${label} leaked B's agent id`);
      // The /me routes answer an admin 403 (only payees have statements of their own; a payee's view of them is payee-outside.test.ts).
      const mine = path.startsWith('/api/v1/me/') && response.statusCode === 403;
      if (path.includes('{')) assert.ok([404, 400, 422].includes(response.statusCode) || method === 'post' || mine, label);
    }
  }
  assert.ok(checked >= 6, `only ${checked} operations checked`);
  assert.deepEqual(await bSnapshot(), before, "B's data is unchanged");
});

test("tenant A's token never reaches tenant B's closings, on any closings route", async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const a = bearer(await tokenFor({ orgId: uniqueOrg('a'), role: 'admin', sub: randomUUID() }));
  const b = bearer(await tokenFor({ orgId: uniqueOrg('b'), role: 'admin', sub: randomUUID() }));
  const bClosings = {
    month: '2025-08',
    closings: [{ id: 'B-SECRET-1', property: '1 Hidden Rd, Tulsa, OK 74103', gp: 4321, sides: [{ role: 'acq', agent: 'Secret B Agent', manager: 'Secret B Boss' }] }],
    adjustments: [{ payee: 'Secret B Agent', amount: 10, reason: 'bonus' }],
  };
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/closings/import', headers: b, payload: bClosings })).statusCode, 201);
  const snapshot = async () => (await app.inject({ url: '/api/v1/closings/2025-08', headers: b })).body;
  const before = await snapshot();

  const aClosings = { month: '2025-07', closings: [{ gp: 1, sides: [{ role: 'acq', agent: 'A Agent' }] }] };
  const calls: Array<{ method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object }> = [
    { method: 'GET', url: '/api/v1/closings' },
    { method: 'GET', url: '/api/v1/closings/2025-08' },
    { method: 'DELETE', url: '/api/v1/closings/2025-08' },
    { method: 'POST', url: '/api/v1/closings/preview', payload: { ...bClosings, month: '2025-08' } },
    { method: 'POST', url: '/api/v1/closings/import', payload: aClosings },
    { method: 'GET', url: '/api/v1/agents' },
    { method: 'GET', url: '/api/v1/analytics/summary?period=2025-08' },
  ];
  for (const call of calls) {
    const response = await app.inject({ method: call.method, url: call.url, headers: a, ...(call.payload ? { payload: call.payload } : {}) });
    const label = `${call.method} ${call.url} → ${response.statusCode}`;
    assert.ok(response.statusCode < 500, label);
    const { instance: _echo, ...shown } = response.body ? (response.json() as Record<string, unknown>) : {};
    const body = JSON.stringify(shown);
    for (const secret of ['Secret B Boss', 'B-SECRET-1', 'Hidden Rd', '4321']) {
      // The preview echoes what A itself sent; everything else must not know B's closings.
      if (call.url.endsWith('/preview')) continue;
      assert.ok(!body.includes(secret), `${label} leaked ${secret}`);
    }
    if (call.url.endsWith('/preview')) {
      // A's preview of the same names sees them as new people: B's roster is not A's.
      assert.ok((response.json().warnings as string[]).some((warning) => warning.includes("'Secret B Agent' has not been seen before")), label);
    }
    if (call.url === '/api/v1/closings/2025-08') assert.equal(response.statusCode, 404, label);
  }
  assert.equal(await snapshot(), before, "B's closings are unchanged");
});
