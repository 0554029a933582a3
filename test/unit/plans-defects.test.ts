/**
 * Mismatches an independent calculator found in the payee-level engine (issue 15), each with the
 * figure it must give; every one of these failed before its fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateRange, calculateStatements } from '../../src/domain/plans/calculate.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';
import { MICRO } from '../../src/domain/plans/units.js';
import { agent, manager, month, only } from './plans-support.js';

describe('payee-level engine defects', () => {
  it('pays an override to managers only, even when the plan also applies to agents', () => {
    const plan: PlanDefinition = {
      name: 'Reps and leads',
      applies_to: ['acq', 'manager'],
      basis: 'month',
      components: [{ type: 'rate', measure: 'gp', rate: 0.05 }, { type: 'override', of: 'team_gp', rate: 0.01 }],
    };
    const history = [month('2025-09', [agent('A', 'acq', 20000, { manager: 'M' }), agent('B', 'acq', 10000, { manager: 'M' })], [manager('M', ['A', 'B'])])];
    const statements = calculateStatements(plan, history, '2025-09');
    // A: 5% of 20,000 = 1,000.00 and no override (it used to add 1% of the team's 30,000 = 300).
    assert.equal(only(statements, 'A').total, 100_000);
    assert.ok(!only(statements, 'A').lines.some((line) => line.component === 'override'));
    // M: the manager's GP measure is the team's 30,000: 5% = 1,500 + 1% override = 300.
    assert.equal(only(statements, 'M').total, 180_000);
  });

  it('pays the period floor to a payee who joins mid-quarter, with nothing deducted', () => {
    const plan: PlanDefinition = {
      name: 'Floor',
      applies_to: ['acq'],
      basis: 'quarter',
      components: [{ type: 'rate', measure: 'gp', rate: 0.05 }, { type: 'limit', scope: 'period', min: 2000 }],
    };
    const history = [
      month('2025-07', [agent('A', 'acq', 10000)]),
      month('2025-08', [agent('A', 'acq', 10000), agent('B', 'acq', 10000)]),
    ];
    const range = calculateRange(plan, history, '2025-07', '2025-08');
    // B's first month in Q3: 5% of 10,000 = 500, raised to the 2,000 floor; nothing was paid before.
    const b = only(range.get('2025-08') ?? [], 'B');
    assert.equal(b.total, 200_000);
    assert.ok(!b.lines.some((line) => /paid on it earlier/.test(line.description)), b.lines.map((line) => line.description).join('; '));
    // A: 2,000 in July (floor), QTD 1,000 earned still under the floor: 0 more in August.
    assert.equal(only(range.get('2025-07') ?? [], 'A').total, 200_000);
    assert.equal(only(range.get('2025-08') ?? [], 'A').total, 0);
  });

  it('rounds a quarter once: 5% of 10,000.10 for three months pays 1,500.02', () => {
    const plan: PlanDefinition = { name: 'Quarter', applies_to: ['acq'], basis: 'quarter', components: [{ type: 'rate', measure: 'gp', rate: 0.05 }] };
    const history = ['2025-07', '2025-08', '2025-09'].map((name) => month(name, [agent('A', 'acq', 10000.1)]));
    const totals = [...calculateRange(plan, history, '2025-07', '2025-09').values()].map((statements) => only(statements, 'A').total);
    // QTD 500.005 → 500.01; 1,000.01 − 500.01 = 500.00; 1,500.015 → 1,500.02 − 1,000.01 = 500.01.
    assert.deepEqual(totals, [50_001, 50_000, 50_001]);
    assert.equal(totals.reduce((sum, total) => sum + total, 0), 150_002);
  });

  it('keeps a draw balance in cents: what is recovered is what was advanced', () => {
    const plan: PlanDefinition = {
      name: 'Draw',
      applies_to: ['acq'],
      basis: 'month',
      components: [{ type: 'rate', measure: 'gp', rate: 0.125 }, { type: 'draw', amount: 1000 }],
    };
    // August earns 12.5% of 1,234.59 = 154.32375 and is paid the 1,000 draw: 845.68 advanced.
    // September earns 3,750 and repays 845.68, not 845.67625.
    const history = [month('2025-08', [agent('A', 'acq', 1234.59)]), month('2025-09', [agent('A', 'acq', 30000)])];
    const range = calculateRange(plan, history, '2025-08', '2025-09');
    const september = only(range.get('2025-09') ?? [], 'A');
    const recovered = september.lines.find((line) => line.component === 'draw');
    assert.equal(recovered?.exact, -84_568n * MICRO);
    assert.equal(september.total, 375_000 - 84_568);
    assert.equal(september.draw_balance, 0);
  });
});
