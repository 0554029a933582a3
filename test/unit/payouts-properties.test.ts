/**
 * Properties of payouts over random months of closings and random plans (fast-check).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import type { Adjustment, Closing } from '../../src/domain/closings/closing.js';
import type { Bracket, BracketMode, PlanDefinition } from '../../src/domain/plans/definition.js';
import { calculatePayouts, type Payout } from '../../src/domain/payouts/calculate-payouts.js';
import { inForce } from './payouts-support.js';

const cents = fc.integer({ min: 0, max: 6_000_000 });
const agentName = fc.constantFrom('A', 'B', 'C', null);
const dispoName = fc.constantFrom('D', 'E', null);
const managerName = fc.constantFrom('M', 'N', null);

function closingsArbitrary(fractionalCredits: boolean): fc.Arbitrary<Closing[]> {
  const credit = fractionalCredits ? fc.constantFrom<string | undefined>(undefined, '0.5', '0.333333333333') : fc.constant(undefined);
  return fc.array(
    fc.record({ gp: cents, flat: fc.boolean(), eligible: fc.boolean(), acq: agentName, dispo: dispoName, acqManager: managerName, dispoManager: managerName, credit, transactions: fc.integer({ min: 0, max: 2 }) }).map(
      (row): Closing => ({
        gp: row.gp / 100,
        transactions: row.transactions,
        attributes: { flat_fee: row.flat, tl_eligible: row.eligible },
        sides: [
          { role: 'acq', agent: row.acq, manager: row.acqManager, ...(row.credit === undefined ? {} : { credit: row.credit }) },
          { role: 'dispo', agent: row.dispo, manager: row.dispoManager },
        ],
      }),
    ),
    { minLength: 0, maxLength: 12 },
  );
}

/** Rates with up to 12 decimals, as decimal text. */
const rate = fc.integer({ min: 0, max: 200_000_000_000 }).map((units) => new Decimal(units).div(1e12).toFixed());

/** Ascending upper bounds in cents (the last bracket open). */
const bounds = fc.uniqueArray(fc.integer({ min: 1, max: 15_000_000 }), { minLength: 1, maxLength: 4 }).map((list) => [...list].sort((a, b) => a - b));

function upToBrackets(upper: readonly number[], rates: readonly string[]): Bracket[] {
  return [...upper.map((bound, index) => ({ up_to: bound / 100, rate: rates[index] ?? '0' })), { up_to: null, rate: rates[upper.length] ?? '0' }];
}

/** The same table by lower bounds: a bracket from one cent above the previous upper bound. */
function fromBrackets(upper: readonly number[], rates: readonly string[]): Bracket[] {
  return [{ from: 0, rate: rates[0] ?? '0' }, ...upper.map((bound, index) => ({ from: (bound + 1) / 100, rate: rates[index + 1] ?? '0' }))];
}

function acqPlan(brackets: Bracket[], mode: BracketMode): PlanDefinition {
  return { name: 'Acq', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode, brackets } };
}

const tableArbitrary = bounds.chain((upper) => fc.tuple(fc.constant(upper), fc.array(rate, { minLength: upper.length + 1, maxLength: upper.length + 1 })));

const otherPlans = fc.tuple(rate, rate, rate).map(([low, flat, override]): PlanDefinition[] => [
  {
    name: 'Dispo',
    applies_to: ['dispo'],
    basis: 'month',
    tiers: { measure: 'gp', mode: 'retroactive', rate_by: 'flat_fee', brackets: [{ from: 0, rate: { false: low, '*': flat } }, { from: 50000, rate: { false: flat, true: '1/30' } }] },
  },
  {
    name: 'Leads',
    applies_to: ['manager'],
    agents: ['M'],
    basis: 'month',
    components: [
      { type: 'override', of: 'team_gp', team: { where: { tl_eligible: true } }, rate: override },
      { type: 'formula', expression: 'company_gp / 3 * 0.001 + transactions * 1.23' },
    ],
  },
]);

const adjustments = fc.array(
  fc.record({ payee: fc.constantFrom('A', 'D', 'M', 'Z'), amount: fc.integer({ min: -50_000, max: 50_000 }) }).map(
    (entry): Adjustment => ({ payee: entry.payee, amount: entry.amount / 100, reason: 'correction' }),
  ),
  { maxLength: 4 },
);

const sumLines = (payout: Payout, payee: string) =>
  (payout.statements.find((statement) => statement.payee === payee)?.lines ?? []).reduce((sum, line) => sum.add(line.amount), new Decimal(0));

describe('payout properties', () => {
  it('rounds each statement once from its exact lines, and the month total is the sum of statements', () => {
    fc.assert(
      fc.property(closingsArbitrary(true), tableArbitrary, fc.constantFrom<BracketMode>('graduated', 'retroactive'), otherPlans, adjustments, (closings, [upper, rates], mode, others, extra) => {
        const payout = calculatePayouts({ month: '2025-09', closings, adjustments: extra, goals: { transactions: 5, gp: 1000 }, plans: inForce([acqPlan(upToBrackets(upper, rates), mode), ...others]) });
        let total = 0;
        for (const statement of payout.statements) {
          const exact = sumLines(payout, statement.payee);
          assert.equal(exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber(), statement.total, statement.payee);
          total += Math.round(statement.total * 100);
        }
        assert.equal(Math.round(payout.total * 100), total);
        const byRole = Object.values(payout.by_role).reduce((sum, value) => sum + Math.round(value * 100), 0);
        assert.equal(byRole, total);
      }),
      { numRuns: 150 },
    );
  });

  // Fractional credits included: a from table is the up_to table ending a cent below each from (exact-plan.ts).
  it('pays a table written with up_to bounds and the same table with from bounds identically', () => {
    fc.assert(
      fc.property(closingsArbitrary(true), tableArbitrary, fc.constantFrom<BracketMode>('graduated', 'retroactive'), (closings, [upper, rates], mode) => {
        const byUpTo = calculatePayouts({ month: '2025-09', closings, plans: inForce([acqPlan(upToBrackets(upper, rates), mode)]) });
        const byFrom = calculatePayouts({ month: '2025-09', closings, plans: inForce([acqPlan(fromBrackets(upper, rates), mode)]) });
        assert.deepEqual(
          byFrom.statements.map((statement) => [statement.payee, statement.total]),
          byUpTo.statements.map((statement) => [statement.payee, statement.total]),
        );
        for (const statement of byUpTo.statements) assert.ok(sumLines(byFrom, statement.payee).eq(sumLines(byUpTo, statement.payee)), statement.payee);
      }),
      { numRuns: 200 },
    );
  });

  it('never pays graduated below retroactive when rates decline', () => {
    fc.assert(
      fc.property(closingsArbitrary(true), tableArbitrary, fc.boolean(), (closings, [upper, rates], lowerBounds) => {
        const declining = [...rates].sort((a, b) => new Decimal(b).comparedTo(a));
        const brackets = lowerBounds ? fromBrackets(upper, declining) : upToBrackets(upper, declining);
        const graduated = calculatePayouts({ month: '2025-09', closings, plans: inForce([acqPlan(brackets, 'graduated')]) });
        const retroactive = calculatePayouts({ month: '2025-09', closings, plans: inForce([acqPlan(brackets, 'retroactive')]) });
        for (const statement of retroactive.statements) {
          assert.ok(sumLines(graduated, statement.payee).greaterThanOrEqualTo(sumLines(retroactive, statement.payee)), statement.payee);
        }
      }),
      { numRuns: 200 },
    );
  });
});
