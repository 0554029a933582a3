/**
 * GET /analytics/tier-signals through the route, on real PostgreSQL: the generated tenant of
 * test/unit/tier-signals.test.ts (Gus games the 50,000 bound with month-end deals; Ann, Ben and Cat
 * do not) stored the way a customer would, plan and closings through the API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ok, setup } from '../helpers/payouts-api.js';
import { generatedTenant } from '../unit/tier-signals.test.js';

test('the one who games the tiers is found, the others are not', async (t) => {
  const { app, admin, member } = await setup(t);
  const months = generatedTenant();
  await ok(app, admin, 'POST', '/api/v1/plans', { ...months[0]!.plans[0]!.definition, effective_from: '2025-01' }, 201);
  for (const month of months) {
    await ok(app, admin, 'POST', '/api/v1/closings/import', { month: month.month, closings: month.closings, adjustments: month.adjustments }, 201);
  }
  await ok(app, admin, 'POST', '/api/v1/payouts/2025-12/calculate');
  const answer = (await ok(app, member, 'GET', '/api/v1/analytics/tier-signals?period=2025')).json();
  assert.deepEqual(answer.months.length, 12);
  assert.deepEqual([...new Set(answer.signals.map((signal: { payee: string }) => signal.payee))], ['Gus Gamer']);
  assert.deepEqual(answer.signals.map((signal: { kind: string }) => signal.kind), ['bunching', 'month_end', 'true_up']);
  const bunching = answer.signals[0];
  assert.equal(bunching.observed, 12);
  assert.equal(bunching.expected, 6);
  assert.ok(answer.signals[1].pay_difference > 0);
  assert.equal(answer.signals[2].pay_difference, 1200);
  // Nobody terminated: the holdback is 0 for every agent paid in December, with its reasoning.
  assert.deepEqual(answer.holdback.map((entry: { agent: string }) => entry.agent), ['Ann Ash', 'Ben Birch', 'Cat Cedar', 'Gus Gamer']);
  assert.ok(answer.holdback.every((entry: { holdback: number; reasoning: string }) => entry.holdback === 0 && /0 of \d+ contracts terminated/.test(entry.reasoning)));

  const bad = await app.inject({ url: '/api/v1/analytics/tier-signals?period=fortnight', headers: member });
  assert.equal(bad.statusCode, 400);
});
