/**
 * Simulation over closings history against the real database: three closings months imported,
 * the tenant's plans (the worked month's, plus a quarter plan with a floor and a draw plan, whose
 * pay depends on earlier months) calculated and approved month by month, then simulated through
 * `POST /plans/simulate` with `source: "closings"`: every payee-month equals its approved
 * statement, difference 0.00. A changed plan shows its difference against the approved pay.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { ADJUSTMENTS, CLOSINGS, GOALS, PLANS } from '../helpers/payouts-month.js';
import type { Closing } from '../../src/domain/closings/closing.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';

type Headers = Record<string, string>;

async function setup(t: TestContext) {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('payouts-sim');
  const enterprise = { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'enterprise', promo_until: null } } };
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', email: 'sim@payouts.example', sub: randomUUID(), extra: enterprise }));
  return { app, admin };
}

async function ok(app: FastifyInstance, headers: Headers, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, status = 200) {
  const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response.json();
}

/** The worked month's deals at another scale, rounded to the cent: each month pays differently. */
const scaled = (factor: number): Closing[] => CLOSINGS.map((closing) => ({ ...closing, id: `${closing.id}-${factor}`, gp: Math.round(closing.gp * factor * 100) / 100 }));
const MONTHS: { month: string; closings: Closing[] }[] = [
  { month: '2025-07', closings: scaled(0.5) },
  { month: '2025-08', closings: scaled(1.3) },
  { month: '2025-09', closings: CLOSINGS },
];

// Carl is paid on the quarter with a floor (his named plan replaces the acq rep plan for him),
// Ben against a draw: both carry from month to month, which the simulation must do as the store does.
const CARRYING: PlanDefinition[] = [
  { name: 'Carl quarterly', applies_to: ['acq'], agents: ['Carl Acq'], basis: 'quarter', components: [{ type: 'rate', measure: 'gp', rate: '0.0412345' }, { type: 'limit', scope: 'period', min: 1000 }] },
  { name: 'Ben with draw', applies_to: ['acq'], agents: ['Ben Acq'], basis: 'month', components: [{ type: 'rate', measure: 'gp', rate: 0.0375 }, { type: 'draw', amount: 900 }] },
];

test('simulating the tenant’s own plans over its approved closings months reproduces every approved statement to the cent', async (t) => {
  const { app, admin } = await setup(t);
  for (const definition of [...PLANS, ...CARRYING]) await ok(app, admin, 'POST', '/api/v1/plans', { ...definition, effective_from: '2025-01' }, 201);
  const approved = new Map<string, Record<string, number>>();
  for (const { month, closings } of MONTHS) {
    await ok(app, admin, 'POST', '/api/v1/closings/import', { month, closings, ...(month === '2025-09' ? { adjustments: ADJUSTMENTS } : {}) }, 201);
    await ok(app, admin, 'PUT', `/api/v1/goals/${month}`, GOALS);
    await ok(app, admin, 'POST', `/api/v1/payouts/${month}/calculate`);
    const payout = await ok(app, admin, 'POST', `/api/v1/payouts/${month}/approve`);
    approved.set(month, Object.fromEntries(payout.statements.map((statement: { payee: string; total: number }) => [statement.payee, statement.total])));
  }
  // The carrying plans did carry: Carl's July 0.5 × 18,000 = 9,000 × 4.12345% = 371.1105 is raised
  // to the 1,000 floor; August QTD 9,000 + 23,400 = 32,400 × 4.12345% = 1,335.9978 → 1,336.00,
  // less the 1,000 paid in July = 336.00. Ben's July: 3.75% of 13,672.84 (0.5 × 27,345.67 =
  // 13,672.835 → 13,672.84) = 512.7315 under the 900 draw: paid 900.00, 387.27 advanced.
  assert.equal(approved.get('2025-07')?.['Carl Acq'], 1000);
  assert.equal(approved.get('2025-08')?.['Carl Acq'], 336);
  assert.equal(approved.get('2025-07')?.['Ben Acq'], 900);

  const simulation = await ok(app, admin, 'POST', '/api/v1/plans/simulate', { source: 'closings', from: '2025-07', to: '2025-09' });
  assert.deepEqual(simulation.months, ['2025-07', '2025-08', '2025-09']);
  assert.deepEqual(simulation.approved_months, ['2025-07', '2025-08', '2025-09']);
  assert.equal(simulation.mismatches, 0);
  let compared = 0;
  for (const [month, totals] of approved) {
    for (const [payee, total] of Object.entries(totals)) {
      const entry = simulation.by_payee_month.find((row: { month: string; payee: string }) => row.month === month && row.payee === payee);
      assert.ok(entry, `${month} ${payee} simulated`);
      assert.equal(entry.simulated, total, `${month} ${payee}`);
      assert.equal(entry.actual, total, `${month} ${payee}`);
      assert.equal(entry.delta, 0, `${month} ${payee}`);
      compared += 1;
    }
  }
  assert.equal(compared, simulation.by_payee_month.length, 'nobody simulated who was not approved');
  assert.ok(compared >= 30, `${compared} payee-months compared`);
  const sum = [...approved.values()].flatMap((totals) => Object.values(totals)).reduce((total, amount) => total + Math.round(amount * 100), 0);
  assert.equal(Math.round(simulation.actual_commission * 100), sum);
  assert.equal(simulation.total_commission, simulation.actual_commission);
  assert.ok(simulation.by_month.every((month: { delta: number }) => month.delta === 0));

  // From August only: the quarter plan still subtracts July's simulated payment (from the year's start).
  const fromAugust = await ok(app, admin, 'POST', '/api/v1/plans/simulate', { source: 'closings', from: '2025-08', to: '2025-09' });
  assert.equal(fromAugust.mismatches, 0);
  assert.deepEqual(fromAugust.months, ['2025-08', '2025-09']);

  // A what-if: the acq rep plan at a flat 5% instead, everything else as is. Ana in July: 0.5 ×
  // 42,000 = 21,000 × 5% = 1,050.00 where the approved tiers paid 4% = 840.00: +210.00.
  const whatIf = PLANS.map((plan) => (plan.name === 'Acq reps' ? { name: 'Acq reps', applies_to: plan.applies_to, exclude: plan.exclude, basis: 'month', components: [{ type: 'rate', measure: 'gp', rate: 0.05 }] } : plan));
  const changed = await ok(app, admin, 'POST', '/api/v1/plans/simulate', { source: 'closings', from: '2025-07', to: '2025-07', plans: [...whatIf, ...CARRYING] });
  const ana = changed.by_payee_month.find((row: { payee: string }) => row.payee === 'Ana Acq');
  assert.deepEqual([ana.simulated, ana.actual, ana.delta], [1050, 840, 210]);
  assert.ok(changed.mismatches >= 1);

  // The optimiser over the same closings: from-bound tiers and flat-fee ratios for the acq rep
  // plan, held against what it paid (only Ana: the others on acq sides have plans of their own or
  // are excluded). Ana's approved pay under it: 840.00 + 4,368.00 (1.3 × 42,000 = 54,600 at 8%) +
  // 3,360.00 (forced bracket 3) = 8,568.00, about 2.06% of the quarter's company GP.
  const optimised = await ok(app, admin, 'POST', '/api/v1/plans/optimize', {
    source: 'closings', role: 'acq', target_commission_pct: 2.2, max_loss_pct: 10, rate_bounds: { min: 0.03, max: 0.1 }, exclude: ['House Account', 'Sam Senior'], from: '2025-07', to: '2025-09',
  });
  assert.equal(optimised.reason, null);
  assert.ok(optimised.plans.length >= 1);
  for (const candidate of optimised.plans) {
    assert.equal(candidate.plan.tiers.brackets[0].from, 0);
    assert.equal(candidate.plan.tiers.rate_by, 'flat_fee');
    // A valid plan that calculates: simulated in place of the acq rep plan, through the API.
    const replaced = PLANS.map((plan) => (plan.name === 'Acq reps' ? candidate.plan : plan));
    const run = await ok(app, admin, 'POST', '/api/v1/plans/simulate', { source: 'closings', from: '2025-07', to: '2025-09', plans: [...replaced, ...CARRYING] });
    const anaPaid = run.by_payee_month.filter((row: { payee: string }) => row.payee === 'Ana Acq').reduce((sum: number, row: { simulated: number }) => sum + Math.round(row.simulated * 100), 0);
    // The simulation adds September's −0.07 correction on top of what the plan pays her.
    assert.equal(anaPaid + 7, Math.round(candidate.total_commission * 100), 'the candidate pays Ana alone');
    assert.ok(anaPaid + 7 >= Math.ceil(856_800 * 0.9), `Ana ${anaPaid} cents`);
  }
});

test('a closings simulation refuses bad input with pointers and never a 500', async (t) => {
  const { app, admin } = await setup(t);
  const none = await app.inject({ method: 'POST', url: '/api/v1/plans/simulate', headers: admin, payload: { source: 'closings', from: '2025-07', to: '2025-09' } });
  assert.equal(none.statusCode, 404, none.body);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/plans/simulate', headers: admin, payload: { source: 'closings', from: '2025-07', to: '2025-09', plans: [{ name: 'X', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'retroactive', brackets: [{ from: 10, rate: 0.1 }] } }] } });
  assert.equal(bad.statusCode, 422, bad.body);
  assert.ok(bad.json().errors.some((error: { pointer: string }) => error.pointer === '/plans/0/tiers/brackets/0/from'), bad.body);
  const missing = await app.inject({ method: 'POST', url: '/api/v1/plans/simulate', headers: admin, payload: { from: '2025-07', to: '2025-09' } });
  assert.equal(missing.statusCode, 422, missing.body);
  assert.equal(missing.json().errors[0].pointer, '/plan');
});
