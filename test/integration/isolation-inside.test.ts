/**
 * Tenant isolation seen from inside the database, as the application role: whatever the
 * application code does, row-level security keeps tenants apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { appPool, appUrl, ownerClient, uniqueOrg } from '../helpers/env.js';
import { provisionUser } from '../../src/db/provisioning.js';
import { withTenant } from '../../src/db/tenant.js';

const TENANT_TABLES = ['tenants', 'users', 'entitlements'];

async function provisioned(pool: pg.Pool) {
  return provisionUser(pool, { orgId: uniqueOrg(), userId: uniqueOrg('user'), email: 'a@example.test', promoDays: 90, today: new Date() });
}

async function appClient() {
  const client = new pg.Client({ connectionString: appUrl() });
  await client.connect();
  return client;
}

test('the application role is not privileged and owns nothing', async (t) => {
  const owner = await ownerClient(t);
  const role = await owner.query(
    `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolinherit FROM pg_roles WHERE rolname = 'cip_app'`,
  );
  assert.deepEqual(role.rows[0], { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, rolinherit: false });
  const owned = await owner.query(
    `SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'cip_app'`,
  );
  assert.deepEqual(owned.rows, []);
});

test('every tenant table has row-level security enabled and forced', async (t) => {
  const owner = await ownerClient(t);
  const result = await owner.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
    `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'pgmigrations'`,
  );
  assert.ok(result.rows.length >= TENANT_TABLES.length);
  for (const row of result.rows) {
    assert.ok(row.relrowsecurity && row.relforcerowsecurity, `${row.relname} must enable and force RLS`);
  }
});

test('with no tenant set, the application role sees zero rows', async (t) => {
  const pool = appPool(t);
  await provisioned(pool);
  await provisioned(pool);
  const client = await appClient();
  t.after(() => client.end());
  for (const table of TENANT_TABLES) {
    const result = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
    assert.equal(result.rows[0].n, 0, table);
  }
});

test('inside withTenant only that tenant is visible', async (t) => {
  const pool = appPool(t);
  const a = await provisioned(pool);
  const b = await provisioned(pool);
  const seen = await withTenant(pool, a.tenantId, async (tx) => (await tx.query<{ id: string }>('SELECT id FROM tenants')).rows);
  assert.deepEqual(seen, [{ id: a.tenantId }]);
  const users = await withTenant(pool, a.tenantId, async (tx) => (await tx.query('SELECT tenant_id FROM users')).rows);
  assert.ok(users.every((row) => row.tenant_id === a.tenantId));
  const lookup = await withTenant(pool, a.tenantId, async (tx) => (await tx.query('SELECT * FROM users WHERE tenant_id = $1', [b.tenantId])).rowCount);
  assert.equal(lookup, 0);
});

test('the application role cannot escape: SET ROLE, disabling RLS, dropping policies', async (t) => {
  const client = await appClient();
  t.after(() => client.end());
  const owner = await ownerClient(t);
  const ownerName = (await owner.query<{ current_user: string }>('SELECT current_user')).rows[0]!.current_user;
  await assert.rejects(client.query(`SET ROLE ${pg.escapeIdentifier(ownerName)}`), /permission denied/);
  await assert.rejects(client.query('SET ROLE postgres'), /permission denied|does not exist/);
  await assert.rejects(client.query('SET SESSION AUTHORIZATION postgres'), /permission denied/);
  await assert.rejects(client.query('ALTER TABLE users DISABLE ROW LEVEL SECURITY'), /must be owner/);
  await assert.rejects(client.query('ALTER TABLE users NO FORCE ROW LEVEL SECURITY'), /must be owner/);
  await assert.rejects(client.query('DROP POLICY tenant_isolation ON users'), /must be owner/);
  await assert.rejects(client.query('CREATE TABLE sneaky (id int)'), /permission denied/);
});

test("the application role cannot write another tenant's rows", async (t) => {
  const pool = appPool(t);
  const a = await provisioned(pool);
  const b = await provisioned(pool);
  await assert.rejects(
    withTenant(pool, a.tenantId, (tx) =>
      tx.query(`INSERT INTO users (tenant_id, supabase_user_id, role) VALUES ($1, 'intruder', 'admin')`, [b.tenantId]),
    ),
    /row-level security/,
  );
  await assert.rejects(
    withTenant(pool, a.tenantId, (tx) => tx.query(`UPDATE users SET role = 'admin' WHERE tenant_id = $1 RETURNING 1`, [a.tenantId]).then(() =>
      tx.query(`UPDATE entitlements SET tenant_id = $1`, [b.tenantId]),
    )),
    /row-level security|permission denied/,
  );
  const updated = await withTenant(pool, a.tenantId, (tx) => tx.query(`UPDATE users SET email = 'x@y.z' WHERE tenant_id = $1`, [b.tenantId]));
  assert.equal(updated.rowCount, 0);
  const deleted = await withTenant(pool, a.tenantId, (tx) => tx.query('DELETE FROM users WHERE tenant_id = $1', [b.tenantId]));
  assert.equal(deleted.rowCount, 0);
  const bUsers = await withTenant(pool, b.tenantId, async (tx) => (await tx.query('SELECT email FROM users')).rows);
  assert.deepEqual(bUsers, [{ email: 'a@example.test' }]);
});

test('a pooled connection reused after withTenant carries no tenant', async (t) => {
  const pool = appPool(t, 1); // one connection: the next user certainly gets the same one
  const a = await provisioned(pool);
  await withTenant(pool, a.tenantId, (tx) => tx.query('SELECT 1'));
  const after = await pool.query<{ tenant: string | null; n: number }>(
    `SELECT nullif(current_setting('app.current_tenant', true), '') AS tenant, (SELECT count(*)::int FROM tenants) AS n`,
  );
  assert.deepEqual(after.rows[0], { tenant: null, n: 0 });

  // Also after a failed transaction.
  await assert.rejects(withTenant(pool, a.tenantId, (tx) => tx.query('SELECT 1/0')));
  const afterError = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  assert.equal(afterError.rows[0]!.n, 0);
});

test('withTenant refuses anything but a uuid', async (t) => {
  const pool = appPool(t);
  await assert.rejects(withTenant(pool, "' OR true --", async () => 1), TypeError);
});

test('import mappings: invisible without a tenant, and never written into another tenant', async (t) => {
  const pool = appPool(t);
  const a = await provisioned(pool);
  const b = await provisioned(pool);
  const mapping = JSON.stringify({ columns: { gp: 'GP' } });
  await withTenant(pool, b.tenantId, (tx) => tx.query(`INSERT INTO import_mappings (tenant_id, name, mapping) VALUES ($1, 'b', $2)`, [b.tenantId, mapping]));
  const client = await appClient();
  t.after(() => client.end());
  assert.equal((await client.query('SELECT count(*)::int AS n FROM import_mappings')).rows[0].n, 0);
  await assert.rejects(
    withTenant(pool, a.tenantId, (tx) => tx.query(`INSERT INTO import_mappings (tenant_id, name, mapping) VALUES ($1, 'x', $2)`, [b.tenantId, mapping])),
    /row-level security/,
  );
  const seen = await withTenant(pool, a.tenantId, async (tx) => (await tx.query('SELECT name FROM import_mappings')).rows);
  assert.deepEqual(seen, []);
  const changed = await withTenant(pool, a.tenantId, (tx) => tx.query(`UPDATE import_mappings SET mapping = '{}' WHERE name = 'b'`));
  assert.equal(changed.rowCount, 0);
  const deleted = await withTenant(pool, a.tenantId, (tx) => tx.query(`DELETE FROM import_mappings WHERE name = 'b'`));
  assert.equal(deleted.rowCount, 0);
  const bRows = await withTenant(pool, b.tenantId, async (tx) => (await tx.query('SELECT name, mapping FROM import_mappings')).rows);
  assert.deepEqual(bRows, [{ name: 'b', mapping: { columns: { gp: 'GP' } } }]);
});

test('closings tables: no tenant set sees none of them, and a tenant cannot see or write another tenant\'s closings', async (t) => {
  const pool = appPool(t);
  const a = await provisioned(pool);
  const b = await provisioned(pool);
  // B's closings month, written as B (through the tables, as the import writes them).
  await withTenant(pool, b.tenantId, async (tx) => {
    await tx.query(
      `INSERT INTO closing_months (tenant_id, month, closing_count, side_count, adjustment_count, company_gp, company_transactions, closed, terminated, rollup)
       VALUES ($1, '2025-09-01', 1, 1, 1, 100, 1, 1, 0, '{}')`,
      [b.tenantId],
    );
    await tx.query(`INSERT INTO closings (tenant_id, month, position, gp, transactions, status) VALUES ($1, '2025-09-01', 0, 100, 1, 'closed')`, [b.tenantId]);
    await tx.query(`INSERT INTO closing_sides (tenant_id, month, position, side, role, agent) VALUES ($1, '2025-09-01', 0, 0, 'acq', 'Secret B')`, [b.tenantId]);
    await tx.query(
      `INSERT INTO closing_adjustments (tenant_id, month, source, position, payee, amount, reason) VALUES ($1, '2025-09-01', 'import', 0, 'Secret B', 5, 'bonus')`,
      [b.tenantId],
    );
  });
  const tables = ['closing_months', 'closings', 'closing_sides', 'closing_adjustments'];
  const client = await appClient();
  t.after(() => client.end());
  for (const table of tables) {
    assert.equal((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 0, `${table} with no tenant`);
    const seen = await withTenant(pool, a.tenantId, async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
    assert.equal(seen, 0, `${table} as tenant A`);
    const mine = await withTenant(pool, b.tenantId, async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
    assert.equal(mine, 1, `${table} as tenant B`);
  }
  await assert.rejects(
    withTenant(pool, a.tenantId, (tx) =>
      tx.query(
        `INSERT INTO closing_months (tenant_id, month, closing_count, side_count, adjustment_count, company_gp, company_transactions, closed, terminated, rollup)
         VALUES ($1, '2025-08-01', 0, 0, 0, 0, 0, 0, 0, '{}')`,
        [b.tenantId],
      ),
    ),
    /row-level security/,
  );
  await assert.rejects(
    withTenant(pool, a.tenantId, (tx) =>
      tx.query(`INSERT INTO closing_adjustments (tenant_id, month, source, position, payee, amount, reason) VALUES ($1, '2025-09-01', 'manual', 0, 'X', 1, 'bonus')`, [
        b.tenantId,
      ]),
    ),
    /row-level security/,
  );
  const deleted = await withTenant(pool, a.tenantId, (tx) => tx.query('DELETE FROM closing_sides WHERE tenant_id = $1', [b.tenantId]));
  assert.equal(deleted.rowCount, 0);
});
