/**
 * The payee role, at the door: a token with `app_metadata.role: "payee"` is linked to one roster
 * person, by `app_metadata.payee` or by its e-mail matching the person's (set by admins on the
 * roster, unique case-insensitively); a link to nobody is a 403 that says so; a payee is never
 * provisioned as an admin; and every route not opened to payees answers them 403.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { agentId, call, ok, payeeTenant } from '../helpers/payee-tenant.js';

test('admins set a roster e-mail: validated, unique per tenant whatever its case, removable', async (t) => {
  const tenant = await payeeTenant(t);
  const { app, admin, member } = tenant;
  const ana = await agentId(tenant, 'Ana Acq');
  const ben = await agentId(tenant, 'Ben Acq');
  const set = (await ok(app, admin, 'PATCH', `/api/v1/agents/${ana}`, { email: ' Ana@Example.com ' })).json();
  assert.equal(set.email, 'Ana@Example.com', 'stored trimmed, as written');
  const taken = await call(app, admin, 'PATCH', `/api/v1/agents/${ben}`, { email: 'ana@EXAMPLE.com' });
  assert.equal(taken.statusCode, 409, taken.body);
  assert.equal(taken.json().type, '/problems/email-taken');
  assert.equal(taken.json().errors[0].pointer, '/email');
  for (const bad of ['not-an-email', 'a@b', 'two@@example.com', 'a b@example.com', 'x'.repeat(320) + '@example.com']) {
    const response = await call(app, admin, 'PATCH', `/api/v1/agents/${ben}`, { email: bad });
    assert.equal(response.statusCode, 422, `${bad}: ${response.body}`);
  }
  assert.equal((await call(app, member, 'PATCH', `/api/v1/agents/${ben}`, { email: 'ben@example.com' })).statusCode, 403, 'members do not');
  assert.equal((await ok(app, admin, 'GET', `/api/v1/agents/${ben}`)).json().agent.email, null, 'nothing half-written');
  assert.equal((await ok(app, admin, 'PATCH', `/api/v1/agents/${ana}`, { email: null })).json().email, null);
  assert.equal((await ok(app, admin, 'PATCH', `/api/v1/agents/${ben}`, { email: 'ana@example.com' })).json().email, 'ana@example.com', 'free again once removed');
});

test('a payee token links by app_metadata.payee or by e-mail; one that links to nobody gets 403 payee-unlinked', async (t) => {
  const tenant = await payeeTenant(t);
  const { app, admin } = tenant;
  await ok(app, admin, 'PATCH', `/api/v1/agents/${await agentId(tenant, 'Dora Dispo')}`, { email: 'dora@example.com' });

  // Linked: the door opens, and the route (not opened to payees) refuses with payee-forbidden.
  for (const headers of [await tenant.payee({ name: 'Ana Acq' }), await tenant.payee({ email: 'DORA@example.com' })]) {
    const response = await call(app, headers, 'GET', '/api/v1/agents');
    assert.equal(response.statusCode, 403, response.body);
    assert.equal(response.json().type, '/problems/payee-forbidden');
  }
  // Linked to nobody: a name not on the roster (exact, case matters), an e-mail nobody has, a
  // name that wins over a matching e-mail.
  for (const link of [{ name: 'Nobody Here' }, { name: 'ana acq' }, { email: 'stranger@example.com' }, { name: 'Nobody', email: 'dora@example.com' }]) {
    const response = await call(app, await tenant.payee(link), 'GET', '/api/v1/agents');
    assert.equal(response.statusCode, 403, `${JSON.stringify(link)}: ${response.body}`);
    assert.equal(response.json().type, '/problems/payee-unlinked');
    assert.match(response.json().detail, /roster/);
  }
  // Fixing the roster links an e-mail at once (a refused link is not remembered).
  const late = await tenant.payee({ email: 'ben@example.com' });
  assert.equal((await call(app, late, 'GET', '/api/v1/agents')).json().type, '/problems/payee-unlinked');
  await ok(app, admin, 'PATCH', `/api/v1/agents/${await agentId(tenant, 'Ben Acq')}`, { email: 'ben@example.com' });
  assert.equal((await call(app, late, 'GET', '/api/v1/agents')).json().type, '/problems/payee-forbidden');
});

test('a payee is never an admin: not the first user of a new tenant, and the admin-only routes refuse them', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('payee-first');
  const payee = bearer(await tokenFor({ orgId: org, role: 'payee', payee: 'Ana Acq', sub: randomUUID() }));
  // A new organisation has no roster: the payee links to nobody, and is not created.
  assert.equal((await call(app, payee, 'GET', '/api/v1/agents')).json().type, '/problems/payee-unlinked');
  // So the first user without a role claim is still the organisation's admin.
  const first = bearer(await tokenFor({ orgId: org, sub: randomUUID() }));
  assert.equal((await call(app, first, 'PUT', '/api/v1/settings', { termination_threshold: 0.2 })).statusCode, 200);

  const tenant = await payeeTenant(t, { app });
  const ana = await tenant.payee({ name: 'Ana Acq' });
  for (const [method, url, body] of [
    ['POST', '/api/v1/payouts/2025-09/approve', undefined],
    ['POST', '/api/v1/payouts/2025-09/calculate', undefined],
    ['PUT', '/api/v1/settings', { termination_threshold: 0.3 }],
    ['POST', '/api/v1/payouts/2025-09/adjustments', { payee: 'Ana Acq', amount: 1000, reason: 'bonus' }],
    ['GET', '/api/v1/payouts/2025-09', undefined],
    ['GET', '/api/v1/users', undefined],
  ] as const) {
    const response = await call(tenant.app, ana, method, url, body);
    assert.equal(response.statusCode, 403, `${method} ${url}: ${response.body}`);
  }
  // Nothing was written: the month is still a draft of the same total.
  assert.equal((await ok(tenant.app, tenant.admin, 'GET', '/api/v1/payouts/2025-09')).json().status, 'draft');
});
