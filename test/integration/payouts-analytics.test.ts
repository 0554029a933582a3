/**
 * Approved payouts are the month's actual commission for analytics (CONTRACT.md, "Payouts"): a
 * closings month has no known pay until its payouts are approved (a draft does not count), then
 * the summary, the agents and the teams read the approved statements; reopening takes it back.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { ADJUSTMENTS, CLOSINGS, EXPECTED, EXPECTED_TOTAL, GOALS, MONTH, PLANS } from '../helpers/payouts-month.js';

type Headers = Record<string, string>;

async function ok(app: FastifyInstance, headers: Headers, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, status = 200) {
  const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response.json();
}

/** The worked month (test/helpers/payouts-month.ts) in a tenant of its own, after a payee-level import of the month when given. */
async function workedMonth(t: TestContext, payees?: object) {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('payan');
  // Enterprise: the worked month's senior leaders are paid by formulas.
  const enterprise = { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'enterprise', promo_until: null } } };
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', email: 'boss@payan.example', sub: randomUUID(), extra: enterprise }));
  if (payees) await ok(app, admin, 'POST', '/api/v1/commissions/import', payees, 201);
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: MONTH, closings: CLOSINGS, adjustments: ADJUSTMENTS }, 201);
  await ok(app, admin, 'PUT', `/api/v1/goals/${MONTH}`, GOALS);
  for (const definition of PLANS) await ok(app, admin, 'POST', '/api/v1/plans', { ...definition, effective_from: '2025-01' }, 201);
  return { app, admin, summary: () => ok(app, admin, 'GET', `/api/v1/analytics/summary?period=${MONTH}`) };
}

test('a closings month’s commission is its approved payout: unknown before, not a draft, the statements once approved, unknown again when reopened', async (t) => {
  const { app, admin, summary } = await workedMonth(t);

  // Closings only: company GP 148,846.17, no pay invented (0, left out of commission %).
  const before = await summary();
  assert.equal(before.gp, 148846.17);
  assert.equal(before.commission, 0);
  assert.equal(before.commission_pct, null);
  assert.deepEqual(before.months_without_pay, [MONTH]);

  // A draft is not the month's commission.
  const draft = await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  assert.equal(draft.total, EXPECTED_TOTAL);
  assert.deepEqual(await summary(), before);

  const approved = await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  assert.equal(approved.status, 'approved');
  const after = await summary();
  assert.equal(after.gp, 148846.17);
  assert.equal(after.commission, 19920.77);
  // 19,920.77 / 148,846.17 = 13.3836…% → 13.4: payout total over company GP.
  assert.equal(after.commission_pct, 13.4);
  assert.equal(after.commission_pct, Math.round((1000 * 1_992_077) / 14_884_617) / 10);
  assert.deepEqual(after.months_without_pay, []);
  assert.equal(after.pay_note, null);
  // Manager pay is the payout's by_role.manager: Lee Lead's and Tess Lead's statements (personal
  // and override, one each) and those of the two plans for managers without deals (Val Senior,
  // Uma Director): 3,582.59 + 630.00 + 665.75 + 588.46 = 5,466.80; the rest (the reps, Sam
  // Senior, the sprint winner) 19,920.77 − 5,466.80 = 14,453.97.
  assert.equal(approved.by_role.manager, 5466.8);
  assert.equal(after.manager_commission, 5466.8);
  assert.equal(after.agent_commission, 14453.97);

  // Per person: an agent's commission is their statement's total, a lead's is on their team.
  const agents = (await ok(app, admin, 'GET', `/api/v1/analytics/agents?period=${MONTH}`)).agents as Array<{ name: string; totals: { commission: number; gp: number } }>;
  const paid = (name: string) => agents.find((agent) => agent.name === name)?.totals.commission;
  assert.equal(paid('Ana Acq'), EXPECTED['Ana Acq']);
  assert.equal(paid('Dora Dispo'), EXPECTED['Dora Dispo']);
  assert.equal(paid('Sam Senior'), EXPECTED['Sam Senior']);
  assert.equal(paid('Lee Lead'), 0, 'her statement is counted once, on her team');
  // Lee's team costs her statement and her agents' (Ana's and Ben's): 3,582.59 + 3,359.93 + 1,640.74 = 8,583.26.
  const teams = (await ok(app, admin, 'GET', `/api/v1/analytics/teams?period=${MONTH}`)).teams as Array<{ manager: string | null; totals: { commission: number } }>;
  assert.equal(teams.find((team) => team.manager === 'Lee Lead')?.totals.commission, 8583.26);

  // Reopened: a draft again, so the month's pay is unknown again.
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/reopen`, { reason: 'a deal corrected after approval' });
  assert.deepEqual((await summary()).months_without_pay, [MONTH]);
  assert.equal((await summary()).commission_pct, null);
});

test('a month with a payee-level import and closings: the import’s pay until the payout is approved, then the payout’s', async (t) => {
  // The spreadsheet's own figure for the month, imported the old way: 21,000.00 for one payee.
  const payees = { month: MONTH, agents: [{ name: 'Ana Acq', type: 'acq', gp: 42000, deals: 2, commission: 21000 }] };
  const { app, admin, summary } = await workedMonth(t, payees);

  // 21,000.00 / 148,846.17 = 14.108…% → 14.1: closings' GP, the import's pay.
  const merged = await summary();
  assert.equal(merged.gp, 148846.17);
  assert.equal(merged.commission, 21000);
  assert.equal(merged.commission_pct, 14.1);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  assert.equal((await summary()).commission, 21000, 'a draft changes nothing');
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  const approved = await summary();
  assert.equal(approved.commission, EXPECTED_TOTAL);
  assert.equal(approved.commission_pct, 13.4);
  const agents = (await ok(app, admin, 'GET', `/api/v1/analytics/agents?period=${MONTH}`)).agents as Array<{ name: string; totals: { commission: number } }>;
  assert.equal(agents.find((agent) => agent.name === 'Ana Acq')?.totals.commission, EXPECTED['Ana Acq']);
});
