import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { bearer, testApp, tokenFor, uniqueOrg } from '../helpers/env.js';
import type { Closing, ClosingsMonth } from '../../src/domain/closings/closing.js';

const cents = fc.integer({ min: -5_000_000, max: 90_000_000 });
const amount = cents.map((value) => value / 100);
const name = fc.stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'-]{0,24}$/);
const role = fc.constantFrom('acq' as const, 'dispo' as const);
// Fractions with up to 12 decimals, as a number or as text.
const credit = fc.oneof(
  fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
  fc.integer({ min: 0, max: 999_999_999_999 }).map((n) => `0.${String(n).padStart(12, '0')}`),
);
const side = fc.record(
  { role, agent: fc.option(name, { nil: null }), manager: fc.option(name, { nil: null }), credit },
  { requiredKeys: ['role', 'agent'] },
);
const attributes = fc.dictionary(fc.constantFrom('flat_fee', 'exit_strategy', 'tl_eligible', 'score'), fc.oneof(fc.boolean(), fc.integer(), name), {
  maxKeys: 3,
});

const closingsMonth: fc.Arbitrary<ClosingsMonth> = fc
  .record({
    month: fc.integer({ min: 1, max: 12 }).map((m) => `2024-${String(m).padStart(2, '0')}`),
    closings: fc.array(
      fc.record(
        {
          withId: fc.boolean(),
          day: fc.integer({ min: 1, max: 28 }),
          property: name,
          market: name,
          gp: amount,
          assignment_fee: amount,
          transactions: fc.integer({ min: 0, max: 5 }),
          status: fc.constantFrom('closed' as const, 'terminated' as const),
          attributes,
          // One side per role here: a split's credits would have to add up to at most 1.
          sides: fc.uniqueArray(side, { maxLength: 2, selector: (entry) => entry.role }),
        },
        { requiredKeys: ['gp', 'sides', 'withId'] },
      ),
      { maxLength: 25 },
    ),
    adjustments: fc.array(
      fc.record(
        {
          payee: name,
          amount: amount.filter((value) => value !== 0),
          reason: fc.constantFrom('sprint' as const, 'mentor' as const, 'true_up' as const, 'correction' as const, 'bonus' as const, 'other' as const),
          note: name,
        },
        { requiredKeys: ['payee', 'amount', 'reason'] },
      ),
      { maxLength: 4 },
    ),
  })
  .map(({ month, closings, adjustments }) => ({
    month,
    closings: closings.map(({ withId, day, ...closing }, index): Closing => ({
      ...closing,
      ...(withId ? { id: `C-${index}` } : {}),
      ...(day !== undefined ? { date: `${month}-${String(day).padStart(2, '0')}` } : {}),
    })),
    ...(adjustments.length > 0 ? { adjustments } : {}),
  }));

test('any closings month round-trips import → GET → import unchanged, and company GP is the sum of the distinct closed deals', async (t) => {
  const app = await testApp(t, { clock: () => new Date('2025-10-15T12:00:00Z') });
  const admin = bearer(await tokenFor({ orgId: uniqueOrg('closings-props'), role: 'admin', sub: randomUUID() }));
  await fc.assert(
    fc.asyncProperty(closingsMonth, async (document) => {
      const first = await app.inject({ method: 'POST', url: '/api/v1/closings/import', headers: admin, payload: document });
      assert.equal(first.statusCode, 201, first.body);
      // By hand: each closed deal's GP once, in integer cents.
      const expected = document.closings.filter((closing) => closing.status !== 'terminated').reduce((sum, closing) => sum + Math.round(closing.gp * 100), 0);
      assert.equal(Math.round(first.json().imported.company_gp * 100), expected);

      const read = (await app.inject({ url: `/api/v1/closings/${document.month}`, headers: admin })).json();
      assert.equal(read.document.closings.length, document.closings.length);
      const again = await app.inject({ method: 'POST', url: '/api/v1/closings/import', headers: admin, payload: read.document });
      assert.equal(again.statusCode, 201, again.body);
      assert.deepEqual(again.json().imported, first.json().imported);
      const reread = (await app.inject({ url: `/api/v1/closings/${document.month}`, headers: admin })).json();
      assert.deepEqual(reread.document, read.document);
      // What was given is what is read (defaults made explicit, an absent or null manager left out).
      read.document.closings.forEach((closing: Closing, index: number) => {
        const given = document.closings[index]!;
        assert.equal(closing.gp, given.gp);
        assert.equal(closing.transactions, given.transactions ?? 1);
        assert.deepEqual(closing.attributes, given.attributes === undefined ? undefined : { ...given.attributes });
        assert.deepEqual(
          closing.sides.map((entry) => [entry.role, entry.agent, entry.manager ?? null, entry.credit === undefined ? null : Number(entry.credit)]),
          given.sides.map((entry) => [entry.role, entry.agent, entry.manager ?? null, entry.credit === undefined ? null : Number(entry.credit)]),
        );
      });
    }),
    { numRuns: 25 },
  );
});
