import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { History } from '../../src/domain/history.js';
import { calculateRange, calculateStatements } from '../../src/domain/plans/calculate.js';
import type { Component, PlanDefinition, PlanVersion } from '../../src/domain/plans/definition.js';
import { statementToJson, type Statement } from '../../src/domain/plans/statement.js';
import { MICRO } from '../../src/domain/plans/units.js';
import { agent, CONTRACT_PLAN, deal, manager, month, only, syntheticHistory } from './plans-support.js';

/** A month-basis plan for acq and dispo agents made of the given components. */
function plan(components: Component[], extra: Partial<PlanDefinition> = {}): PlanDefinition {
  return { name: 'Test plan', applies_to: ['acq', 'dispo'], basis: 'month', components, ...extra };
}

function totalOf(statements: readonly Statement[], payee: string): number {
  return only(statements, payee).total;
}

function assertBalanced(statement: Statement): void {
  const cents = statement.lines.reduce((sum, line) => sum + line.amount, 0);
  const exact = statement.lines.reduce((sum, line) => sum + line.exact, 0n);
  assert.equal(cents, statement.total, `${statement.payee} ${statement.period}: cent lines`);
  assert.equal(exact, BigInt(statement.total) * MICRO, `${statement.payee} ${statement.period}: exact lines`);
}

const SEPT = '2025-09';

describe('flat rates', () => {
  it('pays a rate on GP, rounding once with a line for the sub-cent residue', () => {
    // 12,345.67 × 12.5% = 1,543.20875 → 1,543.21
    const history = [month(SEPT, [agent('A', 'acq', 12345.67)])];
    const statement = only(calculateStatements(plan([{ type: 'rate', measure: 'gp', rate: 0.125 }]), history, SEPT), 'A');
    assert.equal(statement.total, 154_321);
    assert.equal(statement.lines[0]?.exact, 154_320_875_000n);
    assert.equal(statement.lines[0]?.rate, 0.125);
    assert.equal(statement.lines[0]?.base, 1_234_567);
    const rounding = statement.lines.find((line) => line.component === 'rounding');
    assert.equal(rounding?.exact, 125_000n);
    assert.equal(rounding?.amount, 0);
    assertBalanced(statement);
  });

  it('has no rounding line when the amount is whole cents', () => {
    const history = [month(SEPT, [agent('A', 'acq', 10000)])];
    const statement = only(calculateStatements(plan([{ type: 'rate', measure: 'gp', rate: 0.1 }]), history, SEPT), 'A');
    assert.equal(statement.total, 100_000);
    assert.deepEqual(statement.lines.map((line) => line.component), ['rate']);
  });

  it('pays a rate on deals as an amount per deal', () => {
    const history = [month(SEPT, [agent('A', 'acq', 50000, { deals: 7 })])];
    assert.equal(totalOf(calculateStatements(plan([{ type: 'rate', measure: 'deals', rate: 150 }]), history, SEPT), 'A'), 105_000);
  });

  it('pays a per-deal amount', () => {
    const history = [month(SEPT, [agent('A', 'acq', 50000, { deals: 3 }), agent('B', 'dispo', 0)])];
    const statements = calculateStatements(plan([{ type: 'per_deal', amount: 200 }]), history, SEPT);
    assert.equal(totalOf(statements, 'A'), 60_000);
    assert.equal(totalOf(statements, 'B'), 0);
    assert.deepEqual(only(statements, 'B').lines, []);
  });

  it('pays a rate on team GP to every member of the team', () => {
    const history = [
      month(SEPT, [agent('A', 'acq', 30000, { manager: 'M' }), agent('B', 'dispo', 20000, { manager: 'M' }), agent('C', 'acq', 10000)], [manager('M', ['A', 'B'])]),
    ];
    const statements = calculateStatements(plan([{ type: 'rate', measure: 'team_gp', rate: 0.01 }]), history, SEPT);
    assert.equal(totalOf(statements, 'A'), 50_000);
    assert.equal(totalOf(statements, 'B'), 50_000);
    // No manager: the agent is a team of one.
    assert.equal(totalOf(statements, 'C'), 10_000);
  });
});

describe('brackets in statements', () => {
  const history = [month(SEPT, [agent('A', 'acq', 70000), agent('B', 'acq', 50000), agent('C', 'acq', 50000.01)])];

  it('explains graduated pay slice by slice', () => {
    const statements = calculateStatements(CONTRACT_PLAN, history, SEPT);
    const a = only(statements, 'A');
    assert.deepEqual(
      a.lines.map((line) => [line.bracket, line.rate, line.base, line.amount]),
      [[1, 0.1, 5_000_000, 500_000], [2, 0.08, 2_000_000, 160_000]],
    );
    assert.equal(a.lines[1]?.description, 'Bracket 2 (above 50000.00): 8% on 20000.00 of GP');
    assert.equal(totalOf(statements, 'B'), 500_000);
    assert.equal(totalOf(statements, 'C'), 500_000);
  });

  it('explains retroactive pay as the bracket reached', () => {
    const retroactive = { ...CONTRACT_PLAN, tiers: { ...CONTRACT_PLAN.tiers!, mode: 'retroactive' as const } };
    const statements = calculateStatements(retroactive, history, SEPT);
    const a = only(statements, 'A');
    assert.deepEqual(a.lines.map((line) => [line.bracket, line.base, line.amount]), [[2, 7_000_000, 560_000]]);
    assert.equal(totalOf(statements, 'B'), 500_000);
    assert.equal(totalOf(statements, 'C'), 400_000);
  });

  it('applies brackets on deal counts with amounts per deal', () => {
    // 5 deals × 100 + 3 deals × 150 = 950
    const deals = [month(SEPT, [agent('A', 'acq', 80000, { deals: 8 })])];
    const statements = calculateStatements(
      plan([{ type: 'tiers', measure: 'deals', mode: 'graduated', brackets: [{ up_to: 5, rate: 100 }, { up_to: null, rate: 150 }] }]),
      deals,
      SEPT,
    );
    assert.equal(totalOf(statements, 'A'), 95_000);
    assert.equal(only(statements, 'A').lines[1]?.unit_amount, 15_000);
  });
});

describe('basis deal, per-deal floors and caps', () => {
  const history = [
    month(SEPT, [agent('A', 'acq', 22000, { deals: 2 })], [], [deal('D1', 'A', 'acq', 14000, '2025-09-03'), deal('D2', 'A', 'acq', 8000, '2025-09-20')]),
  ];
  const tiers = { measure: 'gp' as const, mode: 'graduated' as const, brackets: [{ up_to: 10000, rate: 0.1 }, { up_to: null, rate: 0.05 }] };

  it('applies GP brackets to each deal on its own', () => {
    // D1: 1,000 + 4,000 × 5% = 1,200; D2: 800. (Month basis would pay 1,000 + 600 = 1,600.)
    const byDeal = calculateStatements({ ...plan([]), basis: 'deal', tiers }, history, SEPT);
    assert.equal(totalOf(byDeal, 'A'), 200_000);
    assert.ok(only(byDeal, 'A').lines.every((line) => line.description.startsWith('Deal D')));
    assert.equal(totalOf(calculateStatements({ ...plan([]), basis: 'month', tiers }, history, SEPT), 'A'), 160_000);
  });

  it('caps and floors each deal', () => {
    const capped = calculateStatements({ ...plan([{ type: 'limit', scope: 'deal', max: 1000 }]), basis: 'deal', tiers }, history, SEPT);
    assert.equal(totalOf(capped, 'A'), 180_000); // 1,000 + 800
    const both = calculateStatements({ ...plan([{ type: 'limit', scope: 'deal', min: 900, max: 1000 }]), basis: 'deal', tiers }, history, SEPT);
    assert.equal(totalOf(both, 'A'), 190_000); // 1,000 + 900
    const limits = only(both, 'A').lines.filter((line) => line.component === 'limit');
    assert.deepEqual(limits.map((line) => line.amount), [-20_000, 10_000]);
  });

  it('counts per-deal amounts per deal and applies the deal cap to them too', () => {
    const perDeal = calculateStatements(
      { ...plan([{ type: 'per_deal', amount: 300 }, { type: 'limit', scope: 'deal', max: 1400 }]), basis: 'deal', tiers },
      history,
      SEPT,
    );
    // D1: 1,200 + 300 = 1,500 → 1,400; D2: 800 + 300 = 1,100
    assert.equal(totalOf(perDeal, 'A'), 250_000);
  });

  it('pays the month as one deal, with a warning, when deal data is missing', () => {
    const noDeals = [month(SEPT, [agent('A', 'acq', 22000, { deals: 2 })])];
    const statement = only(calculateStatements({ ...plan([]), basis: 'deal', tiers }, noDeals, SEPT), 'A');
    assert.equal(statement.total, 160_000);
    assert.match(statement.warnings[0] ?? '', /no deal-level data/);
  });
});

describe('period floors and caps', () => {
  const history = [month(SEPT, [agent('A', 'acq', 70000), agent('B', 'acq', 5000), agent('C', 'acq', 30000)])];
  it('caps and floors the period', () => {
    const statements = calculateStatements(
      plan([{ type: 'rate', measure: 'gp', rate: 0.1 }, { type: 'limit', scope: 'period', min: 1000, max: 5000 }]),
      history,
      SEPT,
    );
    assert.equal(totalOf(statements, 'A'), 500_000);
    assert.equal(only(statements, 'A').lines[1]?.amount, -200_000);
    assert.equal(totalOf(statements, 'B'), 100_000);
    assert.equal(only(statements, 'B').lines[1]?.amount, 50_000);
    assert.equal(totalOf(statements, 'C'), 300_000);
    assert.equal(only(statements, 'C').lines.length, 1);
  });
});

describe('splits', () => {
  it("credits each side its share of a deal's GP, co-agents sharing a side", () => {
    const history = [
      month(
        SEPT,
        [agent('A', 'acq', 24000.01, { deals: 3 }), agent('B', 'dispo', 10000, { deals: 1 }), agent('C', 'acq', 9000.01, { deals: 1 })],
        [],
        [
          deal('D1', 'A', 'acq', 10000, '2025-09-01'),
          deal('D1', 'B', 'dispo', 10000, '2025-09-01'),
          deal('D2', 'A', 'acq', 5000, '2025-09-02'),
          deal('D3', 'A', 'acq', 9000.01, '2025-09-03'),
          deal('D3', 'C', 'acq', 9000.01, '2025-09-03'),
        ],
      ),
    ];
    const statements = calculateStatements(
      plan([{ type: 'split', shares: { acq: 0.6, dispo: 0.4 } }, { type: 'rate', measure: 'gp', rate: 0.1 }]),
      history,
      SEPT,
    );
    // A: D1 6,000 + D2 3,000 + D3 (9,000.01 × 0.6 / 2 = 2,700.003 → 2,700.00) = 11,700.00 → 1,170.00
    assert.equal(only(statements, 'A').lines[0]?.base, 1_170_000);
    assert.equal(totalOf(statements, 'A'), 117_000);
    // B: D1 × 0.4 = 4,000 → 400
    assert.equal(totalOf(statements, 'B'), 40_000);
    // C: 2,700.00 → 270
    assert.equal(totalOf(statements, 'C'), 27_000);
  });
});

describe('manager overrides', () => {
  const history = [
    month(
      SEPT,
      [
        agent('A', 'acq', 30000, { manager: 'M', commission: 3000 }),
        agent('B', 'dispo', 20000, { manager: 'M', commission: 2000 }),
        agent('C', 'acq', 40000, { commission: 4000 }),
      ],
      [manager('M', ['A', 'B']), manager('N', ['C'], { gp: 60000 })],
    ),
  ];

  it("pays a rate on the team's GP", () => {
    const statements = calculateStatements(
      { name: 'Override', applies_to: ['manager'], basis: 'month', components: [{ type: 'override', of: 'team_gp', rate: 0.015 }] },
      history,
      SEPT,
    );
    assert.deepEqual(statements.map((statement) => statement.payee), ['M', 'N']);
    assert.equal(totalOf(statements, 'M'), 75_000); // 50,000 × 1.5%
    // The import's own team GP for N wins over the members' sum.
    assert.equal(totalOf(statements, 'N'), 90_000);
  });

  it("pays a rate on the team's commission", () => {
    const statements = calculateStatements(
      { name: 'Override', applies_to: ['manager'], basis: 'month', components: [{ type: 'override', of: 'team_commission', rate: 0.1 }] },
      history,
      SEPT,
    );
    assert.equal(totalOf(statements, 'M'), 50_000);
    assert.equal(totalOf(statements, 'N'), 40_000);
  });
});

describe('bonuses on thresholds', () => {
  it('pays 10+ deals in a month, not 9', () => {
    const history = [month(SEPT, [agent('Nine', 'acq', 1000, { deals: 9 }), agent('Ten', 'acq', 1000, { deals: 10 }), agent('Eleven', 'acq', 1000, { deals: 11 })])];
    const statements = calculateStatements(plan([{ type: 'bonus', measure: 'deals', at_least: 10, amount: 1000 }]), history, SEPT);
    assert.equal(totalOf(statements, 'Nine'), 0);
    assert.equal(totalOf(statements, 'Ten'), 100_000);
    assert.equal(totalOf(statements, 'Eleven'), 100_000);
  });

  it('pays a GP threshold exactly at the amount, not a cent below', () => {
    const history = [month(SEPT, [agent('At', 'acq', 50000), agent('Below', 'acq', 49999.99)])];
    const statements = calculateStatements(plan([{ type: 'bonus', measure: 'gp', at_least: 50000, amount: 500 }]), history, SEPT);
    assert.equal(totalOf(statements, 'At'), 50_000);
    assert.equal(totalOf(statements, 'Below'), 0);
  });

  it('pays a quarterly threshold once, in the month it is reached', () => {
    const history = [
      month('2025-07', [agent('A', 'acq', 1000, { deals: 4 })]),
      month('2025-08', [agent('A', 'acq', 1000, { deals: 4 })]),
      month('2025-09', [agent('A', 'acq', 1000, { deals: 4 })]),
    ];
    const range = calculateRange(
      plan([{ type: 'bonus', measure: 'deals', at_least: 10, amount: 1000 }], { basis: 'quarter' }),
      history,
      '2025-07',
      '2025-09',
    );
    assert.deepEqual([...range.values()].map((statements) => statements[0]?.total), [0, 0, 100_000]);
  });
});

describe('clawbacks', () => {
  // August: A closes D1 (10,000) and D2 (50,000); September: D2 is terminated, A closes D3 (20,000).
  const history: History = [
    month('2025-08', [agent('A', 'acq', 60000, { deals: 2 })], [], [deal('D1', 'A', 'acq', 10000, '2025-08-05'), deal('D2', 'A', 'acq', 50000, '2025-08-09')]),
    month(SEPT, [agent('A', 'acq', 20000, { deals: 1, terminations: 1 })], [], [deal('D2', 'A', 'acq', 50000, '2025-09-02', 'terminated'), deal('D3', 'A', 'acq', 20000, '2025-09-12'), deal('D9', 'A', 'acq', 7000, '2025-09-13', 'terminated')]),
  ];
  const withClawback = (method?: 'recompute' | 'rate'): PlanDefinition => ({
    ...CONTRACT_PLAN,
    components: [method === 'rate' ? { type: 'clawback', method: 'rate', rate: 0.08 } : { type: 'clawback' }],
  });

  it('reverses what the deal earned in its closing month, in the month of termination', () => {
    // August paid f(60,000) = 5,800; without D2 it would have paid f(10,000) = 1,000: 4,800 reversed.
    const statement = only(calculateStatements(withClawback(), history, SEPT), 'A');
    assert.equal(statement.total, 200_000 - 480_000);
    const line = statement.lines.find((candidate) => candidate.component === 'clawback');
    assert.equal(line?.amount, -480_000);
    assert.equal(line?.base, -5_000_000);
    assert.match(line?.description ?? '', /Deal D2 \(closed 2025-08/);
    // D9 never closed: nothing was paid, nothing is reversed.
    assert.equal(statement.lines.filter((candidate) => candidate.component === 'clawback').length, 1);
    assertBalanced(statement);
  });

  it('can reverse at a fixed rate of the deal GP instead', () => {
    assert.equal(totalOf(calculateStatements(withClawback('rate'), history, SEPT), 'A'), 200_000 - 400_000);
  });

  it('reverses nothing without a clawback component, or when the closing month had no plan', () => {
    assert.equal(totalOf(calculateStatements(CONTRACT_PLAN, history, SEPT), 'A'), 200_000);
    const versions: PlanVersion[] = [{ effective_from: SEPT, definition: withClawback() }];
    assert.equal(totalOf(calculateStatements(versions, history, SEPT), 'A'), 200_000);
  });

  it('reverses a deal once, and never one that closed and fell through in the same month', () => {
    const later: History = [
      ...history,
      month('2025-10', [agent('A', 'acq', 0)], [], [deal('D2', 'A', 'acq', 50000, '2025-10-01', 'terminated'), deal('D4', 'A', 'acq', 3000, '2025-10-02'), deal('D4', 'A', 'acq', 3000, '2025-10-30', 'terminated')]),
    ];
    const october = only(calculateStatements(withClawback(), later, '2025-10'), 'A');
    assert.equal(october.total, 0);
    assert.deepEqual(october.lines, []);
  });

  it('reverses under the plan in force when the deal closed', () => {
    const versions: PlanVersion[] = [
      { effective_from: '2025-08', definition: { ...plan([{ type: 'rate', measure: 'gp', rate: 0.2 }]), name: 'Old' } },
      { effective_from: SEPT, definition: withClawback() },
    ];
    // 50,000 × 20% = 10,000 reversed; September itself paid under the contract plan: 2,000.
    assert.equal(totalOf(calculateStatements(versions, history, SEPT), 'A'), 200_000 - 1_000_000);
  });
});

describe('draws', () => {
  // Earnings at 10%: 1,000, 4,000, 6,000, 2,000 against a 3,000 draw.
  const history = [10000, 40000, 60000, 20000].map((gp, i) => month(`2025-0${i + 1}`, [agent('A', 'acq', gp)]));
  const draw = plan([{ type: 'rate', measure: 'gp', rate: 0.1 }, { type: 'draw', amount: 3000 }]);

  it('advances the draw, then recovers it from earnings above the draw', () => {
    const range = calculateRange(draw, history, '2025-01', '2025-04');
    const statements = [...range.values()].map((monthStatements) => monthStatements[0]);
    assert.deepEqual(statements.map((statement) => statement?.total), [300_000, 300_000, 500_000, 300_000]);
    assert.deepEqual(statements.map((statement) => statement?.draw_balance), [200_000, 100_000, 0, 100_000]);
    for (const statement of statements) if (statement) assertBalanced(statement);
    assert.match(statements[2]?.lines[1]?.description ?? '', /recovered/);
  });

  it('carries the balance into a month calculated on its own', () => {
    assert.equal(only(calculateStatements(draw, history, '2025-03'), 'A').total, 500_000);
  });
});

describe('custom formulas', () => {
  it('pays the value of the formula', () => {
    const history = [month(SEPT, [agent('A', 'acq', 30000, { deals: 10 }), agent('B', 'acq', 50000, { deals: 9 })])];
    const statements = calculateStatements(plan([{ type: 'formula', expression: 'min(gp * 0.12, 5000) + (deals >= 10 ? 500 : 0)' }]), history, SEPT);
    assert.equal(totalOf(statements, 'A'), 410_000);
    assert.equal(totalOf(statements, 'B'), 500_000);
  });

  it('sees year-to-date GP', () => {
    const history = [month('2025-01', [agent('A', 'acq', 60000)]), month('2025-02', [agent('A', 'acq', 60000)])];
    const formula = plan([{ type: 'formula', expression: 'ytd_gp > 100000 ? gp * 0.02 : 0' }]);
    assert.equal(totalOf(calculateStatements(formula, history, '2025-01'), 'A'), 0);
    assert.equal(totalOf(calculateStatements(formula, history, '2025-02'), 'A'), 120_000);
  });

  it('pays 0 with a warning when the formula fails for these inputs', () => {
    const history = [month(SEPT, [agent('A', 'acq', 30000, { deals: 0 })])];
    const statement = only(calculateStatements(plan([{ type: 'formula', expression: 'gp / deals' }]), history, SEPT), 'A');
    assert.equal(statement.total, 0);
    assert.match(statement.warnings[0] ?? '', /Division by zero/);
  });
});

describe('quarter and year bases', () => {
  const quarter = ['2025-01', '2025-02', '2025-03', '2025-04'].map((name, i) => month(name, [agent('A', 'acq', [30000, 30000, 10000, 30000][i] ?? 0)]));

  it('pays the increment of graduated pay on quarter-to-date GP', () => {
    // QTD 30,000 → 3,000; 60,000 → 5,800 (+2,800); 70,000 → 6,600 (+800); a new quarter starts over.
    const range = calculateRange({ ...CONTRACT_PLAN, basis: 'quarter' }, quarter, '2025-01', '2025-04');
    const statements = [...range.values()].map((monthStatements) => only(monthStatements, 'A'));
    assert.deepEqual(statements.map((statement) => statement.total), [300_000, 280_000, 80_000, 300_000]);
    assert.deepEqual(statements.map((statement) => statement.accumulation), ['2025-Q1', '2025-Q1', '2025-Q1', '2025-Q2']);
    statements.forEach(assertBalanced);
  });

  it('reverses earlier months when a retroactive bracket is crossed', () => {
    // QTD 30,000 → 3,000; 60,000 → 4,800: +4,800 at 8% and −3,000 for bracket 1; 70,000 → 5,600 (+800).
    const retroactive = { ...CONTRACT_PLAN, basis: 'quarter' as const, tiers: { ...CONTRACT_PLAN.tiers!, mode: 'retroactive' as const } };
    const range = calculateRange(retroactive, quarter, '2025-01', '2025-03');
    const statements = [...range.values()].map((monthStatements) => only(monthStatements, 'A'));
    assert.deepEqual(statements.map((statement) => statement.total), [300_000, 180_000, 80_000]);
    assert.deepEqual(statements[1]?.lines.map((line) => [line.bracket, line.amount]), [[2, 480_000], [1, -300_000]]);
    assert.match(statements[1]?.lines[1]?.description ?? '', /^Reversal of earlier months in 2025-Q1/);
  });

  it('accumulates over the year', () => {
    const range = calculateRange({ ...CONTRACT_PLAN, basis: 'year' }, quarter, '2025-01', '2025-04');
    const totals = [...range.values()].map((monthStatements) => only(monthStatements, 'A').total);
    // YTD 30k, 60k, 70k, 100k → 3,000, 5,800, 6,600, 9,000
    assert.deepEqual(totals, [300_000, 280_000, 80_000, 240_000]);
  });
});

describe('versions, coverage and purity', () => {
  const history = [
    month('2025-02', [agent('A', 'acq', 10000), agent('B', 'dispo', 10000)]),
    month('2025-03', [agent('A', 'acq', 10000), agent('B', 'dispo', 10000)]),
  ];

  it('pays each month under the version in force', () => {
    const versions: PlanVersion[] = [
      { effective_from: '2025-01', definition: plan([{ type: 'rate', measure: 'gp', rate: 0.1 }]) },
      { effective_from: '2025-03', definition: plan([{ type: 'rate', measure: 'gp', rate: 0.05 }]) },
    ];
    assert.equal(totalOf(calculateStatements(versions, history, '2025-02'), 'A'), 100_000);
    assert.equal(totalOf(calculateStatements(versions, history, '2025-03'), 'A'), 50_000);
    assert.deepEqual(calculateStatements(versions.slice(1), history, '2025-02'), []);
  });

  it('covers payee types and named payees only', () => {
    assert.deepEqual(calculateStatements(CONTRACT_PLAN, history, '2025-02').map((statement) => statement.payee), ['A']);
    const named = plan([{ type: 'rate', measure: 'gp', rate: 0.3 }], { agents: ['B'] });
    assert.deepEqual(calculateStatements(named, history, '2025-02').map((statement) => statement.payee), ['B']);
  });

  it('is idempotent and leaves the history untouched', () => {
    const synthetic = syntheticHistory({ seed: 3, months: 6, agents: 8, managers: 2, deals: true });
    const before = structuredClone(synthetic);
    const everything: PlanDefinition = {
      ...CONTRACT_PLAN,
      applies_to: ['acq', 'dispo'],
      basis: 'quarter',
      components: [{ type: 'clawback' }, { type: 'draw', amount: 1500 }, { type: 'bonus', measure: 'deals', at_least: 6, amount: 250 }],
    };
    const month6 = synthetic[5]?.month ?? '';
    const first = calculateStatements(everything, synthetic, month6);
    const second = calculateStatements(everything, synthetic, month6);
    assert.deepEqual(first, second);
    assert.deepEqual(synthetic, before);
    assert.ok(first.length > 0);
  });

  it('converts to JSON with currency amounts and exact text', () => {
    const statement = only(calculateStatements(plan([{ type: 'rate', measure: 'gp', rate: 0.125 }]), [month(SEPT, [agent('A', 'acq', 12345.67)])], SEPT), 'A');
    const json = statementToJson(statement);
    assert.equal(json.total, 1543.21);
    assert.equal(json.lines[0]?.amount, 1543.21);
    assert.equal(json.lines[0]?.exact, '1543.20875000');
    assert.equal(json.lines[0]?.base, 12345.67);
    assert.equal(JSON.parse(JSON.stringify(json)).total, 1543.21);
  });
});

describe('statement algebra', () => {
  const rate = fc.integer({ min: 0, max: 1_000_000 }).map((micro) => micro / 1e6);
  const amount = fc.integer({ min: 1, max: 1_000_000 }).map((cents) => cents / 100);
  const component: fc.Arbitrary<Component> = fc.oneof(
    rate.map((r): Component => ({ type: 'rate', measure: 'gp', rate: r })),
    fc.integer({ min: 0, max: 100_000 }).map((micro): Component => ({ type: 'rate', measure: 'team_gp', rate: micro / 1e6 })),
    amount.map((a): Component => ({ type: 'per_deal', amount: a })),
    fc.tuple(fc.integer({ min: 0, max: 8 }), amount).map(([n, a]): Component => ({ type: 'bonus', measure: 'deals', at_least: n, amount: a })),
    fc.tuple(rate, rate).map(([a, b]): Component => ({
      type: 'tiers', measure: 'gp', mode: a > b ? 'graduated' : 'retroactive',
      brackets: [{ up_to: 20000, rate: Math.max(a, b) }, { up_to: 45000.5, rate: Math.min(a, b) }, { up_to: null, rate: Math.floor(Math.min(a, b) * 5e5) / 1e6 }],
    })),
    fc.constant<Component>({ type: 'formula', expression: 'gp * 0.0333333 + deals / 3' }),
  );
  const extras = fc.subarray<Component>([
    { type: 'clawback' },
    { type: 'draw', amount: 2500 },
    { type: 'limit', scope: 'period', min: 100, max: 9000 },
    { type: 'split', shares: { acq: 0.55, dispo: 0.45 } },
  ]);

  it('line items sum exactly to the statement total, in cents and in micro-cents', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(component, { minLength: 1, maxLength: 4 }),
        extras,
        fc.constantFrom('deal' as const, 'month' as const, 'quarter' as const, 'year' as const),
        (seed, components, more, basis) => {
          const history = syntheticHistory({ seed, months: 4, agents: 5, managers: 1, deals: true });
          const definition = plan([...components, ...more], { basis });
          const range = calculateRange(definition, history, history[0]?.month ?? '', history[3]?.month ?? '');
          for (const statements of range.values()) for (const statement of statements) assertBalanced(statement);
        },
      ),
      { numRuns: 60 },
    );
  });
});
