/**
 * The payouts API driven the way a customer would, for the payouts tests: an enterprise tenant with
 * an admin and a member, and the worked month of test/helpers/payouts-month.ts stored through the API.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearer, testApp, tokenFor, uniqueOrg } from './env.js';
import { ADJUSTMENTS, CLOSINGS, GOALS, MONTH, PLANS } from './payouts-month.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';

/** The accounting settings both journals need (names for QuickBooks, codes and the tax rate for Xero). */
export const ACCOUNTING = {
  expense_account: 'Commission Expense',
  payable_account: 'Commissions Payable',
  expense_account_code: '6100',
  payable_account_code: '2100',
  tax_rate: 'Tax Exempt',
};

export type Headers = Record<string, string>;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export async function setup(t: TestContext) {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const org = uniqueOrg('payouts');
  // Enterprise: the worked month's senior leaders are paid by formulas.
  const enterprise = { app_metadata: { role: 'admin', entitlements: { subscription_tier: 'enterprise', promo_until: null } } };
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', email: 'boss@payouts.example', sub: randomUUID(), extra: enterprise }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  return { app, org, admin, member };
}

export function call(app: FastifyInstance, headers: Headers, method: Method, url: string, payload?: unknown) {
  return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

export async function ok(app: FastifyInstance, headers: Headers, method: Method, url: string, payload?: unknown, status = 200) {
  const response = await call(app, headers, method, url, payload);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response;
}

/** The worked month stored the way a customer would: closings with three adjustments, one added by hand, goals, the plans. */
export async function workedMonth(app: FastifyInstance, admin: Headers) {
  const imported = ADJUSTMENTS.filter((adjustment) => adjustment.payee !== 'Rita Rookie');
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: MONTH, closings: CLOSINGS, adjustments: imported }, 201);
  const sprint = ADJUSTMENTS.find((adjustment) => adjustment.payee === 'Rita Rookie')!;
  const added = await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/adjustments`, sprint, 201);
  await ok(app, admin, 'PUT', `/api/v1/goals/${MONTH}`, GOALS);
  const plans: { id: string; definition: PlanDefinition }[] = [];
  for (const definition of PLANS) {
    const created = await ok(app, admin, 'POST', '/api/v1/plans', { ...definition, effective_from: '2025-01' }, 201);
    plans.push({ id: created.json().id, definition });
  }
  return { plans, sprintId: added.json().id as string };
}
