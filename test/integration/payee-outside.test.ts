/**
 * Payee isolation seen from outside: a payee token against every route of the OpenAPI document
 * answers 403 `payee-forbidden`, except the routes opened to payees (tagged `me` and `inquiries`,
 * and the entitlements), which answer only the payee's own rows and never another person's name,
 * figures or ids. New routes are covered as soon as they are documented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, ok, payeeTenant } from '../helpers/payee-tenant.js';
import { EXPECTED, MONTH } from '../helpers/payouts-month.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];
interface Operation {
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean }[];
}
const OPENED_TAGS = new Set(['me', 'inquiries']);
const OPENED_PATHS = new Set(['/api/v1/entitlements', '/api/v1/branding', '/api/v1/payouts/{month}/statements/{payee}']);

test("a payee token reaches only the payee's own rows, on every route", async (t) => {
  const tenant = await payeeTenant(t, { approve: true });
  const { app, admin } = tenant;
  const ana = await tenant.payee({ name: 'Ana Acq' });
  // Someone else's inquiry (Ben's, asked by an admin on his behalf), for the {id} of the inquiry routes.
  const inquiries = (await app.inject('/openapi.json')).json().paths['/api/v1/payouts/{month}/inquiries'];
  const benInquiry = inquiries
    ? (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/inquiries`, { line: { payee: 'Ben Acq', index: 0 }, message: 'Ben asks' }, 201)).json().id
    : '00000000-0000-4000-8000-000000000000';
  const others = Object.keys(EXPECTED).filter((name) => name !== 'Ana Acq');
  const otherTotals = Object.entries(EXPECTED)
    .filter(([name]) => name !== 'Ana Acq')
    .map(([, total]) => total.toFixed(2));

  const params: Record<string, string> = { month: MONTH, id: benInquiry, name: 'any-mapping', payee: 'Ben Acq' };
  const query: Record<string, string> = { month: MONTH, from: '2025-01', to: '2025-12', format: 'csv' };
  const document = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
  let refused = 0;
  let opened = 0;
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/v1/') || path.startsWith('/api/v1/marketplace/')) continue;
    for (const method of METHODS) {
      const operation = operations[method];
      if (!operation) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        assert.ok(params[name], `${method.toUpperCase()} ${path}: this test has no value for {${name}}; add one`);
        return params[name]!;
      });
      const required = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query' && parameter.required);
      const search = new URLSearchParams(required.map((parameter) => [parameter.name, query[parameter.name] ?? '']));
      const target = search.size > 0 ? `${url}?${search}` : url;
      const body = method === 'get' || method === 'delete' ? undefined : { line: { payee: 'Ben Acq', index: 0 }, message: 'mine?', note: 'x', active: false };
      const response = await call(app, ana, method.toUpperCase(), target, body);
      const label = `${method.toUpperCase()} ${target} → ${response.statusCode}`;
      assert.ok(response.statusCode < 500, label);
      const isOpened = OPENED_PATHS.has(path) || (operation.tags ?? []).some((tag) => OPENED_TAGS.has(tag));
      if (!isOpened) {
        assert.equal(response.statusCode, 403, label);
        assert.equal(response.json().type, '/problems/payee-forbidden', label);
        refused += 1;
        continue;
      }
      opened += 1;
      const { instance: _echo, ...shown } = (response.headers['content-type'] ?? '').toString().includes('json') ? (response.json() as Record<string, unknown>) : { body: response.body };
      const text = JSON.stringify(shown);
      for (const name of others) assert.ok(!text.includes(name), `${label} shows ${name}: ${text.slice(0, 300)}`);
      for (const total of otherTotals) assert.ok(!text.includes(total), `${label} shows another person's total ${total}`);
      assert.ok(!text.includes(benInquiry), `${label} shows Ben's inquiry`);
    }
  }
  assert.ok(refused >= 40, `only ${refused} routes refused`);
  assert.ok(opened >= 3, `only ${opened} routes opened to payees`);

  // What the opened routes do answer: her own months and her own statement.
  assert.deepEqual((await ok(app, ana, 'GET', '/api/v1/me')).json(), { role: 'payee', payee: 'Ana Acq', email: (await ok(app, ana, 'GET', '/api/v1/me')).json().email });
  const mine = (await ok(app, ana, 'GET', '/api/v1/me/statements')).json();
  assert.deepEqual(mine.items.map((item: { month: string; total: number }) => [item.month, item.total]), [[MONTH, 3359.93]]);
  assert.equal(mine.total, 3359.93);
  const statement = (await ok(app, ana, 'GET', `/api/v1/me/statements/${MONTH}`)).json();
  assert.equal(statement.status, 'approved');
  assert.equal(statement.statement.payee, 'Ana Acq');
  assert.equal(statement.statement.total, 3359.93);
  // The printable page of her own statement, and nobody else's (the policies, not the route, decide).
  const page = await ok(app, ana, 'GET', `/api/v1/payouts/${MONTH}/statements/${encodeURIComponent('Ana Acq')}?format=html`);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.ok(page.body.includes('Ana Acq') && page.body.includes('3,359.93'), 'her page shows her name and total');
  for (const name of others) {
    const response = await call(app, ana, 'GET', `/api/v1/payouts/${MONTH}/statements/${encodeURIComponent(name)}`);
    assert.equal(response.statusCode, 404, `${name}'s statement is not hers`);
    assert.ok(!response.body.includes(name));
  }
  // Admins and members have no statements of their own.
  assert.equal((await call(app, admin, 'GET', '/api/v1/me/statements')).statusCode, 403);
  assert.equal((await ok(app, admin, 'GET', '/api/v1/me')).json().role, 'admin');
});

test('a payee sees a draft month only when the tenant allows it', async (t) => {
  const tenant = await payeeTenant(t);
  const dan = await tenant.payee({ name: 'Dan Dispo' });
  assert.deepEqual((await ok(tenant.app, dan, 'GET', '/api/v1/me/statements')).json(), { payee: 'Dan Dispo', items: [], total: 0 });
  assert.equal((await call(tenant.app, dan, 'GET', `/api/v1/me/statements/${MONTH}`)).statusCode, 404);
  await ok(tenant.app, tenant.admin, 'PUT', '/api/v1/settings', { payees_see_drafts: true });
  const drafts = (await ok(tenant.app, dan, 'GET', '/api/v1/me/statements')).json();
  // Dan Dispo: 4,980.03 (test/helpers/payouts-month.ts), in a draft month.
  assert.deepEqual(drafts.items.map((item: { month: string; status: string; total: number }) => [item.month, item.status, item.total]), [[MONTH, 'draft', 4980.03]]);
  assert.equal((await ok(tenant.app, dan, 'GET', `/api/v1/me/statements/${MONTH}`)).json().statement.total, 4980.03);
});
