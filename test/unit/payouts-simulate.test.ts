/**
 * The what-if over closings history (src/domain/payouts/simulate-payouts.ts), on three months
 * worked by hand: a monthly acq plan at 10% of GP, and a quarterly dispo plan paying 10% of the
 * quarter-to-date GP above 1,000 (each month R(to date) − R(paid before)).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Closing } from '../../src/domain/closings/closing.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { simulatePayouts, type SimulatedMonthInput } from '../../src/domain/payouts/simulate-payouts.js';
import { inForce } from './payouts-support.js';

const plans = inForce([
  { name: 'Acq', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: null, rate: '0.1' }] } },
  {
    name: 'Dispo',
    applies_to: ['dispo'],
    basis: 'quarter',
    tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 1000, rate: '0' }, { up_to: null, rate: '0.1' }] },
  } satisfies PlanDefinition,
]);

const deal = (gp: number, acq: string, dispo: string): Closing => ({ gp, sides: [{ role: 'acq', agent: acq }, { role: 'dispo', agent: dispo }] });
const monthOf = (month: string, closings: Closing[], actual: Record<string, number> | null): SimulatedMonthInput => ({ month, closings, adjustments: [], goals: null, plans, actual });

// January (computed, not reported): Ann 150; Bob's quarter to date 1,500 → R 50.
// February: Ann 200; Bob to date 3,500 → R 250, minus January's 50 → 200.
// March: Cy 50; Bob to date 4,000 → R 300, minus 250 → 50.
const JANUARY = monthOf('2025-01', [deal(1500, 'ann', 'bob')], null);
const FEBRUARY = monthOf('2025-02', [deal(2000, 'ann', 'bob')], { ann: 200, bob: 180, dee: 10 });
const MARCH = monthOf('2025-03', [deal(500, 'cy', 'bob')], null);

describe('simulatePayouts', () => {
  const result = simulatePayouts({ from: '2025-02', to: '2025-03', months: [MARCH, JANUARY, FEBRUARY] });

  it('reports the months asked for, carrying what the earlier months of the quarter paid', () => {
    assert.equal(result.source, 'closings');
    assert.deepEqual([result.from, result.to], ['2025-02', '2025-03']);
    assert.deepEqual(result.months, ['2025-02', '2025-03']);
    assert.deepEqual(result.approved_months, ['2025-02']);
    assert.deepEqual(result.by_month, [
      { month: '2025-02', approved: true, gp: 2000, simulated: 400, actual: 390, delta: 10, commission_pct: 20, uncovered: [] },
      { month: '2025-03', approved: false, gp: 500, simulated: 100, actual: null, delta: null, commission_pct: 20, uncovered: [] },
    ]);
  });

  it('totals over the months, actual ones over the approved months only', () => {
    assert.equal(result.total_gp, 2500);
    assert.equal(result.total_commission, 500);
    assert.equal(result.actual_commission, 390);
    assert.equal(result.simulated_commission_approved, 400);
    assert.equal(result.commission_pct, 20); // 500 / 2,500
    assert.equal(result.actual_commission_pct, 19.5); // 390 / 2,000
  });

  it('each payee-month against its statement, a payee paid only in the statements included', () => {
    const february = result.by_payee_month.filter((entry) => entry.month === '2025-02');
    assert.deepEqual(
      [...february].sort((a, b) => a.payee.localeCompare(b.payee)),
      [
        { month: '2025-02', payee: 'ann', simulated: 200, actual: 200, delta: 0 },
        { month: '2025-02', payee: 'bob', simulated: 200, actual: 180, delta: 20 },
        { month: '2025-02', payee: 'dee', simulated: 0, actual: 10, delta: -10 },
      ],
    );
    assert.equal(february.at(-1)!.payee, 'dee', 'names only the statements give come after the simulated ones');
    const march = result.by_payee_month.filter((entry) => entry.month === '2025-03');
    assert.deepEqual(
      [...march].sort((a, b) => a.payee.localeCompare(b.payee)),
      [
        { month: '2025-03', payee: 'bob', simulated: 50, actual: null, delta: null },
        { month: '2025-03', payee: 'cy', simulated: 50, actual: null, delta: null },
      ],
    );
    assert.equal(result.mismatches, 2, 'Bob and Dee differ; Ann matches; March is not approved');
  });

  it('by payee over the approved months, by name; winners and losers by the size of the difference', () => {
    assert.deepEqual(result.by_agent, [
      { agent: 'ann', roles: ['acq'], simulated: 200, actual: 200, delta: 0, delta_pct: 0 },
      { agent: 'bob', roles: ['dispo'], simulated: 200, actual: 180, delta: 20, delta_pct: 11.1 },
      { agent: 'dee', roles: [], simulated: 0, actual: 10, delta: -10, delta_pct: -100 },
    ]);
    assert.deepEqual(result.winners.map((entry) => entry.agent), ['bob']);
    assert.deepEqual(result.losers.map((entry) => entry.agent), ['dee']);
    assert.deepEqual(result.warnings, []);
  });

  it('top limits winners and losers, biggest first', () => {
    const months = [monthOf('2025-02', [deal(2000, 'ann', 'bob'), deal(1000, 'cy', 'bob')], { ann: 150, bob: 0, cy: 0 })];
    // Simulated: Ann 200 (50 over), Cy 100, Bob 10% of (3,000 − 1,000) = 200.
    const simulated = simulatePayouts({ from: '2025-02', to: '2025-02', months, top: 2 });
    assert.deepEqual(simulated.winners.map((entry) => [entry.agent, entry.delta]), [['bob', 200], ['cy', 100]]);
    assert.deepEqual(simulatePayouts({ from: '2025-02', to: '2025-02', months, top: 1 }).winners.map((entry) => entry.agent), ['bob']);
    assert.deepEqual(simulated.losers, []);
    assert.equal(simulated.by_agent.find((entry) => entry.agent === 'bob')!.delta_pct, null, 'no actual pay: no percentage');
  });

  it('months after `to` are left out; payees sorted by name, losers by the size of the difference', () => {
    const february = { ...FEBRUARY, actual: { zed: 30, aaron: 10, ann: 200, bob: 250 } };
    const simulated = simulatePayouts({ from: '2025-02', to: '2025-02', months: [MARCH, february, JANUARY] });
    assert.deepEqual(simulated.months, ['2025-02']);
    assert.equal(simulated.total_gp, 2000);
    assert.deepEqual(simulated.by_agent.map((entry) => [entry.agent, entry.delta]), [['aaron', -10], ['ann', 0], ['bob', -50], ['zed', -30]]);
    assert.deepEqual(simulated.losers.map((entry) => entry.agent), ['bob', 'zed', 'aaron']);
    assert.deepEqual(simulated.winners, []);
    assert.equal(simulated.mismatches, 3);
  });

  it('without closings GP the percentages are null', () => {
    const empty = simulatePayouts({ from: '2025-02', to: '2025-02', months: [monthOf('2025-02', [], {})] });
    assert.equal(empty.commission_pct, null);
    assert.equal(empty.actual_commission_pct, null);
    assert.deepEqual(empty.by_month, [{ month: '2025-02', approved: true, gp: 0, simulated: 0, actual: 0, delta: 0, commission_pct: null, uncovered: [] }]);
  });

  it('property: the approved statements of the same plans are reproduced to the cent', () => {
    const gp = fc.integer({ min: 0, max: 500_000 }).map((cents) => cents / 100);
    fc.assert(
      fc.property(fc.array(fc.tuple(gp, fc.constantFrom('a', 'b'), fc.constantFrom('c', 'd')), { minLength: 3, maxLength: 3 }), (rows) => {
        const months = rows.map(([amount, acq, dispo], index) => monthOf(`2025-0${index + 1}`, [deal(amount, acq, dispo)], null));
        const first = simulatePayouts({ from: '2025-01', to: '2025-03', months });
        const approved = months.map((month) => ({
          ...month,
          actual: Object.fromEntries(first.by_payee_month.filter((entry) => entry.month === month.month).map((entry) => [entry.payee, entry.simulated])),
        }));
        const again = simulatePayouts({ from: '2025-01', to: '2025-03', months: approved });
        assert.equal(again.mismatches, 0);
        assert.equal(again.actual_commission, again.simulated_commission_approved);
        assert.ok(again.by_agent.every((entry) => entry.delta === 0));
        assert.deepEqual(again.winners, []);
      }),
      { numRuns: 50 },
    );
  });
});
