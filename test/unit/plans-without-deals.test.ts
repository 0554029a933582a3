/**
 * Plans that never look at single deals are simulated on history loaded without them
 * (src/db/history.ts): for those plans the result must be exactly what the full history gives,
 * and every plan that does look at deals must be recognised as such.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateDemoMonths } from '../../src/demo/generate.js';
import { planNeedsDeals, type PlanDefinition } from '../../src/domain/plans/definition.js';
import { simulatePlan, simulationToJson } from '../../src/domain/plans/simulate.js';
import { historyMonthFromImport } from '../../src/domain/imports/to-history.js';

const months = generateDemoMonths();
const withDeals = months.map(historyMonthFromImport);
const withoutDeals = months.map((month) => historyMonthFromImport({ ...month, deals: undefined }));
const from = months.at(-12)!.month;
const to = months.at(-1)!.month;

const brackets = { measure: 'gp' as const, mode: 'graduated' as const, brackets: [{ up_to: 40000, rate: 0.1 }, { up_to: null, rate: 0.07 }] };
const MONTHLY_PLANS: PlanDefinition[] = [
  { name: 'Declining', applies_to: ['acq', 'dispo'], basis: 'month', tiers: brackets },
  { name: 'Quarterly retroactive', applies_to: ['acq'], basis: 'quarter', tiers: { ...brackets, mode: 'retroactive' } },
  {
    name: 'Everything but deals',
    applies_to: ['acq', 'dispo', 'manager'],
    basis: 'month',
    components: [
      { type: 'rate', measure: 'gp', rate: 0.08 },
      { type: 'per_deal', amount: 150 },
      { type: 'bonus', measure: 'deals', at_least: 5, amount: 500 },
      { type: 'override', of: 'team_gp', rate: 0.02 },
      { type: 'limit', scope: 'period', max: 25000 },
      { type: 'draw', amount: 1500 },
    ],
  },
];

describe('plans on history without deals', () => {
  for (const plan of MONTHLY_PLANS) {
    it(`${plan.name}: needs no deals and simulates to the cent as on the full history`, () => {
      assert.equal(planNeedsDeals(plan), false);
      const full = simulationToJson(simulatePlan(plan, withDeals, from, to));
      const light = simulationToJson(simulatePlan(plan, withoutDeals, from, to));
      assert.deepEqual(light, full);
      assert.ok((full.total_commission as number) > 0, 'the plan pays something, so the comparison means something');
    });
  }

  it('recognises every plan that looks at single deals', () => {
    const base: PlanDefinition = { name: 'p', applies_to: ['acq'], basis: 'month', tiers: brackets };
    assert.equal(planNeedsDeals({ ...base, basis: 'deal' }), true);
    assert.equal(planNeedsDeals({ ...base, components: [{ type: 'split', shares: { acq: 0.5, dispo: 0.5 } }] }), true);
    assert.equal(planNeedsDeals({ ...base, components: [{ type: 'clawback', method: 'rate', rate: 0.1 }] }), true);
  });

  it('and those plans do depend on the deals', () => {
    const perDeal: PlanDefinition = { name: 'Per deal', applies_to: ['acq', 'dispo'], basis: 'deal', tiers: brackets };
    const full = simulationToJson(simulatePlan(perDeal, withDeals, from, to));
    const light = simulationToJson(simulatePlan(perDeal, withoutDeals, from, to));
    assert.notDeepEqual(light, full);
  });
});
