import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appPool, bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';

test('50 concurrent first requests of a new org create exactly one tenant and one user', async (t) => {
  const app = await testApp(t, { pool: appPool(t, 20) });
  const org = uniqueOrg('race');
  const token = await tokenFor({ orgId: org, sub: randomUUID(), email: 'first@race.test' });
  const responses = await Promise.all(
    Array.from({ length: 50 }, () => app.inject({ method: 'GET', url: '/api/v1/entitlements', headers: bearer(token) })),
  );
  assert.deepEqual([...new Set(responses.map((response) => response.statusCode))], [200]);

  const owner = await ownerClient(t);
  const tenants = await owner.query('SELECT id FROM tenants WHERE supabase_org_id = $1', [org]);
  assert.equal(tenants.rowCount, 1);
  const users = await owner.query('SELECT role FROM users WHERE tenant_id = $1', [tenants.rows[0].id]);
  assert.deepEqual(users.rows, [{ role: 'admin' }]);
  const entitlements = await owner.query('SELECT subscription_tier FROM entitlements WHERE tenant_id = $1', [tenants.rows[0].id]);
  assert.deepEqual(entitlements.rows, [{ subscription_tier: 'promo' }]);
});

test('50 different users arriving at once: one becomes admin, the rest members', async (t) => {
  const app = await testApp(t, { pool: appPool(t, 20) });
  const org = uniqueOrg('crowd');
  const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => tokenFor({ orgId: org, sub: randomUUID(), email: `u${i}@crowd.test` })));
  const responses = await Promise.all(tokens.map((token) => app.inject({ method: 'GET', url: '/api/v1/entitlements', headers: bearer(token) })));
  assert.ok(responses.every((response) => response.statusCode === 200));

  const owner = await ownerClient(t);
  const roles = await owner.query<{ role: string; n: number }>(
    'SELECT role, count(*)::int AS n FROM users WHERE tenant_id = $1 GROUP BY role ORDER BY role',
    [tenantIdForOrg(org)],
  );
  assert.deepEqual(roles.rows, [{ role: 'admin', n: 1 }, { role: 'member', n: 49 }]);
});

test('a new tenant starts on a promotion of PROMO_DAYS days from its first login', async (t) => {
  const today = new Date('2026-01-10T15:00:00Z');
  const app = await testApp(t, { clock: () => today });
  const response = await app.inject({ method: 'GET', url: '/api/v1/entitlements', headers: bearer(await tokenFor({ orgId: uniqueOrg() })) });
  const { commission_intelligence, subscription_tier, promo_until, promo_days_left } = response.json();
  assert.deepEqual({ commission_intelligence, subscription_tier, promo_until, promo_days_left }, {
    commission_intelligence: true,
    subscription_tier: 'promo',
    promo_until: '2026-04-09',
    promo_days_left: 90,
  });

  const shorter = await testApp(t, { clock: () => today, env: { PROMO_DAYS: '7' } });
  const other = await shorter.inject({ method: 'GET', url: '/api/v1/entitlements', headers: bearer(await tokenFor({ orgId: uniqueOrg() })) });
  assert.equal(other.json().promo_until, '2026-01-16');
});

test('tenant ids are derived from the org id, so the same org is always the same tenant', () => {
  assert.equal(tenantIdForOrg('demo'), tenantIdForOrg('demo'));
  assert.notEqual(tenantIdForOrg('demo'), tenantIdForOrg('Demo'));
  assert.match(tenantIdForOrg('demo'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
