/**
 * A tenant with the worked month of test/helpers/payouts-month.ts calculated (and approved when
 * asked), and tokens for its admin and for payees, for the payee-role tests.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, testApp, tokenFor, uniqueOrg } from './env.js';
import { ADJUSTMENTS, CLOSINGS, GOALS, MONTH, PLANS } from './payouts-month.js';

export type Headers = Record<string, string>;

export interface PayeeTenant {
  app: FastifyInstance;
  org: string;
  admin: Headers;
  member: Headers;
  /** A payee token linked by `app_metadata.payee` (or, with `{email}` only, by e-mail). */
  payee(link: { name?: string; email?: string }): Promise<Headers>;
}

const ENTERPRISE = { subscription_tier: 'enterprise', promo_until: null };

export async function call(app: FastifyInstance, headers: Headers, method: string, url: string, payload?: unknown) {
  return app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

export async function ok(app: FastifyInstance, headers: Headers, method: string, url: string, payload?: unknown, status = 200) {
  const response = await call(app, headers, method, url, payload);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response;
}

/** The worked month imported and calculated; `approve` approves it too. */
export async function payeeTenant(t: TestContext, options: { approve?: boolean; app?: FastifyInstance } = {}): Promise<PayeeTenant> {
  const app = options.app ?? (await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') }));
  const org = uniqueOrg('payee');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID(), extra: { app_metadata: { role: 'admin', entitlements: ENTERPRISE } } }));
  const member = bearer(await tokenFor({ orgId: org, role: 'member', sub: randomUUID() }));
  await ok(app, admin, 'POST', '/api/v1/closings/import', { month: MONTH, closings: CLOSINGS, adjustments: ADJUSTMENTS }, 201);
  await ok(app, admin, 'PUT', `/api/v1/goals/${MONTH}`, GOALS);
  for (const definition of PLANS) await ok(app, admin, 'POST', '/api/v1/plans', { ...definition, effective_from: '2025-01' }, 201);
  await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/calculate`);
  if (options.approve) await ok(app, admin, 'POST', `/api/v1/payouts/${MONTH}/approve`);
  return {
    app,
    org,
    admin,
    member,
    payee: async (link) =>
      bearer(
        await tokenFor({
          orgId: org,
          role: 'payee',
          sub: randomUUID(),
          email: link.email ?? `someone-${randomUUID()}@payee.example`,
          ...(link.name ? { payee: link.name } : {}),
        }),
      ),
  };
}

/** The roster id of `name`. */
export async function agentId(tenant: PayeeTenant, name: string): Promise<string> {
  const list = (await ok(tenant.app, tenant.admin, 'GET', '/api/v1/agents?limit=500')).json() as { items: { id: string; name: string }[] };
  const found = list.items.find((agent) => agent.name === name);
  assert.ok(found, `${name} is on the roster`);
  return found.id;
}
