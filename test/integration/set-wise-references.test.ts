import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appPool, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { smallMonth } from '../helpers/fixtures.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { withTenant, type TenantTx } from '../../src/db/tenant.js';
import { countClosingRows } from '../../src/db/closings.js';

/*
 * Migration 0021 checks the references of deals, closings and closing sides once per statement
 * instead of once per row, and cascades deletes the same way. These are the foreign keys'
 * promises, tried as the application role: a child naming a missing parent is refused with
 * foreign_key_violation (23503) and nothing of its statement stays; deleting a parent deletes its
 * children; a parent's key does not change.
 */

async function refused(tx: TenantTx, sql: string, values: unknown[]): Promise<string> {
  await tx.query('SAVEPOINT attempt');
  try {
    await tx.query(sql, values);
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT attempt');
    return (error as { code?: string }).code ?? 'no code';
  }
  throw new Error(`not refused: ${sql}`);
}

test('closings and their sides: missing parents are refused, deletes cascade, keys stay', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('references');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const month = {
    month: '2025-09',
    closings: [
      { gp: 100, sides: [{ role: 'acq', agent: 'Steve' }, { role: 'dispo', agent: 'Vince' }] },
      { gp: 200, sides: [{ role: 'acq', agent: 'Steve' }] },
    ],
  };
  const imported = await app.inject({ method: 'POST', url: '/api/v1/closings/import', headers: admin, payload: month });
  assert.equal(imported.statusCode, 201, imported.body);
  const pool = appPool(t);
  const tenant = tenantIdForOrg(org);

  await withTenant(pool, tenant, async (tx) => {
    // A side of position 2: the month has closings 0 and 1 only. Two rows in one statement, one
    // of them valid: the statement is refused whole.
    const side = `INSERT INTO closing_sides (tenant_id, month, position, side, role, agent)
                  SELECT $1, '2025-09-01', p, 5, 'acq', 'Ana' FROM unnest($2::int[]) AS p`;
    assert.equal(await refused(tx, side, [tx.tenantId, [1, 2]]), '23503');
    // A closing of a month that was never imported.
    assert.equal(
      await refused(tx, `INSERT INTO closings (tenant_id, month, position, gp, transactions, status) VALUES ($1, '2025-08-01', 0, 1, 1, 'closed')`, [tx.tenantId]),
      '23503',
    );
    // Keys of referenced rows do not change.
    assert.equal(await refused(tx, `UPDATE closings SET position = position + 10 WHERE tenant_id = $1`, [tx.tenantId]), '23503');
    assert.equal(await refused(tx, `UPDATE closing_months SET month = '2025-07-01' WHERE tenant_id = $1`, [tx.tenantId]), '23503');
    // The same insert with existing parents passes (side 5 of closing 1), and an ordinary update too.
    await tx.query(side, [tx.tenantId, [1]]);
    await tx.query(`UPDATE closings SET market = 'Phoenix, AZ' WHERE tenant_id = $1`, [tx.tenantId]);
    assert.deepEqual(await countClosingRows(tx, '2025-09'), { months: 1, closings: 2, sides: 4, adjustments: 0 });
  });

  // Deleting one closing deletes its sides; deleting the month deletes the rest.
  await withTenant(pool, tenant, async (tx) => {
    await tx.query(`DELETE FROM closings WHERE tenant_id = $1 AND position = 1`, [tx.tenantId]);
    assert.deepEqual(await countClosingRows(tx, '2025-09'), { months: 1, closings: 1, sides: 2, adjustments: 0 });
    await tx.query(`DELETE FROM closing_months WHERE tenant_id = $1`, [tx.tenantId]);
    assert.deepEqual(await countClosingRows(tx, '2025-09'), { months: 0, closings: 0, sides: 0, adjustments: 0 });
  });
});

test('deals: a missing month or agent is refused; deleting the month or the agent deletes its deals', async (t) => {
  const app = await testApp(t);
  const org = uniqueOrg('references');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: smallMonth('2025-08') });
  assert.equal(imported.statusCode, 201, imported.body);
  const again = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: smallMonth('2025-07') });
  assert.equal(again.statusCode, 201, again.body);
  const pool = appPool(t);
  const tenant = tenantIdForOrg(org);
  const deals = async (tx: TenantTx) =>
    (
      await tx.query<{ agent: string; month: string; n: number }>(
        `SELECT agent, to_char(month, 'YYYY-MM') AS month, count(*)::int AS n FROM deals WHERE tenant_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [tx.tenantId],
      )
    ).rows;

  await withTenant(pool, tenant, async (tx) => {
    // smallMonth: Ada Quill 6 deals, Bo Tran 4, in each of the two months.
    assert.deepEqual(await deals(tx), [
      { agent: 'Ada Quill', month: '2025-07', n: 6 },
      { agent: 'Ada Quill', month: '2025-08', n: 6 },
      { agent: 'Bo Tran', month: '2025-07', n: 4 },
      { agent: 'Bo Tran', month: '2025-08', n: 4 },
    ]);
    const insert = `INSERT INTO deals (tenant_id, month, deal_id, deal_date, agent, agent_id, type, gp, status)
                    VALUES ($1, $2, 'X-1', '2025-08-02', 'Someone', $3, 'acq', 1, 'closed')`;
    assert.equal(await refused(tx, insert, [tx.tenantId, '2025-06-01', null]), '23503');
    assert.equal(await refused(tx, insert, [tx.tenantId, '2025-08-01', randomUUID()]), '23503');
    assert.equal(await refused(tx, `UPDATE agents SET id = gen_random_uuid() WHERE tenant_id = $1`, [tx.tenantId]), '23503');
    assert.equal(await refused(tx, `UPDATE commission_months SET month = '2025-06-01' WHERE tenant_id = $1 AND month = '2025-07-01'`, [tx.tenantId]), '23503');
    // A deal without an agent id, or with a known one, in an imported month is accepted.
    await tx.query(insert, [tx.tenantId, '2025-08-01', null]);
  });

  await withTenant(pool, tenant, async (tx) => {
    await tx.query(`DELETE FROM commission_months WHERE tenant_id = $1 AND month = '2025-07-01'`, [tx.tenantId]);
    await tx.query(`DELETE FROM agents WHERE tenant_id = $1 AND name = 'Bo Tran'`, [tx.tenantId]);
    assert.deepEqual(await deals(tx), [
      { agent: 'Ada Quill', month: '2025-08', n: 6 },
      { agent: 'Someone', month: '2025-08', n: 1 },
    ]);
  });
});
