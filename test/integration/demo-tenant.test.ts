/**
 * The demo tenant as `npm start` seeds it, into this run's database (a tenant of its own, so runs
 * never share it): its plans stored with their versions, its 24 closings months imported with
 * their adjustments, every month calculated and approved through the use cases, and the contract's
 * September 2025 figures read back through the API: payouts 97,539.31 on company GP 682,043.00
 * and 59 transactions, the dashboard's commission 14.3%. A second seed changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DEMO_OWNER, seedDemoTenant } from '../../src/demo/demo-tenant.js';
import { DEMO_MARKETS, DEMO_MONTHS, generateDemoMonths } from '../../src/demo/generate.js';
import { DEMO_PLANS } from '../../src/demo/plans.js';
import { appPool, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';

type Headers = Record<string, string>;

async function ok(app: FastifyInstance, headers: Headers, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  assert.equal(response.statusCode, 200, `${method} ${url}: ${response.body}`);
  return response.json();
}

test('the demo tenant, seeded through the use cases, pays September 2025 97,539.31 (14.3%) and seeds once', { timeout: 10 * 60_000 }, async (t) => {
  const pool = appPool(t);
  const app = await testApp(t, { pool });
  const org = uniqueOrg('demo');
  const messages: string[] = [];
  const options = { orgId: org, promoDays: 90, today: new Date(), log: { info: (_object: object, message: string) => messages.push(message) } };

  const started = performance.now();
  const first = await seedDemoTenant(pool, options);
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(`demo seed: ${seconds.toFixed(1)} s`);
  assert.deepEqual(first, { seeded: 24, approved: 24, plans: 4 });
  assert.ok(messages.includes('demo data loaded'));
  // A restart: nothing imported, calculated or stored again, and quickly (no generation, no calculation).
  const again = performance.now();
  assert.deepEqual(await seedDemoTenant(pool, options), { seeded: 0, approved: 0, plans: 0 });
  assert.ok(performance.now() - again < 5_000, `a restart's seed took ${Math.round(performance.now() - again)} ms`);

  const owner = bearer(await tokenFor({ orgId: org, sub: DEMO_OWNER.sub, email: DEMO_OWNER.email, role: 'admin' }));

  // The plans, stored as plans with their versions.
  const plans = (await ok(app, owner, 'GET', '/api/v1/plans')).items as Array<{ name: string; versions: Array<{ version: number; effective_from: string }> }>;
  assert.deepEqual(plans.map((plan) => plan.name).sort(), DEMO_PLANS.map((plan) => plan.name).sort());
  for (const plan of plans) assert.deepEqual(plan.versions.map((version) => version.effective_from), ['2023-10', '2024-10'], plan.name);

  // Every month approved; the closings months are the demo's 24.
  const payouts = (await ok(app, owner, 'GET', '/api/v1/payouts')).items as Array<{ month: string; status: string }>;
  assert.deepEqual(payouts.map((item) => item.month).sort(), [...DEMO_MONTHS]);
  assert.ok(payouts.every((item) => item.status === 'approved'));
  const closings = (await ok(app, owner, 'GET', '/api/v1/closings?limit=100')).items as Array<{ month: string }>;
  assert.equal(closings.length, 24);

  // September 2025 as approved: the contract's figures.
  const approved = await ok(app, owner, 'GET', '/api/v1/payouts/2025-09');
  assert.equal(approved.status, 'approved');
  assert.equal(approved.total, 97539.31);
  assert.equal(approved.company_gp, 682043);
  assert.equal(approved.company_transactions, 59);
  assert.deepEqual(approved.uncovered, []);
  // Its written exceptions are in it: the tier override and the guarantee's top-up adjustment.
  const lines = (approved.statements as Array<{ lines: Array<{ bracket: string | null; component: string; reason?: string }> }>).flatMap((statement) => statement.lines);
  assert.ok(lines.some((line) => /overridden: grandfathered/.test(line.bracket ?? '')));
  assert.ok(lines.some((line) => line.component === 'adjustment' && line.reason === 'sprint'));
  assert.ok(lines.some((line) => line.component === 'adjustment' && line.reason === 'other'));

  // The dashboard: 97,539.31 / 682,043.00 = 14.301…% → 14.3.
  const summary = await ok(app, owner, 'GET', '/api/v1/analytics/summary?period=2025-09');
  assert.equal(summary.gp, 682043);
  assert.equal(summary.commission, 97539.31);
  assert.equal(summary.closed, 59);
  assert.equal(summary.commission_pct, 14.3);
  assert.equal(summary.commission_pct, Math.round((1000 * 9_753_931) / 68_204_300) / 10);
  assert.deepEqual(summary.months_without_pay, []);
  const all = await ok(app, owner, 'GET', '/api/v1/analytics/summary?period=all');
  assert.deepEqual(all.months_without_pay, [], 'every month has its approved pay');

  // The map: all 20 demo markets, each drawn (the shipped table knows every one), over the last year too.
  for (const period of ['all', 'last_12m']) {
    const markets = (await ok(app, owner, 'GET', `/api/v1/analytics/markets?period=${period}&as_of=2025-09`)).markets as Array<{ name: string; coordinates: unknown; closed: number }>;
    assert.deepEqual(markets.map((market) => market.name).sort(), DEMO_MARKETS.map((market) => market.name).sort(), period);
    assert.ok(markets.every((market) => market.coordinates !== null && market.closed > 0), period);
  }

  // Reopened and calculated again from the stored closings and plans: the same pay, to the cent.
  await ok(app, owner, 'POST', '/api/v1/payouts/2025-09/reopen', { reason: 'checking the demo' });
  const recalculated = await ok(app, owner, 'POST', '/api/v1/payouts/2025-09/calculate');
  assert.equal(recalculated.status, 'draft');
  assert.equal(recalculated.total, 97539.31);
  assert.equal(recalculated.company_gp, 682043);
  assert.equal(recalculated.company_transactions, 59);
  assert.deepEqual(recalculated.statements, approved.statements);
  // A draft is not the month's commission.
  assert.equal((await ok(app, owner, 'GET', '/api/v1/analytics/summary?period=2025-09')).commission_pct, null);
  await ok(app, owner, 'POST', '/api/v1/payouts/2025-09/approve');
  assert.equal((await ok(app, owner, 'GET', '/api/v1/analytics/summary?period=2025-09')).commission_pct, 14.3);
});

test('a demo tenant seeded by an earlier version (payee-level months) gets its closings and approved payouts beside them', { timeout: 10 * 60_000 }, async (t) => {
  const pool = appPool(t);
  const app = await testApp(t, { pool });
  const org = uniqueOrg('demo-old');
  const options = { orgId: org, promoDays: 90, today: new Date(), log: { info: () => {} } };
  const owner = bearer(await tokenFor({ orgId: org, sub: DEMO_OWNER.sub, email: DEMO_OWNER.email, role: 'admin' }));
  // What the earlier seed stored: the payee-level months (the last two are enough here).
  for (const month of generateDemoMonths().slice(-2)) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: owner, payload: month as object });
    assert.equal(response.statusCode, 201, response.body);
  }
  assert.deepEqual(await seedDemoTenant(pool, options), { seeded: 24, approved: 24, plans: 4 });
  assert.deepEqual(await seedDemoTenant(pool, options), { seeded: 0, approved: 0, plans: 0 });
  // Both say 682,043.00 of GP for September; the approved payout is its commission.
  const summary = await ok(app, owner, 'GET', '/api/v1/analytics/summary?period=2025-09');
  assert.equal(summary.gp, 682043);
  assert.equal(summary.commission, 97539.31);
  assert.equal(summary.commission_pct, 14.3);
  assert.equal((await ok(app, owner, 'GET', '/api/v1/commissions?limit=100')).items.length, 2, 'the earlier months are kept');
});
