import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { DEMO_PLAN_EXCEPTIONS, DEMO_PLAN_PERIODS, generateDemoMonths } from '../../src/demo/generate.js';
import { smallMonth } from '../helpers/fixtures.js';
import { PLANS as PAYOUT_PLANS } from '../helpers/payouts-month.js';
import { DEMO_PLANS } from '../../src/demo/plans.js';

async function tenant(t: TestContext) {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('plans');
  return {
    app,
    admin: bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() })),
    member: bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() })),
  };
}

const declining = (mode: 'graduated' | 'retroactive') => ({
  name: `Declining acq (${mode})`,
  applies_to: ['acq'],
  basis: 'month',
  tiers: { measure: 'gp', mode, brackets: [{ up_to: 50000, rate: 0.1 }, { up_to: null, rate: 0.08 }] },
});

function post(app: FastifyInstance, url: string, headers: Record<string, string>, payload: unknown) {
  return app.inject({ method: 'POST', url, headers, payload: payload as object });
}

test('plans are created by admins, versioned by PUT, listed, read and deleted', async (t) => {
  const { app, admin, member } = await tenant(t);
  assert.equal((await post(app, '/api/v1/plans', member, declining('graduated'))).statusCode, 403);
  const created = await post(app, '/api/v1/plans', admin, declining('graduated'));
  assert.equal(created.statusCode, 201, created.body);
  const plan = created.json();
  assert.equal(plan.current.version, 1);
  assert.equal(plan.current.effective_from, '1970-01');

  const updated = await app.inject({ method: 'PUT', url: `/api/v1/plans/${plan.id}`, headers: admin, payload: { ...declining('retroactive'), effective_from: '2025-01' } });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.deepEqual(updated.json().versions.map((version: { version: number; effective_from: string }) => [version.version, version.effective_from]), [[1, '1970-01'], [2, '2025-01']]);

  const list = (await app.inject({ url: '/api/v1/plans', headers: member })).json();
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0].current.definition.tiers.mode, 'retroactive');

  assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/plans/${plan.id}`, headers: member })).statusCode, 403);
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/plans/${plan.id}`, headers: admin })).statusCode, 204);
  assert.equal((await app.inject({ url: `/api/v1/plans/${plan.id}`, headers: member })).statusCode, 404);
});

test('an invalid plan is a 422 with pointers into the definition', async (t) => {
  const { app, admin } = await tenant(t);
  const bad = {
    name: 'Bad',
    applies_to: ['acq'],
    basis: 'month',
    tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 50000, rate: 0.1 }, { up_to: 40000, rate: 1.5 }] },
  };
  const response = await post(app, '/api/v1/plans', admin, bad);
  assert.equal(response.statusCode, 422);
  const pointers = response.json().errors.map((error: { pointer: string }) => error.pointer);
  assert.ok(pointers.some((pointer: string) => pointer.startsWith('/tiers/brackets/1')), pointers.join());

  const formula = { name: 'F', applies_to: ['acq'], basis: 'month', components: [{ type: 'formula', expression: 'gp * (0.1 +' }] };
  const syntax = await post(app, '/api/v1/plans', admin, formula);
  assert.equal(syntax.statusCode, 422);
  assert.match(JSON.stringify(syntax.json().errors), /components\/0\/expression/);
});

test("the contract's 70,000 example: graduated pays 6,600.00, retroactive 5,600.00, with line items", async (t) => {
  const { app, admin, member } = await tenant(t);
  const month = { month: '2025-08', agents: [{ name: 'Kyle Singer', type: 'acq', gp: 70000, deals: 5, commission: 6600 }] };
  assert.equal((await post(app, '/api/v1/commissions/import', admin, month)).statusCode, 201);
  for (const [mode, expected] of [['graduated', 6600], ['retroactive', 5600]] as const) {
    const plan = (await post(app, '/api/v1/plans', admin, declining(mode))).json();
    const response = await post(app, `/api/v1/plans/${plan.id}/calculate?month=2025-08`, member, undefined);
    assert.equal(response.statusCode, 200, response.body);
    const result = response.json();
    assert.equal(result.total, expected);
    const statement = result.statements[0];
    assert.equal(statement.payee, 'Kyle Singer');
    const lines = statement.lines.reduce((sum: number, line: { amount: number }) => sum + Math.round(line.amount * 100), 0);
    assert.equal(lines, expected * 100, 'the lines explain every cent');
  }
  const missing = (await post(app, '/api/v1/plans', admin, declining('graduated'))).json();
  assert.equal((await post(app, `/api/v1/plans/${missing.id}/calculate?month=2025-07`, member, undefined)).statusCode, 404);
});

test("simulating the demo tenant's own plan reproduces what was paid, to the cent", async (t) => {
  const { app, admin, member } = await tenant(t);
  for (const month of generateDemoMonths()) assert.equal((await post(app, '/api/v1/commissions/import', admin, month)).statusCode, 201);
  const exceptions = new Set(DEMO_PLAN_EXCEPTIONS.map((exception) => exception.agent));

  for (const period of DEMO_PLAN_PERIODS) {
    for (const plan of period.agent_plans) {
      const response = await post(app, '/api/v1/plans/simulate', member, { plan, from: period.from, to: period.to });
      assert.equal(response.statusCode, 200, response.body);
      const simulation = response.json();
      const covered = simulation.by_agent.filter((row: { agent: string }) => !exceptions.has(row.agent));
      assert.ok(covered.length > 5);
      for (const row of covered) assert.equal(row.delta, 0, `${period.id} ${plan.name}: ${row.agent} simulated ${row.simulated}, paid ${row.actual}`);
    }
  }
  const bad = await post(app, '/api/v1/plans/simulate', member, { plan: declining('graduated'), from: '2025-09', to: '2025-01' });
  assert.equal(bad.statusCode, 400);
});

test('the optimiser returns plans that meet their constraints on the demo tenant', { timeout: 120_000 }, async (t) => {
  const { app, admin, member } = await tenant(t);
  for (const month of generateDemoMonths()) await post(app, '/api/v1/commissions/import', admin, month);
  const options = {
    target_commission_pct: 12.5,
    max_loss_pct: 15,
    protect_top_n: 3,
    rate_bounds: { min: 0.06, max: 0.18 },
    applies_to: ['acq', 'dispo'],
    from: '2024-10',
    to: '2025-09',
    exempt: DEMO_PLAN_EXCEPTIONS.map((exception) => exception.agent),
  };
  const response = await post(app, '/api/v1/plans/optimize', member, options);
  assert.equal(response.statusCode, 200, response.body);
  const result = response.json();
  assert.ok(result.plans.length > 0, result.reason);
  for (const found of result.plans) {
    assert.ok(found.worst_loss_pct <= options.max_loss_pct, `worst loss ${found.worst_loss_pct}`);
    const rates = found.plan.tiers.brackets.map((bracket: { rate: number | string }) => Number(bracket.rate));
    for (const rate of rates) assert.ok(rate >= options.rate_bounds.min && rate <= options.rate_bounds.max, String(rate));
    for (let i = 1; i < rates.length; i++) assert.ok(rates[i] < rates[i - 1], `declining: ${rates.join(' > ')}`);
  }
  const invalid = await post(app, '/api/v1/plans/optimize', member, { ...options, rate_bounds: { min: 0.2, max: 0.1 } });
  assert.equal(invalid.statusCode, 422);
});

test('custom formulas are an enterprise feature: a promo tenant gets 402 with the reason', async (t) => {
  const { app, admin } = await tenant(t);
  const formula = { name: 'Kicker', applies_to: ['acq'], basis: 'month', components: [{ type: 'formula', expression: 'gp * 0.1' }] };
  const response = await post(app, '/api/v1/plans', admin, formula);
  assert.equal(response.statusCode, 402, response.body);
  assert.equal(response.json().feature, 'custom_formulas');
  assert.ok(response.json().upgrade_url);
  const simulate = await post(app, '/api/v1/plans/simulate', admin, { plan: formula, from: '2025-01', to: '2025-02' });
  assert.equal(simulate.statusCode, 402);
});

test('a plan written for closings saves, but simulating or calculating it on payee-level months is a 422 with pointers, never a 500', async (t) => {
  const { app, admin, member } = await tenant(t);
  const september = smallMonth('2025-09');
  assert.equal((await post(app, '/api/v1/commissions/import', admin, september)).statusCode, 201);
  // Dispo reps: the bracket on the month's total, flat-fee GP at two thirds of its rate; one rep forced a tier higher.
  const closingsPlan = {
    name: 'Dispo reps',
    applies_to: ['dispo'],
    basis: 'month',
    exclude: ['House'],
    tier_overrides: [{ payee: 'Bo Tran', bracket: 2, reason: 'written decision', from: '2025-09', to: '2025-09' }],
    tiers: {
      measure: 'gp',
      mode: 'retroactive',
      rate_by: 'flat_fee',
      brackets: [
        { from: 0, rate: { false: 0.05, true: '0.1/3' } },
        { from: 50000, rate: { false: 0.06, true: 0.04 } },
      ],
    },
  };
  const saved = await post(app, '/api/v1/plans', admin, closingsPlan);
  assert.equal(saved.statusCode, 201, saved.body);
  const simulated = await post(app, '/api/v1/plans/simulate', member, { plan: closingsPlan, from: '2025-09', to: '2025-09' });
  assert.equal(simulated.statusCode, 422, simulated.body);
  assert.ok(simulated.json().errors.every((error: { pointer: string }) => error.pointer.startsWith('/plan/')), simulated.body);
  const calculated = await app.inject({ method: 'POST', url: `/api/v1/plans/${saved.json().id}/calculate?month=2025-09`, headers: member });
  assert.equal(calculated.statusCode, 422, calculated.body);
  assert.ok(calculated.json().errors.some((error: { pointer: string }) => error.pointer.startsWith('/versions/0/definition/')), calculated.body);
});

test('every part of the plan language comes back from the API exactly as stored (the exact response schema drops nothing)', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const enterprise = { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'enterprise', promo_until: null } } };
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('plans-exact'), role: 'admin', sub: randomUUID(), extra: enterprise }));
  // The worked payouts month uses every extension (from bounds, rates by flat fee, team overrides
  // with tiers, exclusions, tier overrides, company and goal formulas); the demo's plans add versions.
  const definitions = [...PAYOUT_PLANS, ...DEMO_PLANS.flatMap((plan) => plan.versions.map((version) => version.definition))];
  assert.ok(definitions.length >= 8);
  for (const [index, definition] of definitions.entries()) {
    const created = await post(app, '/api/v1/plans', admin, definition);
    assert.equal(created.statusCode, 201, `${index}: ${created.body}`);
    const read = (await app.inject({ url: `/api/v1/plans/${created.json().id}`, headers: admin })).json();
    assert.deepEqual(read.current.definition, JSON.parse(JSON.stringify(definition)), `definition ${index} (${definition.name})`);
    assert.deepEqual(created.json().current.definition, read.current.definition);
  }
});
