import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { History } from '../../src/domain/history.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { validatePlan } from '../../src/domain/plans/definition.js';
import { optimizePlan, OptimizeOptionsError, type OptimizeOptions, type OptimizeResult } from '../../src/domain/plans/optimize.js';
import { simulatePlan } from '../../src/domain/plans/simulate.js';
import { payUnder, syntheticHistory } from './plans-support.js';

const FLAT_15: PlanDefinition = {
  name: 'Flat 15%',
  applies_to: ['acq', 'dispo'],
  basis: 'month',
  tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: 0.15 }] },
};

/** 24 months × 50 agents (plus managers), paid a flat 15% of monthly GP. */
const BIG = payUnder(syntheticHistory({ seed: 7, months: 24, agents: 50, managers: 6 }), FLAT_15);

/** Asserts every constraint on every returned plan, from its exact simulation. */
function assertMeetsConstraints(history: History, options: OptimizeOptions, result: OptimizeResult): void {
  for (const { plan, simulation } of result.plans) {
    assert.deepEqual(validatePlan(plan), []);
    // The simulation handed back is the plan's own.
    const again = simulatePlan(plan, history, simulation.from, simulation.to);
    assert.equal(again.total_commission, simulation.total_commission);
    const brackets = plan.tiers?.brackets ?? [];
    if (options.bracket_count) assert.equal(brackets.length, options.bracket_count);
    brackets.forEach((bracket, i) => {
      const rate = Number(bracket.rate);
      assert.ok(rate >= options.rate_bounds.min && rate <= options.rate_bounds.max, `rate ${rate} within bounds`);
      if (i > 0) assert.ok(rate < Number(brackets[i - 1]?.rate), 'rates strictly decline');
    });
    const exempt = new Set(options.exempt ?? []);
    const byGp = [...simulation.by_agent].sort((a, b) => b.gp - a.gp || (a.agent < b.agent ? -1 : 1));
    const protectedNames = new Set(byGp.slice(0, options.protect_top_n ?? 0).map((entry) => entry.agent));
    for (const entry of simulation.by_agent) {
      if (exempt.has(entry.agent) || entry.actual <= 0) continue;
      // simulated ≥ actual × (1 − max_loss/100), in integers (max_loss here has at most 2 decimals)
      assert.ok(entry.simulated * 10_000 >= entry.actual * (10_000 - Math.round(options.max_loss_pct * 100)), `${entry.agent} loses at most ${options.max_loss_pct}%`);
      if (protectedNames.has(entry.agent)) assert.ok(entry.simulated >= entry.actual, `${entry.agent} is protected`);
    }
  }
}

describe('optimizePlan', () => {
  const options: OptimizeOptions = {
    target_commission_pct: 13,
    max_loss_pct: 15,
    rate_bounds: { min: 0.05, max: 0.25 },
  };

  // How fast the search is belongs to `npm run bench` (optimize_serial), not to a unit test.
  it('finds plans close to the target that meet every constraint, on 24 months × 50 agents', () => {
    const result = optimizePlan(BIG, options);
    assert.equal(result.reason, null);
    assert.equal(result.plans.length, 3);
    assert.ok(result.evaluated > 0);
    assertMeetsConstraints(BIG, options, result);
    // Flat 13% loses every agent 13.3% of pay: allowed, and exactly on target.
    assert.ok((result.plans[0]?.target_gap_pct ?? 1) <= 0.05);
    const gaps = result.plans.map((plan) => plan.target_gap_pct);
    assert.deepEqual(gaps, [...gaps].sort((a, b) => a - b));
  });

  it('is deterministic', () => {
    const small = payUnder(syntheticHistory({ seed: 5, months: 6, agents: 12, managers: 2 }), FLAT_15);
    assert.deepEqual(optimizePlan(small, options), optimizePlan(small, options));
  });

  it('keeps the top earners whole when asked, and says what that costs', () => {
    const protect: OptimizeOptions = { ...options, protect_top_n: 5, bracket_count: 2 };
    const result = optimizePlan(BIG, protect);
    assert.equal(result.reason, null);
    assertMeetsConstraints(BIG, protect, result);
    // Declining rates pay top earners least at the margin, so keeping them whole lifts the total.
    assert.ok((result.plans[0]?.simulation.commission_pct ?? 0) > 13);
  });

  it('searches retroactive brackets on quarter-to-date GP too', () => {
    const quarterly: OptimizeOptions = { ...options, mode: 'retroactive', basis: 'quarter', bracket_count: 2, max_loss_pct: 20 };
    const result = optimizePlan(BIG, quarterly);
    assert.equal(result.reason, null);
    assert.equal(result.plans[0]?.plan.basis, 'quarter');
    assertMeetsConstraints(BIG, quarterly, result);
  });

  it('returns no plan, with the reason, when the constraints cannot be met', () => {
    const impossible: OptimizeOptions = { ...options, max_loss_pct: 1, rate_bounds: { min: 0.05, max: 0.1 } };
    const result = optimizePlan(BIG, impossible);
    assert.deepEqual(result.plans, []);
    assert.match(result.reason ?? '', /keeps every payee within 1% of actual pay; even a flat maximum rate falls short for 'Agent/);
  });

  it('lets written exceptions be exempted from the constraints', () => {
    // One agent on a grandfathered 30% makes any plan within 0.05..0.2 break the loss limit for them.
    const history = BIG.map((entry) => ({
      ...entry,
      agents: entry.agents.map((row) => (row.name === 'Agent 01' ? { ...row, commission: Math.round(row.gp * 0.3) } : row)),
    }));
    const bounded: OptimizeOptions = { ...options, rate_bounds: { min: 0.05, max: 0.2 } };
    const blocked = optimizePlan(history, bounded);
    assert.deepEqual(blocked.plans, []);
    assert.match(blocked.reason ?? '', /'Agent 01'/);
    const exempted = { ...bounded, exempt: ['Agent 01'] };
    const result = optimizePlan(history, exempted);
    assert.equal(result.reason, null);
    assertMeetsConstraints(history, exempted, result);
  });

  it('refuses invalid options', () => {
    assert.throws(() => optimizePlan(BIG, { ...options, rate_bounds: { min: 0.3, max: 0.1 } }), OptimizeOptionsError);
    assert.throws(() => optimizePlan(BIG, { ...options, bracket_count: 7 }), OptimizeOptionsError);
    assert.throws(() => optimizePlan(BIG, { ...options, target_commission_pct: 0 }), OptimizeOptionsError);
  });

  it('meets its constraints whatever the history and options', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 5, max: 25 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('graduated' as const, 'retroactive' as const),
        (seed, target, maxLoss, protect, count, mode) => {
          const history = payUnder(
            syntheticHistory({ seed, months: 6, agents: 10, managers: 2 }),
            { ...FLAT_15, tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 20000, rate: 0.16 }, { up_to: null, rate: 0.12 }] } },
          );
          const random: OptimizeOptions = {
            target_commission_pct: target,
            max_loss_pct: maxLoss,
            protect_top_n: protect,
            bracket_count: count,
            mode,
            rate_bounds: { min: 0.04, max: 0.2 },
            rate_step: 0.01,
          };
          const result = optimizePlan(history, random);
          if (result.plans.length === 0) assert.ok((result.reason ?? '').length > 0);
          assertMeetsConstraints(history, random, result);
        },
      ),
      { numRuns: 25 },
    );
  });
});
