import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { PlanSource } from '../../src/domain/plans/calculate.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { simulatePlan, simulationToJson } from '../../src/domain/plans/simulate.js';
import { agent, CONTRACT_PLAN, manager, month, payUnder, syntheticHistory } from './plans-support.js';

describe('simulatePlan: a worked example', () => {
  const history = [
    month('2025-08', [agent('A', 'acq', 70000, { commission: 7000 }), agent('B', 'dispo', 20000, { commission: 2500 })], [manager('M', ['A'], { commission: 1000 })]),
    month('2025-09', [
      agent('A', 'acq', 40000, { commission: 4000 }),
      agent('B', 'dispo', 30000, { commission: 3000 }),
      agent('C', 'acq', 10000, { commission: 500 }),
    ]),
  ];
  const declining: PlanDefinition = { ...CONTRACT_PLAN, applies_to: ['acq', 'dispo'] };
  const simulation = simulatePlan(declining, history, '2025-08', '2025-09');

  it('totals simulated and actual commission of the covered payees', () => {
    // A: 6,600 + 4,000; B: 2,000 + 3,000; C: 1,000. The manager is not covered.
    assert.equal(simulation.total_commission, 1_660_000);
    assert.equal(simulation.actual_commission, 1_700_000);
    assert.equal(simulation.total_gp, 17_000_000);
    assert.equal(simulation.commission_pct, 9.76);
    assert.equal(simulation.actual_commission_pct, 10);
  });

  it('compares payee by payee, largest GP first', () => {
    assert.deepEqual(
      simulation.by_agent.map((entry) => [entry.agent, entry.simulated, entry.actual, entry.delta, entry.delta_pct]),
      [
        ['A', 1_060_000, 1_100_000, -40_000, -3.6],
        ['B', 500_000, 550_000, -50_000, -9.1],
        ['C', 100_000, 50_000, 50_000, 100],
      ],
    );
    assert.deepEqual(simulation.winners.map((entry) => entry.agent), ['C']);
    assert.deepEqual(simulation.losers.map((entry) => entry.agent), ['B', 'A']);
  });

  it('breaks the range down by month', () => {
    assert.deepEqual(
      simulation.by_month.map((entry) => [entry.month, entry.gp, entry.simulated, entry.actual, entry.commission_pct, entry.actual_commission_pct]),
      [
        ['2025-08', 9_000_000, 860_000, 950_000, 9.56, 10.56],
        ['2025-09', 8_000_000, 800_000, 750_000, 10, 9.38],
      ],
    );
  });

  it("converts to the contract's JSON numbers", () => {
    const json = simulationToJson(simulation);
    assert.equal(json.total_commission, 16600);
    assert.equal(json.actual_commission, 17000);
    assert.deepEqual(json.by_agent[0], { agent: 'A', payee_type: 'acq', gp: 110000, simulated: 10600, actual: 11000, delta: -400, delta_pct: -3.6 });
    assert.equal(json.by_month[1]?.simulated, 8000);
  });

  it('limits the range to the months asked for', () => {
    const september = simulatePlan(declining, history, '2025-09', '2025-09');
    assert.deepEqual(september.months, ['2025-09']);
    assert.equal(september.total_commission, 800_000);
  });
});

describe('simulation reproduces history produced by the plan', () => {
  const plans: PlanSource[] = [
    { ...CONTRACT_PLAN, applies_to: ['acq', 'dispo'] },
    { ...CONTRACT_PLAN, applies_to: ['acq', 'dispo'], basis: 'quarter', tiers: { ...CONTRACT_PLAN.tiers!, mode: 'retroactive' } },
    {
      name: 'Deal plan with extras',
      applies_to: ['acq', 'dispo'],
      basis: 'deal',
      tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 5000, rate: 0.15 }, { up_to: null, rate: 0.1 }] },
      components: [
        { type: 'split', shares: { acq: 0.7, dispo: 0.3 } },
        { type: 'limit', scope: 'deal', min: 150, max: 4000 },
        { type: 'bonus', measure: 'deals', at_least: 4, amount: 750 },
        { type: 'clawback' },
        { type: 'draw', amount: 2000 },
        { type: 'formula', expression: 'terminations > 1 ? -100 : 0' },
      ],
    },
    [
      { effective_from: '0000-01', definition: { name: 'Override', applies_to: ['manager'], basis: 'month', components: [{ type: 'override', of: 'team_gp', rate: 0.015 }] } },
      { effective_from: '2024-07', definition: { name: 'Override 2', applies_to: ['manager'], basis: 'year', components: [{ type: 'override', of: 'team_gp', rate: 0.0125 }, { type: 'limit', scope: 'period', max: 40000 }] } },
    ],
  ];

  it('to the cent, for every payee, whatever the data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: plans.length - 1 }), (seed, choice) => {
        const source = plans[choice] as PlanSource;
        const history = payUnder(syntheticHistory({ seed, months: 12, agents: 9, managers: 2, deals: true }), source);
        const simulation = simulatePlan(source, history, '2024-01', '2024-12');
        assert.equal(simulation.total_commission, simulation.actual_commission);
        assert.ok(simulation.by_agent.length > 0);
        for (const entry of simulation.by_agent) assert.equal(entry.delta, 0, entry.agent);
        assert.deepEqual(simulation.winners, []);
        assert.deepEqual(simulation.losers, []);
      }),
      { numRuns: 24 },
    );
  });

  it('and shows the change when a different plan is simulated over the same history', () => {
    const history = payUnder(syntheticHistory({ seed: 11, months: 12, agents: 9, managers: 2 }), plans[0] as PlanSource);
    const flat: PlanDefinition = { name: 'Flat 9%', applies_to: ['acq', 'dispo'], basis: 'month', components: [{ type: 'rate', measure: 'gp', rate: 0.09 }] };
    const simulation = simulatePlan(flat, history, '2024-01', '2024-12');
    assert.notEqual(simulation.total_commission, simulation.actual_commission);
    const sum = simulation.by_agent.reduce((total, entry) => total + entry.delta, 0);
    assert.equal(sum, simulation.total_commission - simulation.actual_commission);
  });
});
