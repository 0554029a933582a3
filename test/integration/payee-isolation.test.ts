/**
 * Payee isolation from inside the database, as the application role: in a transaction entered
 * with a payee (withTenant's `payee`, migration 0016), every statement, closing, side, adjustment
 * and roster read returns only that person's rows, whatever the SQL asks; the rest of the tenant's
 * tables show nothing; writes are refused; and the payee setting cannot be dropped or changed
 * without the tenant itself vanishing from the transaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { appPool, appUrl, ownerClient, tenantProofKey } from '../helpers/env.js';
import { ok, payeeTenant } from '../helpers/payee-tenant.js';
import { EXPECTED, MONTH } from '../helpers/payouts-month.js';
import { tenantEntryText, withTenant, type TenantTx } from '../../src/db/tenant.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';

const rows = async (tx: TenantTx, sql: string) => (await tx.query<Record<string, string | null>>(sql)).rows;
/** One query at a time: a transaction's client runs them in turn. */
async function counts(tx: TenantTx, tables: string[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables) result[table] = await count(tx, table);
  return result;
}
const count = async (tx: Pick<TenantTx, 'query'>, table: string) => Number((await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

test('every table with row-level security has the four payee policies (deny by default)', async (t) => {
  const owner = await ownerClient(t);
  const tables = await owner.query<{ relname: string; policies: string[] }>(
    `SELECT c.relname, array(SELECT p.polname::text FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname LIKE 'payee_%' AND NOT p.polpermissive ORDER BY 1) AS policies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)`,
  );
  assert.ok(tables.rows.length >= 30, `${tables.rows.length} tenant tables`);
  for (const table of tables.rows) {
    assert.deepEqual(table.policies, ['payee_delete', 'payee_insert', 'payee_read', 'payee_update'], `${table.relname} needs the restrictive payee policies (migration 0016's loop)`);
  }
});

test('with a payee set, statements, closings, sides, adjustments and the roster show only that person; other tables nothing', async (t) => {
  const tenant = await payeeTenant(t, { approve: true });
  const pool = appPool(t);
  const tenantId = tenantIdForOrg(tenant.org);
  const people = Object.keys(EXPECTED).length;

  // The whole tenant, for comparison: every statement, all nine closings.
  const all = await withTenant(pool, tenantId, async (tx) => ({ statements: await count(tx, 'payout_statements'), closings: await count(tx, 'closings'), users: await count(tx, 'users') }));
  assert.equal(all.statements, people);
  assert.equal(all.closings, 9);
  assert.ok(all.users >= 1);

  const seen = (payee: string) =>
    withTenant(
      pool,
      tenantId,
      async (tx) => ({
        statements: await rows(tx, 'SELECT payee, total FROM payout_statements ORDER BY payee'),
        closings: await rows(tx, 'SELECT closing_id FROM closings ORDER BY position'),
        sides: await rows(tx, 'SELECT role, agent, manager FROM closing_sides ORDER BY position, side'),
        adjustments: await rows(tx, 'SELECT payee, amount FROM closing_adjustments ORDER BY payee'),
        agents: await rows(tx, 'SELECT name FROM agents'),
        months: await rows(tx, "SELECT to_char(month, 'YYYY-MM') AS month, status FROM payout_months"),
        // Nothing of these: other people, the company's documents, the trail.
        none: await counts(tx, ['users', 'audit_log', 'plans', 'plan_versions', 'closing_months', 'payout_events', 'commission_months', 'reports', 'idempotency_keys', 'import_mappings', 'month_goals']),
      }),
      { payee },
    );
  const nothing = { users: 0, audit_log: 0, plans: 0, plan_versions: 0, closing_months: 0, payout_events: 0, commission_months: 0, reports: 0, idempotency_keys: 0, import_mappings: 0, month_goals: 0 };

  // Ana: acq agent of D1 and D2 only; her statement (3,359.93) and her -0.07 correction.
  const ana = await seen('Ana Acq');
  assert.deepEqual(ana.statements, [{ payee: 'Ana Acq', total: '3359.93' }]);
  assert.deepEqual(ana.closings, [{ closing_id: 'D1' }, { closing_id: 'D2' }]);
  assert.deepEqual(ana.sides, [
    { role: 'acq', agent: 'Ana Acq', manager: 'Lee Lead' },
    { role: 'acq', agent: 'Ana Acq', manager: 'Lee Lead' },
  ], 'only her own sides: not who was on the dispo side');
  assert.deepEqual(ana.adjustments, [{ payee: 'Ana Acq', amount: '-0.07' }]);
  assert.deepEqual(ana.agents, [{ name: 'Ana Acq' }]);
  assert.deepEqual(ana.months, [{ month: MONTH, status: 'approved' }]);
  assert.deepEqual(ana.none, nothing);

  // Lee: manager of the acq sides of D1–D4 and acq agent of D5; a side naming him either way counts.
  const lee = await seen('Lee Lead');
  assert.deepEqual(lee.statements.map((row) => row.payee), ['Lee Lead']);
  assert.deepEqual(lee.closings.map((row) => row.closing_id), ['D1', 'D2', 'D3', 'D4', 'D5']);
  assert.equal(lee.sides.length, 5);
  assert.ok(lee.sides.every((side) => side.agent === 'Lee Lead' || side.manager === 'Lee Lead'));
  assert.deepEqual(lee.adjustments, [{ payee: 'Lee Lead', amount: '150.00' }]);

  // A name nobody has sees nothing at all of the people.
  const stranger = await seen('Nobody At All');
  assert.deepEqual([stranger.statements, stranger.closings, stranger.sides, stranger.adjustments, stranger.agents], [[], [], [], [], []]);
});

test("a draft month is hidden from payees until the tenant's payees_see_drafts is on", async (t) => {
  const tenant = await payeeTenant(t);
  const pool = appPool(t);
  const tenantId = tenantIdForOrg(tenant.org);
  const view = () =>
    withTenant(pool, tenantId, async (tx) => [await count(tx, 'payout_statements'), await count(tx, 'closings'), await count(tx, 'closing_adjustments'), await count(tx, 'payout_months')], {
      payee: 'Ana Acq',
    });
  assert.deepEqual(await view(), [0, 0, 0, 0], 'draft: nothing');
  await ok(tenant.app, tenant.admin, 'PUT', '/api/v1/settings', { payees_see_drafts: true });
  assert.deepEqual(await view(), [1, 2, 1, 1], 'drafts allowed: her statement, D1 and D2, her correction');
});

test('a payee transaction writes nothing but its inquiries, and its payee setting cannot be dropped or changed', async (t) => {
  const tenant = await payeeTenant(t, { approve: true });
  const pool = appPool(t);
  const tenantId = tenantIdForOrg(tenant.org);

  await withTenant(
    pool,
    tenantId,
    async (tx) => {
      await assert.rejects(
        tx.query(`INSERT INTO closing_adjustments (tenant_id, month, source, position, payee, amount, reason) VALUES ($1, '2025-10-01', 'manual', 0, 'Ana Acq', 1000, 'bonus')`, [tenantId]),
        /row-level security/,
      );
    },
    { payee: 'Ana Acq' },
  );
  const changed = await withTenant(
    pool,
    tenantId,
    async (tx) => [
      (await tx.query("UPDATE payout_statements SET total = total + 1 WHERE payee = 'Ana Acq'")).rowCount,
      (await tx.query("UPDATE agents SET active = false WHERE name = 'Ana Acq'")).rowCount,
      (await tx.query("DELETE FROM agents WHERE name = 'Ana Acq'")).rowCount,
    ],
    { payee: 'Ana Acq' },
  );
  assert.deepEqual(changed, [0, 0, 0], 'her own rows are read-only');

  // Tampering as cip_app inside an entered payee transaction: clear the payee, or switch it.
  const client = new pg.Client({ connectionString: appUrl() });
  await client.connect();
  t.after(() => client.end());
  for (const tamper of ["SELECT set_config('app.current_payee', '', true)", "SELECT set_config('app.current_payee', 'Lee Lead', true)", 'RESET app.current_payee']) {
    await client.query(tenantEntryText(tenantProofKey(), tenantId, Date.now(), 'Ana Acq'));
    assert.equal(await count(client, 'payout_statements'), 1, 'the entry admits Ana');
    await client.query(tamper);
    assert.deepEqual([await count(client, 'payout_statements'), await count(client, 'closings'), await count(client, 'tenants')], [0, 0, 0], `${tamper}: the tenant is gone`);
    await client.query('ROLLBACK');
  }
  // A payee set by hand in a whole-tenant transaction only loses that transaction its tenant.
  await client.query(tenantEntryText(tenantProofKey(), tenantId));
  assert.equal(await count(client, 'payout_statements'), Object.keys(EXPECTED).length);
  await client.query("SELECT set_config('app.current_payee', 'Ana Acq', true)");
  assert.equal(await count(client, 'payout_statements'), 0);
  await client.query('ROLLBACK');

  // An entry signed for no payee does not carry one added after signing (and the other way round).
  const plain = tenantEntryText(tenantProofKey(), tenantId);
  const forged = plain.replace(/'\)$/, `', '${Buffer.from('Ana Acq').toString('hex')}')`);
  await assert.rejects(client.query(forged), /tenant proof refused/);
  await client.query('ROLLBACK');
  const signedForAna = tenantEntryText(tenantProofKey(), tenantId, Date.now(), 'Ana Acq');
  const dropped = signedForAna.replace(/, '[0-9a-f]+'\)$/, ')');
  await assert.rejects(client.query(dropped), /tenant proof refused/);
  await client.query('ROLLBACK');
});
