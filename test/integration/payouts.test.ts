/**
 * Payouts through the API against the real database: the worked month calculated and stored to
 * the cent, approval locking every write to the month (409 naming the approver) until a reopening
 * with its reason, both in the audit trail and the month's history; an approved month that reads
 * the same byte for byte after its plans change; quarter bases that subtract what earlier stored
 * months paid; tenants that never see each other's payouts; bad input that is never a 500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bearer, tokenFor, uniqueOrg } from '../helpers/env.js';
import { call, ok, setup, workedMonth } from '../helpers/payouts-api.js';
import { ADJUSTMENTS, CLOSINGS, EXPECTED, EXPECTED_TOTAL, GOALS, MONTH, PLANS } from '../helpers/payouts-month.js';
import { calculatePayouts } from '../../src/domain/payouts/calculate-payouts.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';

/** A payee-level month for the worked month (what an analytics-only customer imports). */
const PAYEE_MONTH = { month: MONTH, agents: [{ name: 'Ana Acq', type: 'acq', gp: 42000, deals: 2, commission: 2100 }] };

test('the worked month, calculated through the API, pays every statement to the cent and is stored as the draft', async (t) => {
  const { app, admin, member } = await setup(t);
  const { plans } = await workedMonth(app, admin);
  assert.equal((await call(app, admin, 'GET', `/api/v1/payouts/${MONTH}`)).statusCode, 404, 'nothing before the first calculation');
  assert.equal((await call(app, member, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).statusCode, 403, 'members do not calculate');

  const calculated = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).json();
  assert.equal(calculated.status, 'draft');
  assert.equal(calculated.stale, false, 'a fresh calculation is not stale');
  // Every person's pay as worked out by hand (test/helpers/payouts-month.ts), and the month.
  assert.deepEqual(Object.fromEntries(calculated.statements.map((entry: { payee: string; total: number }) => [entry.payee, entry.total])), EXPECTED);
  assert.equal(calculated.total, EXPECTED_TOTAL);
  assert.equal(calculated.company_gp, 148846.17);
  assert.equal(calculated.company_transactions, 9);
  assert.deepEqual(calculated.uncovered, ['Mo Manager']);
  assert.equal(calculated.plans.length, PLANS.length);
  assert.ok(calculated.plans.every((plan: { version: number; effective_from: string }) => plan.version === 1 && plan.effective_from === '2025-01'));

  // The lines are the engine's own, stored and read back whole: the engine run here on the same
  // inputs (plans in the order the service reads them, by name) gives the same statements.
  const inForce = plans
    .map(({ id, definition }) => ({ id, name: definition.name, version: 1, effective_from: '2025-01', definition }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const direct = calculatePayouts({ month: MONTH, closings: CLOSINGS, adjustments: ADJUSTMENTS, goals: GOALS, plans: inForce });
  assert.deepEqual(calculated.statements, direct.statements);
  const ana = calculated.statements.find((entry: { payee: string }) => entry.payee === 'Ana Acq');
  assert.equal(ana.lines[0].bracket, '3 of 4 (from 50,001.00 to 100,000.99), overridden: promotion agreed 2025-09-01');
  const rita = calculated.statements.find((entry: { payee: string }) => entry.payee === 'Rita Rookie');
  assert.deepEqual(rita.lines.map((line: { component: string; amount: string; base: string }) => [line.component, line.amount, line.base]), [['adjustment', '250', 'Week 2 sprint winner']]);

  const read = await ok(app, member, 'GET', `/api/v1/payouts/${MONTH}`);
  assert.deepEqual(read.json(), calculated, 'GET reads what the calculation answered');
  const list = (await ok(app, member, 'GET', '/api/v1/payouts')).json();
  assert.deepEqual(list.items.map((item: { month: string; status: string; total: number; statements: number }) => [item.month, item.status, item.total, item.statements]), [
    [MONTH, 'draft', EXPECTED_TOTAL, 11],
  ]);

  // Recalculating replaces the draft: a new adjustment is its own line, the old statements are gone.
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'Ben Acq', amount: -40.74, reason: 'correction' }, 201);
  const stale = (await ok(app, member, 'GET', `/api/v1/payouts/${MONTH}`)).json();
  assert.equal(stale.stale, true, 'an adjustment added after the calculation makes the draft stale');
  assert.equal(stale.total, EXPECTED_TOTAL, 'a stale draft still reads what was calculated');
  const again = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).json();
  assert.equal(again.statements.find((entry: { payee: string }) => entry.payee === 'Ben Acq').total, 1600);
  assert.equal(again.total, 19880.03);
  assert.equal(again.stale, false, 'recalculating makes it current again');
  assert.equal(again.statements.length, 11);
  assert.deepEqual(again.history.map((event: { action: string; total: number }) => [event.action, event.total]), [['calculated', EXPECTED_TOTAL], ['calculated', 19880.03]]);
});

test('approve locks every write to the month with a 409 naming the approver; reopen with a reason opens it again; both audited', async (t) => {
  const { app, admin, member } = await setup(t);
  const { sprintId } = await workedMonth(app, admin);
  // The closings month says where its payouts are: none, a draft, approved (in the list too).
  const payState = async () => {
    const one = (await ok(app, member, 'GET', `/api/v1/closings/${MONTH}`)).json().totals.pay;
    const listed = (await ok(app, member, 'GET', '/api/v1/closings')).json().items.find((item: { month: string }) => item.month === MONTH).pay;
    assert.equal(listed, one);
    return one;
  };
  assert.equal(await payState(), 'not calculated');
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  assert.equal(await payState(), 'draft');
  assert.equal((await call(app, member, 'POST', `/api/v1/payouts/${MONTH}/approve`)).statusCode, 403);
  const approved = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`)).json();
  assert.equal(await payState(), 'approved');
  assert.equal(approved.status, 'approved');
  assert.equal(approved.stale, false);
  assert.equal(approved.approved_at, '2025-10-15T12:00:00.000Z');
  assert.equal(approved.approved_by_email, 'boss@payouts.example');

  const writes: Array<[string, 'POST' | 'PUT' | 'DELETE', string, unknown?]> = [
    ['closings import', 'POST', '/api/v1/closings/import', { month: MONTH, closings: CLOSINGS }],
    ['closings delete', 'DELETE', `/api/v1/closings/${MONTH}`],
    ['adjustment add', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'Ana Acq', amount: 10, reason: 'bonus' }],
    ['adjustment delete', 'DELETE', `/api/v1/payouts/${MONTH}/adjustments/${sprintId}`],
    ['recalculation', 'POST', `/api/v1/payouts/${MONTH}/calculate`],
    ['goals', 'PUT', `/api/v1/goals/${MONTH}`, { transactions: 1, gp: 1 }],
    // The payee-level import would replace the month's actual commission, which is now the approved payouts.
    ['payee import', 'POST', '/api/v1/commissions/import', PAYEE_MONTH],
    ['payee delete', 'DELETE', `/api/v1/commissions/${MONTH}`],
    ['approve again', 'POST', `/api/v1/payouts/${MONTH}/approve`],
  ];
  for (const [label, method, url, payload] of writes) {
    const refused = await call(app, admin, method, url, payload);
    assert.equal(refused.statusCode, 409, `${label}: ${refused.body}`);
    const problem = refused.json();
    assert.equal(problem.type, '/problems/month-approved', label);
    assert.match(problem.detail, /approved on 2025-10-15T12:00:00\.000Z by boss@payouts\.example/, label);
    assert.equal(problem.approved_by_email, 'boss@payouts.example', label);
  }
  // A payee CSV (the other door of the same import) is refused too.
  const csv = `month,payee_type,name,agent_type,manager,market,team,gp,deals,terminations,commission\r\n${MONTH},agent,Ana Acq,acq,,,,42000.00,2,0,2100.00\r\n`;
  const csvRefused = await app.inject({ method: 'POST', url: `/api/v1/commissions/import?month=${MONTH}`, headers: { ...admin, 'content-type': 'text/csv' }, payload: csv });
  assert.equal(csvRefused.statusCode, 409, csvRefused.body);
  assert.equal((await call(app, admin, 'GET', `/api/v1/commissions/${MONTH}`)).statusCode, 404, 'no payee month was written');
  // Nothing changed: the month reads as approved, the adjustment is still there.
  assert.deepEqual((await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}`)).json(), approved);
  assert.ok((await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}/adjustments`)).json().items.some((item: { id: string }) => item.id === sprintId));

  assert.equal((await call(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, { reason: '   ' })).statusCode, 422, 'a blank reason');
  assert.equal((await call(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, {})).statusCode, 422, 'no reason');
  const reopened = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, { reason: 'True-up for D2 found after approval' })).json();
  assert.equal(reopened.status, 'draft');
  assert.equal(reopened.approved_at, null);
  assert.deepEqual(reopened.statements, approved.statements, 'reopening keeps the statements until the next calculation');
  assert.equal((await call(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, { reason: 'again' })).statusCode, 409, 'a draft is not reopened');

  // Writes work again.
  await ok(app, admin, 'POST', '/api/v1/commissions/import', PAYEE_MONTH, 201);
  await ok(app, admin, 'DELETE', `/api/v1/commissions/${MONTH}`, undefined, 204);
  await ok(app, admin, 'DELETE', `/api/v1/payouts/${MONTH}/adjustments/${sprintId}`, undefined, 204);
  await ok(app, admin, 'PUT', `/api/v1/goals/${MONTH}`, GOALS);
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: MONTH, closings: CLOSINGS, adjustments: ADJUSTMENTS.filter((adjustment) => adjustment.payee !== 'Rita Rookie') }, 201);
  // A draft calculated before its closings changed is not approved.
  const stale = await call(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  assert.equal(stale.statusCode, 409, stale.body);
  assert.equal(stale.json().type, '/problems/payout-stale');
  const recalculated = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).json();
  assert.equal(recalculated.total, EXPECTED_TOTAL - 250, 'without the sprint');
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);

  const history = (await ok(app, member, 'GET', `/api/v1/payouts/${MONTH}`)).json().history;
  assert.deepEqual(history.map((event: { action: string; reason: string | null; by_email: string | null }) => [event.action, event.reason, event.by_email]), [
    ['calculated', null, 'boss@payouts.example'],
    ['approved', null, 'boss@payouts.example'],
    ['reopened', 'True-up for D2 found after approval', 'boss@payouts.example'],
    ['calculated', null, 'boss@payouts.example'],
    ['approved', null, 'boss@payouts.example'],
  ]);
  const trail = (await ok(app, admin, 'GET', '/api/v1/audit?limit=200')).json().items as { action: string; status: number; resource: Record<string, string>; user_email: string }[];
  const seen = (action: string, status: number) => trail.filter((item) => item.action === action && item.status === status && item.resource.month === MONTH);
  assert.equal(seen('POST /api/v1/payouts/:month/approve', 200).length, 2);
  assert.equal(seen('POST /api/v1/payouts/:month/approve', 409).length, 2);
  assert.equal(seen('POST /api/v1/payouts/:month/reopen', 200).length, 1);
  assert.equal(seen('POST /api/v1/payouts/:month/reopen', 200)[0]!.user_email, 'boss@payouts.example');
  assert.equal(seen('DELETE /api/v1/payouts/:month/adjustments/:id', 204)[0]!.resource.id, sprintId);
});

test('a plan changed after approval leaves the approved month byte for byte as it was', async (t) => {
  const { app, admin } = await setup(t);
  const { plans } = await workedMonth(app, admin);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const before = (await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}`)).body;

  // The acq rep plan pays double from September on, and the dispo plan is deleted.
  const acq = plans.find((plan) => plan.definition.name === 'Acq reps')!;
  const doubled = structuredClone(acq.definition) as unknown as { tiers: { brackets: { from: number; rate: number }[] } };
  doubled.tiers.brackets = doubled.tiers.brackets.map((bracket) => ({ ...bracket, rate: bracket.rate * 2 }));
  await ok(app, admin, 'PUT', `/api/v1/plans/${acq.id}`, { ...doubled, name: 'Acq reps (doubled)', effective_from: MONTH });
  await ok(app, admin, 'DELETE', `/api/v1/plans/${plans.find((plan) => plan.definition.name === 'Dispo reps')!.id}`, undefined, 204);

  assert.equal((await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}`)).body, before);
  assert.equal(JSON.parse(before).statements.find((entry: { payee: string }) => entry.payee === 'Ben Acq').total, 1640.74);

  // Reopened and recalculated, the month is paid under the new version: the change was real.
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, { reason: 'new rates' });
  const after = (await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).json();
  // Ben: 27,345.67 × 12% = 3,281.4804 → 3,281.48; Dan is no longer covered by any plan.
  assert.equal(after.statements.find((entry: { payee: string }) => entry.payee === 'Ben Acq').total, 3281.48);
  assert.ok(after.uncovered.includes('Dan Dispo'));
  assert.equal(after.plans.find((plan: { name: string }) => plan.name === 'Acq reps (doubled)').version, 2);
});

test('a quarter basis pays each month what the quarter to date earns less what earlier stored months paid', async (t) => {
  const { app, admin } = await setup(t);
  const quarter: PlanDefinition = { name: 'Quarterly acq', applies_to: ['acq'], basis: 'quarter', components: [{ type: 'rate', measure: 'gp', rate: 0.05 }] };
  await ok(app, admin, 'POST', '/api/v1/plans', { ...quarter, effective_from: '2025-01' }, 201);
  for (const month of ['2025-07', '2025-08', '2025-09']) {
    await ok(app, admin, 'POST', '/api/v1/closings/import', { month, closings: [{ gp: 10000.1, sides: [{ role: 'acq', agent: 'Quinn' }] }] }, 201);
  }
  const total = async (month: string) => (await ok(app, admin, 'POST', `/api/v1/payouts/${month}/calculate`)).json().total as number;
  // August with no stored July: nothing was paid before, so the quarter to date is paid whole:
  // 5% of 20,000.20 = 1,000.01.
  assert.equal(await total('2025-08'), 1000.01);
  // July: 500.005 → 500.01. August again: 1,000.01 − 500.01 = 500.00. September: 5% of 30,000.30
  // = 1,500.015 → 1,500.02, less 1,000.01 paid = 500.01. The quarter pays 1,500.02, rounded once.
  assert.equal(await total('2025-07'), 500.01);
  assert.equal(await total('2025-08'), 500);
  const september = (await ok(app, admin, 'POST', '/api/v1/payouts/2025-09/calculate')).json();
  assert.equal(september.total, 500.01);
  assert.deepEqual(september.statements[0].lines.map((line: { component: string; amount: string }) => [line.component, line.amount]), [
    ['rate', '1500.015'],
    ['rounding', '0.005'],
    ['paid_before', '-1000.01'],
  ]);
  // The next quarter starts afresh.
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: '2025-10', closings: [{ gp: 10000.1, sides: [{ role: 'acq', agent: 'Quinn' }] }] }, 201);
  assert.equal(await total('2025-10'), 500.01);
});

test("tenant B can neither read nor approve nor change tenant A's payouts", async (t) => {
  const { app, admin } = await setup(t);
  const { sprintId } = await workedMonth(app, admin);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  const before = (await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}`)).body;
  const b = bearer(await tokenFor({ orgId: uniqueOrg('payouts-b'), role: 'admin', sub: randomUUID() }));

  assert.equal((await call(app, b, 'GET', `/api/v1/payouts/${MONTH}`)).statusCode, 404);
  assert.deepEqual((await ok(app, b, 'GET', '/api/v1/payouts')).json(), { items: [] });
  assert.equal((await call(app, b, 'GET', `/api/v1/payouts/${MONTH}/adjustments`)).statusCode, 404, 'B has no closings or adjustments in the month');
  assert.equal((await call(app, b, 'GET', `/api/v1/goals/${MONTH}`)).statusCode, 404);
  assert.equal((await call(app, b, 'POST', `/api/v1/payouts/${MONTH}/approve`)).statusCode, 404);
  assert.equal((await call(app, b, 'POST', `/api/v1/payouts/${MONTH}/calculate`)).statusCode, 404, 'B has no closings of its own');
  assert.equal((await call(app, b, 'DELETE', `/api/v1/payouts/${MONTH}/adjustments/${sprintId}`)).statusCode, 404);
  // B's own goals and adjustments for the month stay B's.
  await ok(app, b, 'PUT', `/api/v1/goals/${MONTH}`, { transactions: 1, gp: 2 });
  await ok(app, b, 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'Ana Acq', amount: 99, reason: 'other' }, 201);

  assert.equal((await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}`)).body, before);
  assert.deepEqual((await ok(app, admin, 'GET', `/api/v1/goals/${MONTH}`)).json().gp, GOALS.gp);
  assert.equal((await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}/adjustments`)).json().items.length, ADJUSTMENTS.length);
});

test('bad input to the payouts routes is a 4xx problem naming what and where, never a 500, and writes nothing', async (t) => {
  const { app, admin } = await setup(t);
  await workedMonth(app, admin);
  const count = async () => (await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}/adjustments`)).json().items.length as number;
  const start = await count();
  const cases: Array<[string, 'GET' | 'POST' | 'PUT' | 'DELETE', string, unknown, string?]> = [
    ['three decimals', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'A', amount: 1.005, reason: 'bonus' }, '/amount'],
    ['zero', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'A', amount: 0, reason: 'bonus' }, '/amount'],
    ['unknown reason', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'A', amount: 5, reason: 'gift' }, '/reason'],
    ['blank payee', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: '   ', amount: 5, reason: 'bonus' }, '/payee'],
    ['extra field', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'A', amount: 5, reason: 'bonus', id: 'x' }],
    ['amount as text', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'A', amount: '5', reason: 'bonus' }],
    ['huge amount', 'POST', `/api/v1/payouts/${MONTH}/adjustments`, { payee: 'A', amount: 1e15, reason: 'bonus' }, '/amount'],
    ['goals negative', 'PUT', `/api/v1/goals/${MONTH}`, { transactions: -1, gp: 5 }, '/transactions'],
    ['goals three decimals', 'PUT', `/api/v1/goals/${MONTH}`, { transactions: 1, gp: 0.001 }, '/gp'],
    ['goals fractional count', 'PUT', `/api/v1/goals/${MONTH}`, { transactions: 1.5, gp: 5 }, '/transactions'],
    ['bad month', 'POST', '/api/v1/payouts/2025-13/calculate', undefined],
    ['year 0', 'GET', '/api/v1/payouts/0000-01', undefined],
    ['bad adjustment id', 'DELETE', `/api/v1/payouts/${MONTH}/adjustments/not-a-uuid`, undefined],
    ['unknown adjustment id', 'DELETE', `/api/v1/payouts/${MONTH}/adjustments/${randomUUID()}`, undefined],
    ['reopen a draft-less month', 'POST', '/api/v1/payouts/2024-01/reopen', { reason: 'x' }],
    ['approve a month never calculated', 'POST', `/api/v1/payouts/${MONTH}/approve`, undefined],
    ['calculate a month without closings', 'POST', '/api/v1/payouts/2024-01/calculate', undefined],
  ];
  for (const [label, method, url, payload, pointer] of cases) {
    const response = await call(app, admin, method, url, payload);
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${label}: ${response.statusCode} ${response.body}`);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/, label);
    if (pointer) {
      assert.equal(response.statusCode, 422, `${label}: ${response.body}`);
      assert.ok(response.json().errors.some((error: { pointer: string }) => error.pointer === pointer), `${label}: ${response.body}`);
    }
  }
  assert.equal(await count(), start, 'no adjustment written');
  assert.equal((await ok(app, admin, 'GET', `/api/v1/goals/${MONTH}`)).json().gp, GOALS.gp, 'goals unchanged');

  // An imported adjustment is changed by importing again, not deleted here.
  const imported = (await ok(app, admin, 'GET', `/api/v1/payouts/${MONTH}/adjustments`)).json().items.find((item: { source: string }) => item.source === 'import');
  const refused = await call(app, admin, 'DELETE', `/api/v1/payouts/${MONTH}/adjustments/${imported.id}`);
  assert.equal(refused.statusCode, 409);
  assert.equal(refused.json().type, '/problems/adjustment-imported');

  // Two role plans paying one person is the engine's 409, carried back from the worker thread.
  await ok(app, admin, 'POST', '/api/v1/plans', { name: 'Second acq plan', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: 0.01 }] }, effective_from: '2025-01' }, 201);
  const overlap = await call(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  assert.equal(overlap.statusCode, 409, overlap.body);
  assert.equal(overlap.json().type, '/problems/plans-overlap');
  assert.equal((await call(app, admin, 'GET', `/api/v1/payouts/${MONTH}`)).statusCode, 404, 'nothing stored');
});

test('an organisation with an approved month can still be erased whole (the lock triggers let the cascade through)', async (t) => {
  const { app, org, admin } = await setup(t);
  await workedMonth(app, admin);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const erased = await call(app, admin, 'DELETE', '/api/v1/tenant', { confirm: org });
  assert.equal(erased.statusCode, 200, erased.body);
  const again = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  assert.deepEqual((await ok(app, again, 'GET', '/api/v1/payouts')).json(), { items: [] });
});
