/**
 * Tenant isolation seen from inside the database, as the application role: whatever the
 * application code does, row-level security keeps tenants apart.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { appPool, appUrl, ownerClient, tenantProofKey, uniqueOrg } from '../helpers/env.js';
import { provisionUser } from '../../src/db/provisioning.js';
import { tenantEntryText, withTenant } from '../../src/db/tenant.js';
import { PgChangeFeed } from '../../src/realtime/pg-change-feed.js';

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

/** Each table, holding one row of B's: none with no tenant set, none as A, one as B. */
async function assertOneRowOfB(t: TestContext, pool: pg.Pool, tenants: { a: string; b: string }, tables: readonly string[]) {
  const client = await appClient();
  t.after(() => client.end());
  const count = (tenantId: string, table: string) =>
    withTenant(pool, tenantId, async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
  for (const table of tables) {
    assert.equal((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 0, `${table} with no tenant`);
    assert.equal(await count(tenants.a, table), 0, `${table} as tenant A`);
    assert.equal(await count(tenants.b, table), 1, `${table} as tenant B`);
  }
}

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
  await assertOneRowOfB(t, pool, { a: a.tenantId, b: b.tenantId }, ['closing_months', 'closings', 'closing_sides', 'closing_adjustments']);
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

// Migration 0012: the tenant of a transaction is what enter_tenant proved, not a setting.

async function counts(client: pg.Client, tenantId: string) {
  const result = await client.query<{ tenants: number; users: number; entitlements: number }>(
    `SELECT (SELECT count(*)::int FROM tenants WHERE id = $1) AS tenants,
            (SELECT count(*)::int FROM users WHERE tenant_id = $1) AS users,
            (SELECT count(*)::int FROM entitlements WHERE tenant_id = $1) AS entitlements`,
    [tenantId],
  );
  return result.rows[0];
}

const NOTHING = { tenants: 0, users: 0, entitlements: 0 };

test('setting another tenant by hand, without proof, shows no rows and refuses writes', async (t) => {
  const pool = appPool(t);
  const a = await provisioned(pool);
  const b = await provisioned(pool);
  const client = await appClient();
  t.after(() => client.end());

  // The attack of issue 19: a cip_app session names tenant B itself.
  await client.query(`BEGIN; SELECT set_config('app.current_tenant', '${b.tenantId}', true)`);
  assert.deepEqual(await counts(client, b.tenantId), NOTHING);
  const updated = await client.query(`UPDATE users SET role = 'admin' WHERE tenant_id = $1`, [b.tenantId]);
  assert.equal(updated.rowCount, 0);
  const deleted = await client.query('DELETE FROM tenants WHERE id = $1', [b.tenantId]);
  assert.equal(deleted.rowCount, 0);
  await assert.rejects(
    client.query(`INSERT INTO users (tenant_id, supabase_user_id, role) VALUES ($1, 'intruder', 'admin')`, [b.tenantId]),
    /row-level security/,
  );
  await client.query('ROLLBACK');

  // Also inside a properly entered transaction of A: switching the setting to B loses A and gains nothing.
  await client.query(tenantEntryText(tenantProofKey(), a.tenantId));
  assert.deepEqual(await counts(client, a.tenantId), { tenants: 1, users: 1, entitlements: 1 }, 'the proof admits A');
  await client.query(`SELECT set_config('app.current_tenant', '${b.tenantId}', true)`);
  assert.deepEqual(await counts(client, b.tenantId), NOTHING);
  assert.deepEqual(await counts(client, a.tenantId), NOTHING);
  await client.query('ROLLBACK');

  // B's data is untouched: seen through the proper door.
  const bUsers = await withTenant(pool, b.tenantId, async (tx) => (await tx.query('SELECT role FROM users')).rows);
  assert.deepEqual(bUsers, [{ role: 'admin' }]);
});

test("a transaction proof carried into another transaction is refused", async (t) => {
  const pool = appPool(t);
  const b = await provisioned(pool);
  // What an attacker could learn from a transaction of B: the setting and its proof.
  const stolen = await withTenant(pool, b.tenantId, async (tx) =>
    (await tx.query<{ tenant: string; proof: string }>(
      `SELECT current_setting('app.current_tenant') AS tenant, current_setting('app.tenant_proof') AS proof`,
    )).rows[0]!,
  );
  assert.equal(stolen.tenant, b.tenantId);
  assert.match(stolen.proof, /^[0-9a-f]{64}$/);

  const client = await appClient();
  t.after(() => client.end());
  for (const assignXid of [false, true]) {
    await client.query('BEGIN');
    if (assignXid) await client.query('SELECT pg_current_xact_id()'); // with a transaction id of its own too
    await client.query(`SELECT set_config('app.current_tenant', $1, true), set_config('app.tenant_proof', $2, true)`, [stolen.tenant, stolen.proof]);
    assert.deepEqual(await counts(client, b.tenantId), NOTHING, `assignXid=${assignXid}`);
    await client.query('ROLLBACK');
  }
});

test('an entry is accepted once, only with a MAC under the key, and only before it expires', async (t) => {
  const pool = appPool(t);
  const b = await provisioned(pool);
  const key = tenantProofKey();
  const first = await appClient();
  const second = await appClient();
  t.after(() => Promise.all([first.end(), second.end()]));

  const entry = tenantEntryText(key, b.tenantId);
  await first.query(entry);
  assert.equal((await counts(first, b.tenantId))!.users, 1);
  await first.query('COMMIT');

  // The same text again (copied from pg_stat_activity or a statement log), on another connection.
  await assert.rejects(second.query(entry), /tenant proof already used/);
  await second.query('ROLLBACK');
  // Copied while the first transaction is still open: the replay waits on the nonce until that
  // transaction ends, and is refused when it commits.
  const another = tenantEntryText(key, b.tenantId);
  await first.query(another);
  // The expectation is attached at once: the refusal can arrive on its connection before the
  // COMMIT's answer on the other, and an unhandled rejection in that moment failed the test.
  const replay = assert.rejects(second.query(another), /tenant proof already used/);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await first.query('COMMIT');
  await replay;
  await second.query('ROLLBACK');

  // A MAC under any other key (here: a guessed one), a changed tenant, an expired entry.
  const guessed = tenantEntryText(Buffer.alloc(64, 7), b.tenantId);
  await assert.rejects(second.query(guessed), /tenant proof refused/);
  await second.query('ROLLBACK');
  const a = await provisioned(pool);
  await assert.rejects(second.query(tenantEntryText(key, a.tenantId).replace(a.tenantId, b.tenantId)), /tenant proof refused/);
  await second.query('ROLLBACK');
  await assert.rejects(second.query(tenantEntryText(key, b.tenantId, Date.now() - 60_000)), /tenant proof expired/);
  await second.query('ROLLBACK');
  await assert.rejects(second.query(tenantEntryText(key, b.tenantId, Date.now() + 120_000)), /tenant proof expired/);
  await second.query('ROLLBACK');
});

test('the application role cannot read the key or touch the nonces', async (t) => {
  const client = await appClient();
  t.after(() => client.end());
  await assert.rejects(client.query('SELECT key FROM tenant_proof_key'), /permission denied/);
  await assert.rejects(client.query('SELECT * FROM tenant_proof_nonces'), /permission denied/);
  await assert.rejects(client.query(`DELETE FROM tenant_proof_nonces`), /permission denied/);
  // Nor change what the functions run as: they belong to the owner, with a fixed search_path.
  await assert.rejects(client.query('ALTER FUNCTION current_tenant_id() SECURITY INVOKER'), /must be owner/);
  await assert.rejects(client.query('CREATE FUNCTION public.pg_current_xact_id_if_assigned() RETURNS xid8 LANGUAGE sql AS $$ SELECT 1::text::xid8 $$'), /permission denied/);
  const owner = await ownerClient(t);
  const config = await owner.query<{ proname: string; prosecdef: boolean; proconfig: string[] }>(
    `SELECT proname, prosecdef, proconfig FROM pg_proc WHERE proname IN ('current_tenant_id', 'enter_tenant') ORDER BY proname`,
  );
  for (const row of config.rows) {
    assert.ok(row.prosecdef, `${row.proname} is SECURITY DEFINER`);
    assert.deepEqual(row.proconfig, ['search_path=pg_catalog, public'], row.proname);
  }
});

test('the change feed names no tenant to a listener of the application role', async (t) => {
  const pool = appPool(t, 2);
  const channel = `cip_test_${crypto.randomUUID().replaceAll('-', '')}`;
  const feed = new PgChangeFeed({ connectionString: appUrl(), pool, channel });
  t.after(() => feed.close());
  assert.ok(await feed.ready(10_000));
  const eavesdropper = await appClient();
  t.after(() => eavesdropper.end());
  const heard: string[] = [];
  eavesdropper.on('notification', (message) => heard.push(message.payload ?? ''));
  await eavesdropper.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  const received: string[] = [];
  feed.subscribe((tenantId) => received.push(tenantId));

  const tenant = crypto.randomUUID();
  await feed.publish(tenant, { type: 'import', month: '2025-01' });
  await feed.publish(tenant, { type: 'import', month: '2025-01' });
  const deadline = Date.now() + 5_000;
  while ((heard.length < 2 || received.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(received, [tenant, tenant], 'the service itself still hears the tenant');
  assert.equal(heard.length, 2);
  for (const payload of heard) {
    assert.ok(!payload.includes(tenant) && !payload.includes(tenant.replaceAll('-', '')), payload);
    assert.ok(!payload.includes('import'), 'nor what happened');
  }
  assert.notEqual(heard[0], heard[1], 'two notices of one tenant do not even look alike');
});

test('payout tables: no tenant set sees none of them, and a tenant cannot see or write another tenant\'s payouts', async (t) => {
  const pool = appPool(t);
  const a = await provisioned(pool);
  const b = await provisioned(pool);
  const planId = '00000000-0000-4000-8000-000000000001';
  await withTenant(pool, b.tenantId, async (tx) => {
    await tx.query(
      `INSERT INTO payout_months (tenant_id, month, status, company_gp, company_transactions, total, by_role, uncovered, plans, inputs_md5, calculated_at)
       VALUES ($1, '2025-09-01', 'draft', 100, 1, 5, '{}', '[]', '[]', 'x', now())`,
      [b.tenantId],
    );
    await tx.query(`INSERT INTO payout_statements (tenant_id, month, position, payee, total, statement) VALUES ($1, '2025-09-01', 0, 'Secret B', 5, '{}')`, [b.tenantId]);
    await tx.query(`INSERT INTO payout_carry (tenant_id, month, plan_id, payee, paid) VALUES ($1, '2025-09-01', $2, 'Secret B', 5)`, [b.tenantId, planId]);
    await tx.query(`INSERT INTO payout_events (tenant_id, month, seq, occurred_at, action) VALUES ($1, '2025-09-01', 1, now(), 'calculated')`, [b.tenantId]);
    await tx.query(`INSERT INTO month_goals (tenant_id, month, transactions, gp, updated_at) VALUES ($1, '2025-09-01', 1, 1, now())`, [b.tenantId]);
  });
  await assertOneRowOfB(t, pool, { a: a.tenantId, b: b.tenantId }, ['payout_months', 'payout_statements', 'payout_carry', 'payout_events', 'month_goals']);
  await assert.rejects(
    withTenant(pool, a.tenantId, (tx) => tx.query(`INSERT INTO month_goals (tenant_id, month, transactions, gp, updated_at) VALUES ($1, '2025-08-01', 1, 1, now())`, [b.tenantId])),
    /row-level security/,
  );
  const updated = await withTenant(pool, a.tenantId, (tx) => tx.query(`UPDATE payout_months SET status = 'approved', approved_at = now() WHERE tenant_id = $1`, [b.tenantId]));
  assert.equal(updated.rowCount, 0);
  // An approved month's statements are not rewritten, even by its own tenant; the history is append-only.
  await withTenant(pool, b.tenantId, (tx) => tx.query(`UPDATE payout_months SET status = 'approved', approved_at = now()`));
  await assert.rejects(withTenant(pool, b.tenantId, (tx) => tx.query(`UPDATE payout_statements SET total = 6`)), /approved/);
  await assert.rejects(withTenant(pool, b.tenantId, (tx) => tx.query(`DELETE FROM payout_carry`)), /approved/);
  await assert.rejects(withTenant(pool, b.tenantId, (tx) => tx.query(`UPDATE payout_months SET total = 6`)), /approved/);
  await assert.rejects(withTenant(pool, b.tenantId, (tx) => tx.query(`DELETE FROM payout_events`)), /permission denied/);
});
