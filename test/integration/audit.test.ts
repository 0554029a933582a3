/**
 * The audit trail: one row per request that reached a tenant's data (tenant, user, action as
 * method + route pattern, resource as path parameters, request id, IP, status, time), readable by
 * the tenant's admins through GET /api/v1/audit with filters and pages, and append-only for the
 * application role: INSERT and SELECT, never UPDATE or DELETE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appPool, bearer, ownerClient, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { withTenant } from '../../src/db/tenant.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { AuditWriter } from '../../src/services/audit/audit-writer.js';

interface Item {
  action: string;
  resource: Record<string, unknown>;
  status: number;
  user_id: string | null;
  user_email: string | null;
  request_id: string;
  ip: string | null;
  occurred_at: string;
}

test('every tenant request leaves one audit row; admins read, filter and page them', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg('audit');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', email: 'boss@audit.example', sub: randomUUID() }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', email: 'staff@audit.example', sub: randomUUID() }));
  const other = bearer(await tokenFor({ orgId: uniqueOrg('audit-other'), role: 'admin', sub: randomUUID() }));

  const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: { ...admin, 'x-request-id': 'import-request-0001' }, payload: smallMonth('2025-08') });
  assert.equal(imported.statusCode, 201);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers: member })).statusCode, 200);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/commissions/2025-08', headers: member })).statusCode, 403);
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers: other })).statusCode, 404);
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: { authorization: 'Bearer bad.token.here' } })).statusCode, 401);

  assert.equal((await app.inject({ url: '/api/v1/audit', headers: member })).statusCode, 403, 'members may not read the trail');

  const trail = await app.inject({ url: '/api/v1/audit', headers: admin });
  assert.equal(trail.statusCode, 200, trail.body);
  const items = trail.json().items as Item[];
  assert.deepEqual(
    items.map((item) => `${item.action} ${item.status}`),
    [
      'GET /api/v1/audit 403',
      'DELETE /api/v1/commissions/:month 403',
      'GET /api/v1/commissions/:month 200',
      'POST /api/v1/commissions/import 201',
    ],
    "newest first; the other tenant's request and the unauthenticated one are not here",
  );
  const importRow = items.at(-1)!;
  assert.equal(importRow.request_id, 'import-request-0001');
  assert.equal(importRow.user_email, 'boss@audit.example');
  assert.equal(importRow.ip, '127.0.0.1');
  assert.deepEqual(items[1]!.resource, { month: '2025-08' });
  assert.equal(items[1]!.user_email, 'staff@audit.example');
  assert.ok(Date.parse(importRow.occurred_at) <= Date.parse(items[0]!.occurred_at));

  const byAction = await app.inject({ url: `/api/v1/audit?action=${encodeURIComponent('GET /api/v1/commissions/:month')}`, headers: admin });
  assert.deepEqual((byAction.json().items as Item[]).map((item) => item.status), [200]);
  const byUser = await app.inject({ url: `/api/v1/audit?user_id=${importRow.user_id}`, headers: admin });
  assert.ok((byUser.json().items as Item[]).every((item) => item.user_email === 'boss@audit.example'));
  const future = await app.inject({ url: '/api/v1/audit?from=2999-01-01T00:00:00Z', headers: admin });
  assert.deepEqual(future.json().items, []);

  const page1 = (await app.inject({ url: '/api/v1/audit?limit=2', headers: admin })).json();
  assert.equal(page1.items.length, 2);
  assert.equal(page1.next_offset, 2);
  const page2 = (await app.inject({ url: `/api/v1/audit?limit=2&offset=${page1.next_offset}`, headers: admin })).json();
  assert.ok(page2.items.length >= 2);
  assert.notDeepEqual(page2.items[0], page1.items[0]);

  const badRange = await app.inject({ url: '/api/v1/audit?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', headers: admin });
  assert.equal(badRange.statusCode, 400);
});

test('the application role may insert and read audit rows, never update or delete them', async (t) => {
  const pool = appPool(t);
  const app = await testApp(t, { pool });
  const org = uniqueOrg('audit-ro');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  assert.equal((await app.inject({ url: '/api/v1/entitlements', headers: admin })).statusCode, 200);
  await app.auditWriter.flush();
  const tenantId = tenantIdForOrg(org);

  const rows = await withTenant(pool, tenantId, async (tx) => (await tx.query('SELECT id FROM audit_log')).rows);
  assert.equal(rows.length, 1);
  await withTenant(pool, tenantId, (tx) =>
    tx.query(`INSERT INTO audit_log (tenant_id, occurred_at, action, request_id, status) VALUES ($1, now(), 'GET /x', 'r-1', 200)`, [tenantId]),
  );
  await assert.rejects(withTenant(pool, tenantId, (tx) => tx.query(`UPDATE audit_log SET status = 200`)), /permission denied/);
  await assert.rejects(withTenant(pool, tenantId, (tx) => tx.query('DELETE FROM audit_log')), /permission denied/);
  await assert.rejects(withTenant(pool, tenantId, (tx) => tx.query('TRUNCATE audit_log')), /permission denied/);
  await assert.rejects(
    withTenant(pool, tenantId, (tx) =>
      tx.query(`INSERT INTO audit_log (tenant_id, occurred_at, action, request_id, status) VALUES ($1, now(), 'GET /x', 'r-2', 200)`, [randomUUID()]),
    ),
    /row-level security/,
    "no rows for another tenant",
  );
  const owner = await ownerClient(t);
  await assert.rejects(owner.query('UPDATE audit_log SET status = 500 WHERE tenant_id = $1', [tenantId]), /append-only/, 'not even the owner rewrites history');
  const count = await withTenant(pool, tenantId, async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n);
  assert.equal(count, 2);
});

test('the writer logs entries it cannot write and keeps them for the next attempt', async (t) => {
  const pool = appPool(t, 2);
  const errors: { object: Record<string, unknown>; message: string }[] = [];
  const writer = new AuditWriter({ pool, log: { error: (object, message) => errors.push({ object, message }) }, flushIntervalMs: 10_000 });
  const entry = (tenantId: string) => ({
    tenantId,
    occurredAt: new Date(),
    userId: null,
    action: 'GET /api/v1/x',
    resource: {},
    requestId: `req-${randomUUID()}`,
    ip: '127.0.0.1',
    status: 200,
    durationMs: 1,
  });
  // A tenant that does not exist: the foreign key refuses it; logged, and not retried forever.
  writer.record(entry(randomUUID()));
  await writer.flush();
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /not written/);
  assert.equal(writer.counts.failed, 1);
  assert.equal(writer.pending, 0);
});
