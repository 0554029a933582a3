/** What a month carries into the next under quarter and year plans (src/domain/payouts/carry.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { paidBeforeOf } from '../../src/domain/payouts/carry.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { inForce } from './payouts-support.js';

const plan = (basis: PlanDefinition['basis']): PlanDefinition => ({
  name: `${basis} plan`,
  applies_to: ['acq'],
  basis,
  tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: '0.1' }] },
});
// plan-1 quarterly, plan-2 yearly, plan-3 monthly
const plans = inForce([plan('quarter'), plan('year'), plan('month')]);

describe('paidBeforeOf', () => {
  it("sums each person's pay in the earlier months of the plan's quarter or year, in cents", () => {
    const carried = [
      { payee: 'ann', plan_id: 'plan-1', amount: 100.1, month: '2025-04' },
      { payee: 'ann', plan_id: 'plan-1', amount: 0.2, month: '2025-04' }, // 100.1 + 0.2 is 100.30000000000001 in floats
      { payee: 'ann', plan_id: 'plan-1', amount: 50, month: '2025-03' }, // the first quarter
      { payee: 'ann', plan_id: 'plan-1', amount: 70, month: '2025-05' }, // the month itself
      { payee: 'ann', plan_id: 'plan-1', amount: 70, month: '2025-06' }, // later
      { payee: 'bob', plan_id: 'plan-1', amount: -5, month: '2025-04' },
      { payee: 'ann', plan_id: 'plan-2', amount: 10, month: '2025-01' },
      { payee: 'ann', plan_id: 'plan-2', amount: 20, month: '2024-12' }, // last year
      { payee: 'ann', plan_id: 'plan-3', amount: 999, month: '2025-04' }, // a month plan carries nothing
      { payee: 'ann', plan_id: 'plan-9', amount: 999, month: '2025-04' }, // not a plan in force
    ];
    assert.deepEqual(paidBeforeOf('2025-05', plans, carried), [
      { payee: 'ann', plan_id: 'plan-1', amount: 100.3 },
      { payee: 'bob', plan_id: 'plan-1', amount: -5 },
      { payee: 'ann', plan_id: 'plan-2', amount: 10 },
    ]);
  });

  it("a period's first month carries nothing in; nor do month plans", () => {
    const carried = [{ payee: 'ann', plan_id: 'plan-1', amount: 100, month: '2025-03' }];
    assert.deepEqual(paidBeforeOf('2025-04', plans, carried), []);
    assert.deepEqual(paidBeforeOf('2025-01', plans, [{ payee: 'ann', plan_id: 'plan-2', amount: 1, month: '2024-11' }]), []);
    assert.deepEqual(paidBeforeOf('2025-05', inForce([plan('month')]), [{ payee: 'ann', plan_id: 'plan-1', amount: 1, month: '2025-04' }]), []);
  });

  it('property: what is carried into a month is the exact sum of the earlier months of its period', () => {
    const entry = fc.record({ payee: fc.constantFrom('a', 'b'), cents: fc.integer({ min: -100_000, max: 100_000 }), month: fc.integer({ min: 1, max: 12 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), fc.integer({ min: 1, max: 12 }), (entries, at) => {
        const month = `2025-${String(at).padStart(2, '0')}`;
        const carried = entries.map((e) => ({ payee: e.payee, plan_id: 'plan-1', amount: e.cents / 100, month: `2025-${String(e.month).padStart(2, '0')}` }));
        const quarterStart = Math.floor((at - 1) / 3) * 3 + 1;
        for (const payee of ['a', 'b']) {
          const expected = entries.filter((e) => e.payee === payee && e.month >= quarterStart && e.month < at);
          const found = paidBeforeOf(month, plans.slice(0, 1), carried).find((paid) => paid.payee === payee);
          if (expected.length === 0) assert.equal(found, undefined);
          else assert.equal(found?.amount, expected.reduce((sum, e) => sum + e.cents, 0) / 100);
        }
      }),
    );
  });
});
