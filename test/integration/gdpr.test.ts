/**
 * GDPR: an admin exports everything the organisation owns as one JSON document, and erases the
 * organisation — every row of it gone in one transaction, a tombstone left outside its data —
 * whatever its subscription (neither route is gated).
 */
import { test } from 'node:test';
import type pg from 'pg';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appPool, appUrl, bearer, ownerClient, tenantProofKey, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { createPool } from '../../src/db/pool.js';
import { bindTenantProofKey } from '../../src/db/tenant.js';
import { smallMonth } from '../helpers/fixtures.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { Redis } from 'ioredis';
import { RedisTenantCache } from '../../src/cache/redis-cache.js';
import { DatabaseGenerations } from '../../src/cache/generations.js';
import { eventually } from '../helpers/eventually.js';
import { redisTest } from '../helpers/redis-server.js';
import { serviceContext, systemPrincipal } from '../../src/services/context.js';
import { exportTenant } from '../../src/services/tenant/export-tenant.js';
import { forecastMemo } from '../../src/services/analytics/forecast-memo.js';

const PLAN = { name: 'Flat', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: 0.1 }] } };

test('an admin exports everything the organisation owns, as one streamed JSON document', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('gdpr-export');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', email: 'owner@export.example', sub: randomUUID() }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  const other = bearer(await tokenFor({ orgId: uniqueOrg('gdpr-other'), role: 'admin', sub: randomUUID() }));
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: smallMonth('2025-08') })).statusCode, 201);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/plans', headers: admin, payload: PLAN })).statusCode, 201);
  const otherMonth = smallMonth('2025-07');
  otherMonth.agents[0]!.name = 'Other Tenant Agent';
  otherMonth.managers![0]!.team = ['Other Tenant Agent', 'Bo Tran'];
  otherMonth.deals = undefined;
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: other, payload: otherMonth })).statusCode, 201);

  assert.equal((await app.inject({ url: '/api/v1/tenant/export', headers: member })).statusCode, 403);
  const response = await app.inject({ url: '/api/v1/tenant/export', headers: admin });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.match(String(response.headers['content-disposition']), /attachment/);
  const document = response.json() as { format: string; org_id: string; tables: Record<string, Record<string, unknown>[]> };
  assert.equal(document.format, 'cip-tenant-export/1');
  assert.equal(document.org_id, org);
  for (const table of ['tenants', 'users', 'entitlements', 'commission_months', 'payee_months', 'deals', 'agents', 'managers', 'plans', 'plan_versions', 'audit_log']) {
    assert.ok(Array.isArray(document.tables[table]), `${table} is in the export`);
  }
  assert.equal(document.tables.tenants!.length, 1);
  assert.equal(document.tables.users!.length, 2);
  assert.equal(document.tables.deals!.length, 10);
  const [stored] = document.tables.commission_months!;
  assert.deepEqual((stored!.document as { month: string }).month, '2025-08', 'the imported document, as stored');
  for (const derived of ['document_text', 'payees', 'rollup_figures', 'rollup_totals']) assert.ok(!(derived in stored!), `${derived} is derived from the row: left out`);
  assert.ok('rollup' in stored! && 'document' in stored!, 'what they derive from is in');
  assert.deepEqual(document.tables.agents!.map((agent) => agent.name).sort(), ['Ada Quill', 'Bo Tran']);
  assert.ok(document.tables.audit_log!.length >= 3, 'the audit trail so far is part of it');
  assert.ok(!response.body.includes('Other Tenant Agent'), "nothing of another tenant");
  const tenantId = tenantIdForOrg(org);
  for (const [table, rows] of Object.entries(document.tables)) {
    for (const row of rows) assert.equal(table === 'tenants' ? row.id : row.tenant_id, tenantId, `${table} row of another tenant`);
  }
});

test('erasure removes every row of the organisation in one transaction and leaves a tombstone', async (t) => {
  const pool = appPool(t);
  const app = await testApp(t, { pool, clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('gdpr-erase');
  const tenantId = tenantIdForOrg(org);
  const adminSub = randomUUID();
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: adminSub }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  const keepOrg = uniqueOrg('gdpr-keep');
  const keep = bearer(await tokenFor({ orgId: keepOrg, role: 'admin', sub: randomUUID() }));
  for (const headers of [admin, keep]) {
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers, payload: smallMonth('2025-08') })).statusCode, 201);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/plans', headers, payload: PLAN })).statusCode, 201);
  }
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: member })).statusCode, 200);
  for (const headers of [admin, keep]) assert.equal((await app.inject({ url: '/api/v1/analytics/summary?period=all', headers })).statusCode, 200);
  const keepTenant = tenantIdForOrg(keepOrg);
  assert.ok(forecastMemo.entriesOf(tenantId) > 0 && forecastMemo.entriesOf(keepTenant) > 0, 'both summaries went through the forecast memo');

  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: member, payload: { confirm: org } })).statusCode, 403);
  const unconfirmed = await app.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: admin, payload: { confirm: 'someone-else' } });
  assert.equal(unconfirmed.statusCode, 422);
  assert.equal(unconfirmed.json().errors[0].pointer, '/confirm');
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: admin, payload: {} })).statusCode, 422);

  const erased = await app.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: admin, payload: { confirm: org } });
  assert.equal(erased.statusCode, 200, erased.body);
  const { tables } = erased.json() as { tables: Record<string, number> };
  assert.equal(tables.tenants, 1);
  assert.equal(tables.users, 2);
  assert.equal(tables.deals, 10);
  assert.ok(tables.audit_log! > 0);
  assert.equal(forecastMemo.entriesOf(tenantId), 0, 'the erased tenant\'s forecasts are dropped from memory');
  assert.ok(forecastMemo.entriesOf(keepTenant) > 0, 'the other tenant keeps its forecasts');

  const owner = await ownerClient(t);
  const leftovers = await owner.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name <> 'tenant_tombstones'`,
  );
  for (const { table_name: table } of leftovers.rows) {
    const count = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]);
    assert.equal(count.rows[0]!.n, 0, `${table} still holds rows of the erased tenant`);
  }
  assert.equal((await owner.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId])).rowCount, 0);

  const tombstone = await owner.query('SELECT tenant_id, org_id_sha256, erased_by, request_id, tables FROM tenant_tombstones WHERE tenant_id = $1', [tenantId]);
  assert.equal(tombstone.rowCount, 1);
  assert.equal(tombstone.rows[0].org_id_sha256.length, 64);
  assert.ok(!JSON.stringify(tombstone.rows[0]).includes(org), 'the tombstone does not hold the org id itself');
  assert.equal(tombstone.rows[0].request_id, erased.headers['x-request-id']);

  // The other tenant is untouched.
  assert.equal((await app.inject({ url: '/api/v1/commissions/2025-08', headers: keep })).statusCode, 200);
  // The application role cannot read or write tombstones directly.
  const client = await pool.connect();
  try {
    await assert.rejects(client.query('SELECT * FROM tenant_tombstones'), /permission denied/);
    await assert.rejects(client.query(`SELECT record_tenant_tombstone('x', null, 'r', '{}')`), /needs a tenant-scoped transaction/);
  } finally {
    client.release();
  }

  // Signing in again starts an empty organisation.
  const again = await app.inject({ url: '/api/v1/commissions', headers: admin });
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json().total, 0);
});

test('export and erasure stay reachable for a tenant without a subscription', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('gdpr-none');
  const admin = bearer(
    await tokenFor({ orgId: org, sub: randomUUID(), extra: { app_metadata: { provider: 'email', role: 'admin', entitlements: { subscription_tier: 'none', promo_until: null } } } }),
  );
  assert.equal((await app.inject({ url: '/api/v1/commissions', headers: admin })).statusCode, 402);
  assert.equal((await app.inject({ url: '/api/v1/tenant/export', headers: admin })).statusCode, 200);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: admin, payload: { confirm: org } })).statusCode, 200);
});

redisTest('erasure deletes the organisation’s cached analytics from Redis at once, and nobody else’s', async (t, url) => {
  const prefix = `cip-test-${randomUUID()}`;
  const cache = new RedisTenantCache({ url, prefix, generations: new DatabaseGenerations({ pool: appPool(t) }) });
  t.after(() => cache.close());
  const app = await testApp(t, { cache });
  const [org, other] = [uniqueOrg('erase-cache'), uniqueOrg('keep-cache')];
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin' }));
  const otherAdmin = bearer(await tokenFor({ orgId: other, role: 'admin' }));
  const raw = new Redis(url);
  t.after(() => raw.quit());
  const keysOf = (orgId: string) => raw.keys(`${prefix}:c:{${encodeURIComponent(tenantIdForOrg(orgId))}}:*`);
  for (const headers of [admin, otherAdmin]) {
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers, payload: smallMonth('2025-09') })).statusCode, 201);
    await eventually('the summary to be cached in Redis', async () => {
      assert.equal((await app.inject({ url: '/api/v1/analytics/summary?period=all', headers })).statusCode, 200);
      return (await keysOf(headers === admin ? org : other)).length > 0;
    });
  }

  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/tenant', headers: admin, payload: { confirm: org } })).statusCode, 200);
  assert.deepEqual(await keysOf(org), [], 'no cached result of the erased organisation is left in Redis');
  assert.ok((await keysOf(other)).length > 0, 'the other organisation keeps its cache');
});

/** The export through its use case, as text: what GET /tenant/export streams. */
async function exportText(pool: pg.Pool, org: string, clock: () => Date): Promise<string> {
  const ctx = {
    ...serviceContext({ pool, clock, tenantChanged: async () => {} }, systemPrincipal(tenantIdForOrg(org), org)),
    audit: { flush: async () => {} },
    log: { error: () => {} },
  };
  const { stream } = await exportTenant(ctx);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

test('the export holds closings, mappings, adjustments, goals and approved payouts, and two exports are byte for byte the same', async (t) => {
  const pool = appPool(t);
  const clock = () => new Date('2025-10-15T12:00:00Z');
  const app = await testApp(t, { pool, clock });
  const org = uniqueOrg('gdpr-closings');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const ok = async (method: 'POST' | 'PUT', url: string, payload: object, status: number) => {
    const response = await app.inject({ method, url, headers: admin, payload });
    assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  };
  const closings = [
    { id: 'R-1', property: '5118 Reno St, Philadelphia, PA 19139', gp: 6000, sides: [{ role: 'acq', agent: 'Steve', manager: 'Devin' }, { role: 'dispo', agent: 'Vince' }] },
    { id: 'R-2', property: '77 Elm Ave, Camden, NJ 08102', gp: 1234.5, transactions: 0, sides: [{ role: 'acq', agent: 'Ana', manager: 'Devin' }] },
  ];
  await ok('POST', '/api/v1/closings/import', { month: '2025-09', closings, adjustments: [{ payee: 'Vince', amount: -250, reason: 'correction' }] }, 201);
  await ok('PUT', '/api/v1/import-mappings/dispo-sheet', { columns: { gp: 'Gross Profit', 'sides.acq.agent': 'Acq Agent' } }, 201);
  await ok('PUT', '/api/v1/import-mappings/another', { columns: { gp: 'GP', 'sides.dispo.agent': 'Dispo' } }, 201);
  await ok('POST', '/api/v1/payouts/2025-09/adjustments', { payee: 'Ana', amount: 100, reason: 'sprint', note: 'week 2' }, 201);
  await ok('PUT', '/api/v1/goals/2025-09', { transactions: 10, gp: 50000 }, 200);
  await ok('POST', '/api/v1/plans', { ...PLAN, effective_from: '2025-01' }, 201);
  await ok('POST', '/api/v1/payouts/2025-09/calculate', {}, 200);
  await ok('POST', '/api/v1/payouts/2025-09/approve', {}, 200);

  // Exports read through sequential scans, as a table without a usable index is read: without an
  // ORDER BY, rows come in the order they lie on disk (an index scan would hide that).
  const seqPool = createPool({ url: `${appUrl()}${appUrl().includes('?') ? '&' : '?'}options=${encodeURIComponent('-c enable_indexscan=off -c enable_bitmapscan=off -c enable_indexonlyscan=off')}`, max: 2, statementTimeoutMs: 10_000, onIdleError: () => {} });
  bindTenantProofKey(seqPool, tenantProofKey());
  t.after(() => seqPool.end());
  const first = await exportText(seqPool, org, clock);
  const { tables } = JSON.parse(first) as { tables: Record<string, Array<Record<string, unknown>>> };
  assert.deepEqual(tables.closing_months!.map((row) => [row.month, row.company_gp, row.closing_count]), [['2025-09-01', 7234.5, 2]]);
  assert.deepEqual(tables.closings!.map((row) => row.closing_id), ['R-1', 'R-2']);
  assert.deepEqual(tables.closing_sides!.map((row) => row.agent), ['Steve', 'Vince', 'Ana']);
  assert.deepEqual(tables.closing_adjustments!.map((row) => [row.payee, row.amount, row.source]).sort(), [['Ana', 100, 'manual'], ['Vince', -250, 'import']]);
  assert.deepEqual(tables.import_mappings!.map((row) => row.name), ['another', 'dispo-sheet'], 'by name, the key');
  assert.deepEqual(tables.month_goals!.map((row) => [row.month, row.transactions, row.gp]), [['2025-09-01', 10, 50000]]);
  assert.deepEqual(tables.payout_months!.map((row) => row.status), ['approved']);
  // The flat 10% acq plan: Steve 6,000 → 600.00, Ana 1,234.50 → 123.45 + 100 sprint = 223.45; Vince
  // (dispo, no plan) only his −250 correction.
  const statements = tables.payout_statements!.map((row) => JSON.stringify(row));
  assert.equal(statements.length, 3, statements.join('\n'));
  assert.ok(statements.some((row) => row.includes('"Steve"') && row.includes('600')), statements.join('\n'));
  assert.ok(tables.payout_events!.length >= 2, 'calculated and approved');

  // Rows rewritten in place move to the end of their tables on disk; the export's order is the
  // primary key's, so nothing shows.
  const owner = await ownerClient(t);
  const tenantId = tenantIdForOrg(org);
  await owner.query("UPDATE import_mappings SET name = name WHERE tenant_id = $1 AND name = 'another'", [tenantId]);
  await owner.query("UPDATE agents SET name = name WHERE tenant_id = $1 AND name = 'Ana'", [tenantId]);
  await owner.query('UPDATE closing_sides SET agent = agent WHERE tenant_id = $1 AND position = 0 AND side = 0', [tenantId]);
  await owner.query('UPDATE closings SET gp = gp WHERE tenant_id = $1 AND position = 0', [tenantId]);
  const second = await exportText(seqPool, org, clock);
  assert.equal(second, first);
});
