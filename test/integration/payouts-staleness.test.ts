/**
 * Months that carry into later ones, against the real database. A quarter plan's August pays the
 * quarter to date less what July paid, so: recalculating July (or re-importing its closings)
 * leaves August's draft stale (`stale: true`, approval 409 `payout-stale`) until August is
 * calculated again; August is approved only once July is (409 `earlier-month-not-approved`);
 * July is reopened only while no approved later month carries from it (409
 * `later-month-approved`). Months under month-basis plans stand alone and keep no order.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';

type Headers = Record<string, string>;

async function setup(t: TestContext) {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('payouts-stale'), role: 'admin', email: 'stale@payouts.example', sub: randomUUID() }));
  return { app, admin };
}

async function call(app: FastifyInstance, headers: Headers, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.json() };
}

async function ok(app: FastifyInstance, headers: Headers, method: 'GET' | 'POST', url: string, payload?: unknown, status = 200) {
  const response = await call(app, headers, method, url, payload);
  assert.equal(response.status, status, `${method} ${url}: ${JSON.stringify(response.body)}`);
  return response.body;
}

const month = (gp: number) => ({ closings: [{ gp, sides: [{ role: 'acq', agent: 'Quinn' }] }] });

test('a recalculated earlier month leaves later drafts of its quarter stale, and approvals follow the quarter in order', async (t) => {
  const { app, admin } = await setup(t);
  await ok(app, admin, 'POST', '/api/v1/plans', { name: 'Quarterly', applies_to: ['acq'], basis: 'quarter', components: [{ type: 'rate', measure: 'gp', rate: 0.05 }], effective_from: '2025-01' }, 201);
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: '2025-07', ...month(10000) }, 201);
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: '2025-08', ...month(10000) }, 201);
  // July 5% of 10,000 = 500.00; August QTD 20,000 × 5% = 1,000.00 less July's 500.00 = 500.00.
  assert.equal((await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/calculate')).total, 500);
  const august = await ok(app, admin, 'POST', '/api/v1/payouts/2025-08/calculate');
  assert.deepEqual([august.total, august.stale], [500, false]);

  // July gains a deal and is recalculated: 15,000 × 5% = 750.00. August's draft still subtracts 500.00.
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: '2025-07', ...month(15000) }, 201);
  assert.equal((await ok(app, admin, 'GET', '/api/v1/payouts/2025-08')).stale, true, 'July re-imported');
  assert.equal((await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/calculate')).total, 750);
  const staleAugust = await ok(app, admin, 'GET', '/api/v1/payouts/2025-08');
  assert.deepEqual([staleAugust.stale, staleAugust.total], [true, 500]);
  const refused = await call(app, admin, 'POST', '/api/v1/payouts/2025-08/approve');
  assert.equal(refused.status, 409);
  assert.equal(refused.body.type, '/problems/payout-stale');

  // Recalculated: QTD 25,000 × 5% = 1,250.00 less 750.00 = 500.00, no longer stale.
  const fresh = await ok(app, admin, 'POST', '/api/v1/payouts/2025-08/calculate');
  assert.deepEqual([fresh.total, fresh.stale], [500, false]);
  assert.equal(fresh.statements[0].lines.find((line: { component: string }) => line.component === 'paid_before').amount, '-750');

  // August carries from July, still a draft: approve July first.
  const early = await call(app, admin, 'POST', '/api/v1/payouts/2025-08/approve');
  assert.equal(early.status, 409, JSON.stringify(early.body));
  assert.equal(early.body.type, '/problems/earlier-month-not-approved');
  assert.match(early.body.detail, /carry from 2025-07/);
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/approve');
  assert.equal((await ok(app, admin, 'GET', '/api/v1/payouts/2025-08')).stale, false, 'approving July changes nothing August was paid from');
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-08/approve');

  // July cannot be reopened under an approved August that subtracts what it paid.
  const reopen = await call(app, admin, 'POST', '/api/v1/payouts/2025-07/reopen', { reason: 'late deal' });
  assert.equal(reopen.status, 409);
  assert.equal(reopen.body.type, '/problems/later-month-approved');
  assert.match(reopen.body.detail, /2025-08 carry from 2025-07/);
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-08/reopen', { reason: 'July changes' });
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/reopen', { reason: 'late deal' });
});

test('months under month-basis plans stand alone: no order of approval, no staleness from other months', async (t) => {
  const { app, admin } = await setup(t);
  await ok(app, admin, 'POST', '/api/v1/plans', { name: 'Monthly', applies_to: ['acq'], basis: 'month', components: [{ type: 'rate', measure: 'gp', rate: 0.05 }], effective_from: '2025-01' }, 201);
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: '2025-07', ...month(10000) }, 201);
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: '2025-08', ...month(10000) }, 201);
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-08/calculate');
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/calculate');
  assert.equal((await ok(app, admin, 'GET', '/api/v1/payouts/2025-08')).stale, false, "July's calculation changes nothing August pays");
  // July is a draft; August approves: nothing it pays comes from July.
  const approved = await ok(app, admin, 'POST', '/api/v1/payouts/2025-08/approve');
  assert.deepEqual([approved.status, approved.total], ['approved', 500]);
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/calculate');
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/approve');
  // Reopening July under the approved August is fine for the same reason.
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-07/reopen', { reason: 'recheck' });
});
