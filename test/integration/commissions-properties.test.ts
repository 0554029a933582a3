import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import { canonicalMonth } from '../../src/domain/imports/canonical.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';

const cents = fc.integer({ min: -50_000_000, max: 500_000_000 });
const amount = cents.map((value) => value / 100);
const name = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter((text) => /\S/.test(text));
const month = fc
  .record({ year: fc.integer({ min: 2015, max: 2025 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}`);

const agent = fc.record(
  {
    name,
    type: fc.constantFrom('acq' as const, 'dispo' as const),
    gp: amount,
    deals: fc.integer({ min: 0, max: 200 }),
    commission: amount,
    terminations: fc.integer({ min: 0, max: 50 }),
    market: name,
    manager: name,
  },
  { requiredKeys: ['name', 'type', 'gp', 'deals', 'commission'] },
);
const manager = fc.record(
  { name, gp: amount, commission: amount, team: fc.array(name, { maxLength: 4 }) },
  { requiredKeys: ['name', 'commission'] },
);
const commissionMonth: fc.Arbitrary<CommissionMonth> = fc.record(
  {
    month,
    metadata: fc.record(
      { total_gp: amount, total_transactions: fc.integer({ min: 0, max: 10_000 }), commission_pct: fc.integer({ min: 0, max: 1000 }).map((n) => n / 10) },
      { requiredKeys: [] },
    ),
    agents: fc.array(agent, { maxLength: 12 }),
    managers: fc.array(manager, { maxLength: 4 }),
  },
  { requiredKeys: ['month', 'agents'] },
);

test('any valid month round-trips through import and export unchanged, and totals are the sum of parts to the cent', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2026-01-15T00:00:00Z') });
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('prop'), role: 'admin', sub: randomUUID() }));

  await fc.assert(
    fc.asyncProperty(commissionMonth, async (input) => {
      const imported = await app.inject({ method: 'POST', url: '/api/v1/commissions/import', headers: admin, payload: input });
      assert.equal(imported.statusCode, 201, imported.body);
      const expectedCents =
        input.agents.reduce((sum, payee) => sum + Math.round(payee.commission * 100), 0) +
        (input.managers ?? []).reduce((sum, payee) => sum + Math.round(payee.commission * 100), 0);
      assert.equal(Math.round(imported.json().imported.total_commission * 100), expectedCents);

      const exported = await app.inject({ url: `/api/v1/commissions/export?month=${input.month}&format=json`, headers: admin });
      assert.equal(exported.statusCode, 200);
      assert.deepEqual(exported.json(), canonicalMonth(input));

      const summary = (await app.inject({ url: `/api/v1/commissions/${input.month}`, headers: admin })).json().summary;
      const gpCents = input.agents.reduce((sum, payee) => sum + Math.round(payee.gp * 100), 0);
      assert.equal(Math.round(summary.total_gp * 100), gpCents);
      assert.equal(Math.round(summary.total_commission * 100), expectedCents);
    }),
    { numRuns: 40 },
  );
});
