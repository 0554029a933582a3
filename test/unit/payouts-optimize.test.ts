/**
 * The optimiser over closings history (src/domain/payouts/optimize-closings.ts): its search space
 * has `from` bounds and flat-fee rate ratios, and every candidate it returns is a valid plan that
 * the payouts engine pays, meeting its constraints on the exact statements.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal } from 'decimal.js';
import type { Closing } from '../../src/domain/closings/closing.js';
import { calculatePayouts } from '../../src/domain/payouts/calculate-payouts.js';
import { optimizeClosingsPlan, paidUnder, validateClosingsOptimizeOptions, type ClosingsOptimizeMonth } from '../../src/domain/payouts/optimize-closings.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { parsePlan } from '../../src/domain/plans/validate.js';
import { inForce } from './payouts-support.js';

/** A deterministic stream in [0, 1). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const AGENTS = ['Ana', 'Ben', 'Carl', 'Dee', 'Eve', 'Fay'];
const MONTHS = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09'];

function closingsOf(seed: number): Closing[] {
  const next = random(seed);
  return Array.from({ length: 30 }, (_, i) => ({
    id: `C${i}`,
    gp: Math.round(next() * 2_500_000) / 100,
    attributes: { flat_fee: next() < 0.35 },
    sides: [
      { role: 'acq', agent: next() < 0.1 ? 'House' : AGENTS[Math.floor(next() * AGENTS.length)]!, manager: null },
      { role: 'dispo', agent: null, manager: null },
    ],
  }));
}

// What the tenant pays today: from-bound tiers on the month's GP, flat-fee deals at two thirds.
const CURRENT: PlanDefinition = {
  name: 'Acq reps',
  applies_to: ['acq'],
  exclude: ['House'],
  basis: 'month',
  tiers: { measure: 'gp', mode: 'retroactive', rate_by: 'flat_fee', brackets: [{ from: 0, rate: { false: 0.05, true: '0.1/3', '*': 0.05 } }, { from: 60000, rate: { false: 0.07, true: '0.14/3', '*': 0.07 } }] },
};

/** The months as approved under CURRENT: each payee's pay under it is the actual. */
const history: ClosingsOptimizeMonth[] = MONTHS.map((month, index) => {
  const closings = closingsOf(index + 11);
  const payout = calculatePayouts({ month, closings, plans: inForce([CURRENT]) });
  return { month, closings, actual: paidUnder(payout.statements, new Set(['plan-1'])) };
});

const options = { target_commission_pct: 5.5, max_loss_pct: 15, rate_bounds: { min: 0.03, max: 0.09 }, exclude: ['House'] };

describe('the optimiser over closings', () => {
  it('finds candidates with from bounds and a flat-fee ratio, each a valid plan the engine pays within its constraints', () => {
    const result = optimizeClosingsPlan(history, options);
    assert.equal(result.reason, null);
    assert.ok(result.plans.length >= 1, 'a candidate');
    assert.ok(result.evaluated > 0);
    for (const candidate of result.plans) {
      const plan = candidate.plan;
      assert.ok(parsePlan(plan).ok, JSON.stringify(plan));
      assert.deepEqual(plan.exclude, ['House']);
      const brackets = plan.tiers?.brackets ?? [];
      assert.equal(plan.tiers?.rate_by, 'flat_fee');
      assert.equal((brackets[0] as { from: number }).from, 0);
      for (const bracket of brackets) {
        assert.ok('from' in bracket, 'lower bounds');
        const rates = bracket.rate as Record<string, string | number>;
        // The flat-fee rate is the other rate times one of the searched ratios, exactly.
        // true = top / bottom; true / false × 6 is 6 (ratio 1), 4 (2/3) or 3 (1/2), compared without dividing.
        const [top, bottom = '1'] = String(rates.true).split('/');
        const six = new Decimal(top!).mul(6);
        assert.ok([6, 4, 3].some((ratio) => six.eq(new Decimal(String(rates.false)).mul(bottom).mul(ratio))), JSON.stringify(rates));
      }
      // Paid by the engine as a plan in force: the same total as the candidate reports.
      let cents = 0;
      const byPayee = new Map<string, number>();
      for (const month of history) {
        const payout = calculatePayouts({ month: month.month, closings: month.closings, plans: inForce([plan]) });
        cents += Math.round(payout.total * 100);
        for (const statement of payout.statements) byPayee.set(statement.payee, (byPayee.get(statement.payee) ?? 0) + Math.round(statement.total * 100));
      }
      assert.equal(cents, Math.round(candidate.total_commission * 100));
      // No payee below 85% of what CURRENT paid them over the months.
      for (const name of AGENTS) {
        const actual = history.reduce((sum, month) => sum + Math.round((month.actual?.[name] ?? 0) * 100), 0);
        assert.ok((byPayee.get(name) ?? 0) >= Math.ceil(actual * 0.85), `${name}: ${byPayee.get(name)} vs ${actual}`);
      }
      assert.ok(!byPayee.has('House'));
      assert.ok(candidate.target_gap_pct < 1, `${candidate.commission_pct}% for a 5.5% target`);
    }
  });

  it('searches the ratios it is given: one half makes the flat-fee rate exactly half', () => {
    const result = optimizeClosingsPlan(history, { ...options, flat_fee_ratios: ['1/2'], bracket_count: 2 });
    const plan = result.plans[0]?.plan;
    assert.ok(plan, result.reason ?? '');
    for (const bracket of plan.tiers?.brackets ?? []) {
      const rates = bracket.rate as Record<string, string | number>;
      assert.ok(new Decimal(String(rates.true)).mul(2).eq(String(rates.false)), JSON.stringify(rates));
    }
    assert.equal(plan.tiers?.brackets.length, 2);
  });

  it('without rate_by, one rate per bracket', () => {
    const result = optimizeClosingsPlan(history, { ...options, rate_by: null });
    const plan = result.plans[0]?.plan;
    assert.ok(plan && parsePlan(plan).ok);
    assert.equal(plan.tiers?.rate_by, undefined);
    assert.ok(plan.tiers?.brackets.every((bracket) => typeof bracket.rate === 'number'));
  });

  it('says why when the constraints cannot be met, and points at bad options', () => {
    const result = optimizeClosingsPlan(history, { ...options, rate_bounds: { min: 0.01, max: 0.02 }, max_loss_pct: 0 });
    assert.deepEqual(result.plans, []);
    assert.match(result.reason ?? '', /keeps every acq payee within 0%/);
    assert.deepEqual(
      validateClosingsOptimizeOptions({ ...options, flat_fee_ratios: ['3/2', 'x'], role: 'manager' as 'acq' }).map((issue) => issue.pointer),
      ['/role', '/flat_fee_ratios/0', '/flat_fee_ratios/1'],
    );
  });
});
