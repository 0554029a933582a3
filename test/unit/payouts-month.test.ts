/**
 * A worked month that uses every extension of the plan language at once, modelled on a real
 * wholesaler's plans (issue 15), each person's pay worked out by hand in
 * test/helpers/payouts-month.ts and asserted to the cent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal } from 'decimal.js';
import { calculatePayouts, type PayoutStatement } from '../../src/domain/payouts/calculate-payouts.js';
import { ADJUSTMENTS, CLOSINGS, EXPECTED, EXPECTED_TOTAL, GOALS, MONTH, PLANS } from '../helpers/payouts-month.js';
import { inForce } from './payouts-support.js';

const payout = calculatePayouts({
  month: MONTH,
  closings: CLOSINGS,
  adjustments: ADJUSTMENTS,
  goals: GOALS,
  plans: inForce(PLANS),
});

function statement(payee: string): PayoutStatement {
  const found = payout.statements.find((candidate) => candidate.payee === payee);
  if (!found) throw new Error(`no statement for ${payee}`);
  return found;
}

describe('a worked month under every extension', () => {
  it('pays each person what was worked out by hand', () => {
    // Worked out by hand in test/helpers/payouts-month.ts.
    assert.deepEqual(Object.fromEntries(payout.statements.map((entry) => [entry.payee, entry.total])), EXPECTED);
    assert.equal(payout.total, EXPECTED_TOTAL);
  });

  it('gives the company totals, the uncovered and the excluded', () => {
    assert.equal(payout.company_gp, 148846.17);
    assert.equal(payout.company_transactions, 9);
    // Mo manages dispo sides and no plan pays dispo managers; the house account is excluded on purpose.
    assert.deepEqual(payout.uncovered, ['Mo Manager']);
    assert.ok(!payout.statements.some((entry) => entry.payee === 'House Account'));
    const byRole = Object.values(payout.by_role).reduce((sum, value) => sum.add(value), new Decimal(0));
    assert.equal(byRole.toNumber(), payout.total);
  });

  it('explains the forced bracket, the flat-fee parts and the override', () => {
    const ana = statement('Ana Acq');
    assert.equal(ana.lines[0]?.bracket, '3 of 4 (from 50,001.00 to 100,000.99), overridden: promotion agreed 2025-09-01');
    assert.equal(ana.lines[0]?.reason, 'promotion agreed 2025-09-01');
    assert.equal(ana.lines[0]?.base, 'GP 42,000.00');
    assert.equal(ana.lines[0]?.amount, '3360');
    assert.deepEqual(ana.lines[1], { plan: null, plan_id: null, plan_version: null, component: 'adjustment', label: 'correction', base: 'August rounding error', rate: null, bracket: null, amount: '-0.07', reason: 'correction' });

    const dora = statement('Dora Dispo');
    assert.deepEqual(dora.lines.map((line) => line.plan), ['Dispo senior (exact thirds)', 'Dispo senior (exact thirds)']);
    assert.equal(dora.lines[1]?.base, 'flat_fee=true GP 30,345.67 (bracket chosen on 52,845.67)');
    assert.equal(dora.lines[1]?.bracket, '1 of 2 (from 0.00 to 59,999.99)');
    assert.equal(dora.lines[1]?.rate, '0.03333333333333333333');
    assert.equal(dora.lines[1]?.amount, '1011.52233333333333333333');

    const lee = statement('Lee Lead');
    assert.deepEqual(lee.roles, ['acq', 'manager']);
    const override = lee.lines.filter((line) => line.component === 'override');
    assert.deepEqual(override.map((line) => [line.base, line.rate, line.amount]), [
      ['flat_fee=false team GP (acq, tl_eligible=true) 30,000.00 (bracket chosen on 54,345.67)', '0.015', '450'],
      ['flat_fee=true team GP (acq, tl_eligible=true) 24,345.67 (bracket chosen on 54,345.67)', '0.0075', '182.592525'],
    ]);
    assert.equal(override[0]?.label, 'Team override');
  });

  it('sums every statement from exact lines, rounded once', () => {
    for (const entry of payout.statements) {
      const exact = entry.lines.reduce((sum, line) => sum.add(line.amount), new Decimal(0));
      assert.equal(exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber(), entry.total, entry.payee);
    }
  });
});
