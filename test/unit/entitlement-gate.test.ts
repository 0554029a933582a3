/**
 * The entitlement gate (`app.requireFeature`) on its own: a tiny app with the auth and
 * entitlements plugins, a fake principal source and a fake entitlement store holding one record
 * the test sets. No database. The expected feature matrix is written out by hand from the README's
 * table, not read from the code under test.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import Fastify from 'fastify';
import { TokenError, type TokenIdentity } from '../../src/auth/verify-token.js';
import { loadConfig } from '../../src/config.js';
import type { Feature, StoredEntitlements, Tier } from '../../src/domain/entitlements.js';
import authPlugin from '../../src/http/plugins/auth.js';
import entitlementsPlugin from '../../src/http/plugins/entitlements.js';
import errorsPlugin from '../../src/http/plugins/errors.js';
import type { EntitlementStore } from '../../src/services/entitlements/entitlement-store.js';
import type { PrincipalSource } from '../../src/services/sessions/principal-source.js';

const TENANT = '33333333-3333-4333-8333-333333333333';
const TOKEN = 'member.token.sig';
const UPGRADE_URL = 'https://market.example/upgrade?product=cip';

const ALL: Feature[] = ['commission_data', 'exports', 'analytics', 'plans', 'plan_simulation', 'custom_formulas', 'branding', 'higher_rate_limits'];
const CORE: Feature[] = ['commission_data', 'exports', 'analytics', 'plans', 'plan_simulation'];
/** What each tier unlocks (README, "Entitlements"): promotion is a trial of premium; enterprise has everything. */
const EXPECTED: Record<Tier, Feature[]> = { none: [], promo: CORE, premium: CORE, enterprise: ALL };

const principals: PrincipalSource = {
  async verify(token): Promise<TokenIdentity> {
    if (token !== TOKEN) throw new TokenError('invalid signature');
    return { orgId: 'acme', userId: 'user-1', email: undefined, claimedRole: undefined, sessionId: undefined, expiresAt: 4_102_444_800 };
  },
  isRevoked: async () => false,
  provision: async () => ({ tenantId: TENANT, userId: 'id-1', storedRole: 'member', tenantCreated: false }),
};

/** One tenant's record, read as the gate reads it; writes are not expected here (no claims, no pull). */
class FakeStore implements EntitlementStore {
  reads = 0;
  constructor(public record: StoredEntitlements) {}
  async read(tenantId: string): Promise<StoredEntitlements> {
    assert.equal(tenantId, TENANT);
    this.reads += 1;
    return this.record;
  }
  async apply(): Promise<never> {
    throw new Error('no change expected');
  }
  async push(): Promise<never> {
    throw new Error('no push expected');
  }
}

const record = (tier: Tier, promoUntil: string | null = null, flags: Record<string, unknown> = {}): StoredEntitlements => ({
  tier,
  promoUntil,
  flags,
  source: 'push',
  sourceTime: new Date('2026-01-01T00:00:00Z'),
});

async function gateApp(t: TestContext, store: FakeStore, clock: { now: Date }) {
  const app = Fastify();
  await app.register(errorsPlugin);
  await app.register(authPlugin, { principals });
  await app.register(entitlementsPlugin, { store, clock: () => clock.now, config: loadConfig({ NODE_ENV: 'test', UPGRADE_URL: UPGRADE_URL }) });
  for (const feature of ALL) {
    app.get(`/gate/${feature}`, { onRequest: [app.authenticate, app.requireFeature(feature)] }, async () => ({ ok: true }));
  }
  app.get('/two-gates', { onRequest: [app.authenticate, app.requireFeature('analytics'), app.requireFeature('exports')] }, async () => ({ ok: true }));
  t.after(() => app.close());
  return app;
}

const get = (app: Awaited<ReturnType<typeof gateApp>>, path: string) => app.inject({ url: path, headers: { authorization: `Bearer ${TOKEN}` } });

async function unlocked(app: Awaited<ReturnType<typeof gateApp>>): Promise<Feature[]> {
  const open: Feature[] = [];
  for (const feature of ALL) {
    const response = await get(app, `/gate/${feature}`);
    assert.ok(response.statusCode === 200 || response.statusCode === 402, `${feature}: ${response.statusCode}`);
    if (response.statusCode === 200) open.push(feature);
  }
  return open;
}

describe('entitlement gate', () => {
  it('refuses a tenant without a subscription with 402 and what the paywall needs (upgrade URL, feature, tiers)', async (t) => {
    const app = await gateApp(t, new FakeStore(record('none')), { now: new Date('2026-02-01T12:00:00Z') });
    const response = await get(app, '/gate/analytics');
    assert.equal(response.statusCode, 402);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const body = response.json();
    assert.equal(body.type, '/problems/payment-required');
    assert.equal(body.upgrade_url, UPGRADE_URL);
    assert.equal(body.feature, 'analytics');
    assert.equal(body.tier, 'none');
    assert.equal(body.required_tier, 'premium');
    assert.equal(body.promo_until, null);
    assert.equal(body.detail, 'Analytics needs a subscription; this organisation has none.');
  });

  it('asks for a token before anything else: 401, not 402', async (t) => {
    const app = await gateApp(t, new FakeStore(record('none')), { now: new Date('2026-02-01T12:00:00Z') });
    assert.equal((await app.inject('/gate/analytics')).statusCode, 401);
  });

  it('keeps a promotion open through its last day and closes it the day after', async (t) => {
    const clock = { now: new Date('2026-03-31T23:59:59Z') };
    const app = await gateApp(t, new FakeStore(record('promo', '2026-03-31')), clock);
    assert.equal((await get(app, '/gate/analytics')).statusCode, 200, 'the last day, inclusive');
    clock.now = new Date('2026-04-01T00:00:00Z');
    const after = await get(app, '/gate/analytics');
    assert.equal(after.statusCode, 402, 'the day after promo_until');
    assert.equal(after.json().detail, 'The promotion ended on 2026-03-31; Analytics needs a subscription.');
    assert.equal(after.json().tier, 'promo');
    assert.equal(after.json().promo_until, '2026-03-31');
    assert.equal(after.json().required_tier, 'premium');
  });

  for (const tier of ['none', 'promo', 'premium', 'enterprise'] as const) {
    it(`unlocks for ${tier} exactly: ${EXPECTED[tier].join(', ') || 'nothing'}`, async (t) => {
      const app = await gateApp(t, new FakeStore(record(tier, tier === 'promo' ? '2026-12-31' : null)), { now: new Date('2026-02-01T12:00:00Z') });
      assert.deepEqual(await unlocked(app), EXPECTED[tier]);
    });
  }

  it('names the lowest tier that unlocks a feature the tenant lacks', async (t) => {
    const app = await gateApp(t, new FakeStore(record('premium')), { now: new Date('2026-02-01T12:00:00Z') });
    const response = await get(app, '/gate/custom_formulas');
    assert.equal(response.statusCode, 402);
    assert.equal(response.json().required_tier, 'enterprise');
    assert.equal(response.json().detail, 'Custom formulas needs the enterprise tier; this organisation is on premium.');
  });

  it('lets the marketplace’s flags refine a live subscription, never open a closed one', async (t) => {
    const now = { now: new Date('2026-02-01T12:00:00Z') };
    const premium = await gateApp(t, new FakeStore(record('premium', null, { branding: true, exports: false })), now);
    assert.deepEqual(await unlocked(premium), ['commission_data', 'analytics', 'plans', 'plan_simulation', 'branding']);
    const none = await gateApp(t, new FakeStore(record('none', null, { analytics: true })), now);
    assert.deepEqual(await unlocked(none), []);
  });

  it('reads the store once per request, however many gates the route has', async (t) => {
    const store = new FakeStore(record('premium'));
    const app = await gateApp(t, store, { now: new Date('2026-02-01T12:00:00Z') });
    assert.equal((await get(app, '/two-gates')).statusCode, 200);
    assert.equal(store.reads, 1);
  });
});
