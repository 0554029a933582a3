/**
 * Issue 21, "proportional to the period": a cold analytics view reads whole only the months of its
 * period (the summary none: of agents it reads five figures a month); the others bring their
 * month-level figures and, where asked, the agents' figures. The answers must be exactly those computed from every month
 * read whole; and 50 concurrent cold requests of one tenant compute once in the process.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemoryTenantCache } from '../../src/cache/memory-cache.js';
import { loadDataSpan, loadRollups } from '../../src/db/analytics.js';
import { readSettings } from '../../src/db/settings.js';
import { tenantIdForOrg } from '../../src/db/tenant-id.js';
import { withTenant } from '../../src/db/tenant.js';
import { resolvePeriod } from '../../src/domain/analytics/periods.js';
import type { MonthRollup } from '../../src/domain/analytics/rollups.js';
import { generateDemoMonths } from '../../src/demo/generate.js';
import { forecastSeries } from '../../src/domain/analytics/forecast.js';
import { analyticsComputations, computeAnalyticsView, VIEWS, type ViewName } from '../../src/services/analytics/analytics-views.js';
import { appPool, bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';

async function demoTenant(t: TestContext, options: { cache?: MemoryTenantCache } = {}) {
  const pool = appPool(t);
  const app = await testApp(t, { pool, clock: () => new Date('2025-10-15T12:00:00Z'), ...options });
  const org = uniqueOrg('proportional');
  const admin = bearer(await tokenFor({ orgId: org, role: 'admin', sub: randomUUID() }));
  for (const month of generateDemoMonths()) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: month });
    assert.equal(response.statusCode, 201, response.body);
  }
  return { app, pool, admin, tenantId: tenantIdForOrg(org) };
}

test('a view of a period reads its months whole and the others as totals, and answers what all months read whole give', async (t) => {
  const { pool, tenantId } = await demoTenant(t);
  const whole = await withTenant(pool, tenantId, async (tx) => ({
    span: await loadDataSpan(tx),
    rollups: (await loadRollups(tx, { detail: { from: '1000-01', to: '9999-12' }, figures: false })).map((stored) => {
      assert.equal(stored.totalsOnly, false);
      return stored.rollup as MonthRollup;
    }),
    settings: await readSettings(tx),
  }));
  assert.ok(whole.rollups.length >= 24, 'the demo has two years of months');
  assert.ok(whole.rollups.every((rollup) => rollup.agents.length > 0));

  // What the database sends for a quarter: that quarter whole, every other month without its detail.
  const cut = await withTenant(pool, tenantId, (tx) => loadRollups(tx, { detail: { from: '2025-04', to: '2025-06' }, figures: true }));
  assert.deepEqual(cut.filter((stored) => !stored.totalsOnly).map((stored) => stored.month), ['2025-04', '2025-05', '2025-06']);
  for (const stored of cut.filter((row) => row.totalsOnly)) {
    assert.equal('agents' in stored.rollup!, false, `${stored.month} came without its agents`);
    const full = whole.rollups.find((rollup) => rollup.month === stored.month)!;
    // The stored totals (migration 0027): the roll-up less its agents, managers and markets, nothing else.
    const { agents: _agents, managers: _managers, markets: _markets, ...totals } = full;
    assert.deepEqual(stored.rollup, totals);
    // The figures: names, closed, GP, commission, terminated, in the roll-up's agent order.
    assert.deepEqual(stored.figures, [
      ...full.agents.map((agent) => agent.name),
      ...full.agents.map((agent) => agent.closed),
      ...full.agents.map((agent) => agent.gp),
      ...full.agents.map((agent) => agent.commission),
      ...full.agents.map((agent) => agent.terminated),
    ]);
  }

  const views: ViewName[] = ['summary', 'agents', 'teams', 'terminations', 'predictive'];
  for (const query of [{ period: 'last_12m' }, { period: 'all' }, { period: '2025-Q2' }, { period: 'ytd', as_of: '2025-03' }, { from: '2024-02', to: '2024-07' }]) {
    const resolved = resolvePeriod(query, whole.span);
    assert.ok(resolved.ok);
    for (const view of views) {
      const compute = VIEWS[view] as (...args: unknown[]) => unknown;
      const expected = await compute(whole.rollups, resolved.period, { settings: whole.settings, coordinates: new Map(), forecaster: forecastSeries });
      const actual = await computeAnalyticsView(pool, tenantId, view, query);
      assert.deepEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(expected)), `${view} ${JSON.stringify(query)}`);
    }
  }
  // The summary's problem agents weigh evidence with noise measured on every month: the demo's flags carry a probability.
  const summary = await computeAnalyticsView(pool, tenantId, 'summary', { period: 'last_12m' });
  assert.ok(summary.problem_agent_details.some((detail) => detail.probability !== null));
});

test('50 concurrent cold requests for one tenant compute the view once', async (t) => {
  const cache = new MemoryTenantCache();
  t.after(() => cache.close());
  const { app, admin } = await demoTenant(t, { cache });
  const before = analyticsComputations();
  const responses = await Promise.all(
    Array.from({ length: 50 }, () => app.inject({ url: '/api/v1/analytics/summary?period=last_12m', headers: admin })),
  );
  for (const response of responses) assert.equal(response.statusCode, 200, response.body);
  assert.equal(new Set(responses.map((response) => response.body)).size, 1, 'every caller got the same answer');
  assert.equal(analyticsComputations() - before, 1, 'one computation for the 50 requests');
  // Another period is another computation, once.
  await Promise.all(Array.from({ length: 10 }, () => app.inject({ url: '/api/v1/analytics/summary?period=all', headers: admin })));
  assert.equal(analyticsComputations() - before, 2);
});
