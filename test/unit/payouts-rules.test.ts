/**
 * The payout rules one at a time: which plans pay whom, period bases rounded once, floors for a
 * payee who joins mid-quarter, draws in cents, overrides for managers only, refusals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/app-error.js';
import type { Closing } from '../../src/domain/closings/closing.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { calculatePayouts, type Payout, type PaidBefore } from '../../src/domain/payouts/calculate-payouts.js';
import { inForce } from './payouts-support.js';

const acqRate = (rate: number | string, extra: Partial<PlanDefinition> = {}): PlanDefinition => ({
  name: 'Acq',
  applies_to: ['acq'],
  basis: 'month',
  components: [{ type: 'rate', measure: 'gp', rate }],
  ...extra,
});

function closing(gp: number, acq: string | null, dispo: string | null, managers: { acq?: string; dispo?: string } = {}): Closing {
  return {
    gp,
    sides: [
      { role: 'acq', agent: acq, manager: managers.acq ?? null },
      { role: 'dispo', agent: dispo, manager: managers.dispo ?? null },
    ],
  };
}

const totals = (payout: Payout) => Object.fromEntries(payout.statements.map((statement) => [statement.payee, statement.total]));

describe('which plans pay a person', () => {
  const closings = [closing(10000, 'A', 'A'), closing(20000, 'B', 'C')];

  it('adds up plans for different roles', () => {
    const dispo: PlanDefinition = { ...acqRate(0.02), name: 'Dispo', applies_to: ['dispo'] };
    const payout = calculatePayouts({ month: '2025-09', closings, plans: inForce([acqRate(0.05), dispo]) });
    // A is on both sides of a 10,000 deal: 5% acq = 500 + 2% dispo = 200.
    assert.deepEqual(totals(payout), { A: 700, B: 1000, C: 400 });
    assert.deepEqual(payout.statements[0]?.roles, ['acq', 'dispo']);
  });

  it('lets a plan naming the payee replace the role plan for them only', () => {
    const payout = calculatePayouts({ month: '2025-09', closings, plans: inForce([acqRate(0.05), acqRate(0.1, { name: 'B only', agents: ['B'] })]) });
    // B: 10% of 20,000 = 2,000, not 1,000 + 2,000; A keeps the role plan; C (dispo) has no plan.
    assert.deepEqual(totals(payout), { A: 500, B: 2000 });
    assert.deepEqual(payout.uncovered, ['C']);
  });

  it('adds up two plans that both name the payee, and a named plan for another role keeps the role plan', () => {
    const bonus = acqRate(0.01, { name: 'B bonus', agents: ['B'] });
    const namedDispo: PlanDefinition = { ...acqRate(0.03, { name: 'A dispo', agents: ['A'] }), applies_to: ['dispo'] };
    const payout = calculatePayouts({ month: '2025-09', closings, plans: inForce([acqRate(0.05), acqRate(0.1, { name: 'B only', agents: ['B'] }), bonus, namedDispo]) });
    // B: both named plans, 10% + 1% of 20,000 = 2,200 (the role plan is replaced). A: the acq role
    // plan 5% of 10,000 = 500 plus the dispo plan naming A, 3% of 10,000 = 300 (it shares no role
    // with the acq plan, so it replaces nothing).
    assert.deepEqual(totals(payout), { A: 800, B: 2200 });
    assert.deepEqual(payout.statements.find((statement) => statement.payee === 'B')?.lines.map((line) => line.plan), ['B only', 'B bonus']);
  });

  it('refuses two role plans that both pay the same person for the same role', () => {
    assert.throws(
      () => calculatePayouts({ month: '2025-09', closings, plans: inForce([acqRate(0.05), acqRate(0.06, { name: 'Acq bis' })]) }),
      (error: unknown) => error instanceof AppError && error.kind === 'conflict' && error.code === 'plans-overlap' && /both pay A as acq/.test(error.message),
    );
    // Excluding the person from one of them settles it.
    const payout = calculatePayouts({ month: '2025-09', closings: [closings[0] as Closing], plans: inForce([acqRate(0.05), acqRate(0.06, { name: 'Acq bis', exclude: ['A'] })]) });
    assert.deepEqual(totals(payout), { A: 500 });
  });

  it('pays an override to managers only when the plan also applies to agents', () => {
    const plan: PlanDefinition = {
      name: 'Reps and leads',
      applies_to: ['acq', 'manager'],
      basis: 'month',
      components: [{ type: 'rate', measure: 'gp', rate: 0.05 }, { type: 'override', of: 'team_gp', rate: 0.01 }],
    };
    const payout = calculatePayouts({ month: '2025-09', closings: [closing(20000, 'A', null, { acq: 'M' }), closing(5000, 'M', null)], plans: inForce([plan]) });
    // A: 5% of 20,000 = 1,000 and no override. M: own 5,000 × 5% = 250 + 1% of A's 20,000 = 200.
    assert.deepEqual(totals(payout), { A: 1000, M: 450 });
    assert.ok(!payout.statements[0]?.lines.some((line) => line.component === 'override'));
  });

  it('refuses components closings cannot pay, naming the plan', () => {
    const split: PlanDefinition = { ...acqRate(0.05), components: [{ type: 'rate', measure: 'gp', rate: 0.05 }, { type: 'split', shares: { acq: 0.5, dispo: 0.5 } }] };
    assert.throws(() => calculatePayouts({ month: '2025-09', closings, plans: inForce([split]) }), (error: unknown) => error instanceof AppError && error.code === 'plan-not-payable');
  });
});

describe('period bases', () => {
  const quarter = acqRate(0.05, { basis: 'quarter' });
  const months = ['2025-07', '2025-08', '2025-09'];

  /** Runs the months in order, carrying what each paid into the next, as the payout store does. */
  function run(plan: PlanDefinition, closingsOf: (month: string) => Closing[]): Payout[] {
    const out: Payout[] = [];
    const paidCents = new Map<string, { plan_id: string; payee: string; cents: number }>();
    for (const [index, month] of months.entries()) {
      const paidBefore: PaidBefore[] = [...paidCents.values()].map((entry) => ({ plan_id: entry.plan_id, payee: entry.payee, amount: entry.cents / 100 }));
      const payout = calculatePayouts({
        month,
        closings: closingsOf(month),
        plans: inForce([plan]),
        earlier: months.slice(0, index).map((earlier) => ({ month: earlier, closings: closingsOf(earlier) })),
        paid_before: paidBefore,
      });
      for (const entry of payout.paid) {
        const key = `${entry.plan_id}\u0000${entry.payee}`;
        const cents = (paidCents.get(key)?.cents ?? 0) + Math.round(entry.amount * 100);
        paidCents.set(key, { plan_id: entry.plan_id, payee: entry.payee, cents });
      }
      out.push(payout);
    }
    return out;
  }

  it('rounds a quarter once: 5% of 10,000.10 for three months pays 1,500.02', () => {
    const payouts = run(quarter, () => [closing(10000.1, 'A', null)]);
    // QTD 500.005 → 500.01; 1,000.01 − 500.01 = 500.00; 1,500.015 → 1,500.02 − 1,000.01 = 500.01.
    assert.deepEqual(payouts.map((payout) => payout.total), [500.01, 500, 500.01]);
    const august = payouts[1]?.statements[0]?.lines.map((line) => [line.component, line.amount]);
    assert.deepEqual(august, [['rate', '1000.01'], ['paid_before', '-500.01']]);
  });

  it('pays the floor to a payee who joins mid-quarter', () => {
    const floor = acqRate(0.05, { basis: 'quarter', components: [{ type: 'rate', measure: 'gp', rate: 0.05 }, { type: 'limit', scope: 'period', min: 2000 }] });
    const payouts = run(floor, (month) => (month === '2025-07' ? [closing(10000, 'A', null)] : [closing(10000, 'A', null), closing(10000, 'B', null)]));
    // B joins in August: 500 earned, raised to 2,000, nothing paid before. A: 2,000 in July, then
    // QTD 1,000 and 1,500 earned, still under the floor already paid: 0.
    assert.deepEqual(payouts.map(totals), [{ A: 2000 }, { A: 0, B: 2000 }, { A: 0, B: 0 }]);
    // B's August statement claims no earlier payment: no paid_before line, the floor raises 500 by 1,500.
    const bInAugust = payouts[1]?.statements.find((statement) => statement.payee === 'B');
    assert.deepEqual(bInAugust?.lines.map((line) => [line.component, line.amount]), [['rate', '500'], ['limit', '1500']]);
    assert.ok(!bInAugust?.lines.some((line) => /earlier/i.test(`${line.label} ${line.base}`)), 'nothing was paid to B before August');
    // September: QTD 1,000 earned, floor 2,000 (raise 1,000), less the 2,000 August really paid.
    const bInSeptember = payouts[2]?.statements.find((statement) => statement.payee === 'B');
    assert.deepEqual(bInSeptember?.lines.map((line) => [line.component, line.amount]), [['rate', '1000'], ['limit', '1000'], ['paid_before', '-2000']]);
  });

  it('keeps draw balances in cents', () => {
    const draw = acqRate(0.125, { components: [{ type: 'rate', measure: 'gp', rate: 0.125 }, { type: 'draw', amount: 1000 }] });
    // 12.5% of 1,234.59 = 154.32375: paid the 1,000 draw, 845.68 advanced (not 845.67625).
    const august = calculatePayouts({ month: '2025-08', closings: [closing(1234.59, 'A', null)], plans: inForce([draw]) });
    assert.equal(august.total, 1000);
    assert.deepEqual(august.draw_balances, [{ payee: 'A', plan_id: 'plan-1', balance: 845.68 }]);
    const september = calculatePayouts({ month: '2025-09', closings: [closing(30000, 'A', null)], plans: inForce([draw]), draw_balances: august.draw_balances });
    // 3,750 earned less the 845.68 advanced.
    assert.equal(september.total, 2904.32);
    assert.deepEqual(september.draw_balances, [{ payee: 'A', plan_id: 'plan-1', balance: 0 }]);
  });
});

describe('bases and explanations', () => {
  it('pays the contract example graduated, each slice explained', () => {
    const plan: PlanDefinition = { name: 'Declining acq', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'graduated', brackets: [{ up_to: 50000, rate: 0.1 }, { up_to: null, rate: 0.08 }] } };
    const payout = calculatePayouts({ month: '2025-09', closings: [closing(70000, 'A', null)], plans: inForce([plan]) });
    // 50,000 × 10% + 20,000 × 8% = 6,600 (CONTRACT.md).
    assert.equal(payout.total, 6600);
    assert.deepEqual(payout.statements[0]?.lines.map((line) => [line.bracket, line.base, line.rate, line.amount]), [
      ['1 of 2 (up to 50,000.00)', '50,000.00 of GP 70,000.00', '0.1', '5000'],
      ['2 of 2 (above 50,000.00)', '20,000.00 of GP 70,000.00', '0.08', '1600'],
    ]);
  });

  it('pays basis deal per deal, with a per-deal floor', () => {
    const plan: PlanDefinition = {
      name: 'Per deal',
      applies_to: ['acq'],
      basis: 'deal',
      tiers: { measure: 'gp', mode: 'retroactive', brackets: [{ from: 0, rate: 0.05 }, { from: 10000, rate: 0.1 }] },
      components: [{ type: 'limit', scope: 'deal', min: 500 }],
    };
    const payout = calculatePayouts({ month: '2025-09', closings: [closing(8000, 'A', null), closing(12000, 'A', null)], plans: inForce([plan]) });
    // 8,000 × 5% = 400 raised to 500; 12,000 × 10% = 1,200. On the month's 20,000 it would be 2,000.
    assert.equal(payout.total, 1700);
    assert.deepEqual(payout.statements[0]?.lines.map((line) => [line.component, line.amount]), [['tiers', '400'], ['limit', '100'], ['tiers', '1200']]);
  });

  it('gives a named payee a statement in a month they closed nothing', () => {
    const plan = acqRate(0.05, { agents: ['Quiet'] });
    const payout = calculatePayouts({ month: '2025-09', closings: [closing(1000, 'A', null)], plans: inForce([plan]) });
    assert.deepEqual(payout.statements.map((statement) => [statement.payee, statement.roles, statement.total, statement.lines.length]), [['Quiet', ['acq'], 0, 0]]);
    assert.deepEqual(payout.uncovered, ['A']);
  });
});

describe('exact arithmetic', () => {
  it('pays rates typed to 12 decimals exactly, rounded once', () => {
    const leader: PlanDefinition = { name: 'Leader', applies_to: ['acq'], agents: ['L'], basis: 'month', components: [{ type: 'rate', measure: 'company_gp', rate: '0.00833333333' }, { type: 'rate', measure: 'gp', rate: '0.123456789012' }] };
    const payout = calculatePayouts({ month: '2025-09', closings: [closing(148836.07, 'A', null), closing(10000.1, 'L', null)], plans: inForce([leader]) });
    // Company GP 158,836.17 × 0.00833333333 = 1,323.6347494705461 (bc); L's GP 10,000.10 ×
    // 0.123456789012 = 1,234.5802357989012. Sum 2,558.2149852694473 → 2,558.21.
    const lines = payout.statements[0]?.lines.map((line) => line.amount);
    assert.deepEqual(lines, ['1323.6347494705461', '1234.5802357989012']);
    assert.equal(payout.total, 2558.21);
  });

  it('evaluates a formula with decimals, never floating point', () => {
    const plan: PlanDefinition = { name: 'Formula', applies_to: ['acq'], basis: 'month', components: [{ type: 'formula', expression: 'gp * 0.07' }] };
    const payout = calculatePayouts({ month: '2025-09', closings: [closing(1833.5, 'A', null)], plans: inForce([plan]) });
    // 1,833.50 × 0.07 = 128.345 exactly → 128.35 half-up. In floating point the product is
    // 128.34499999999999… and rounds to 128.34.
    assert.equal(payout.statements[0]?.lines[0]?.amount, '128.345');
    assert.equal(payout.total, 128.35);
  });
});
