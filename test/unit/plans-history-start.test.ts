import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sumCents } from '../../src/domain/money.js';
import { calculateRange, PlanCalculator } from '../../src/domain/plans/calculate.js';
import { historyStartFor, readsPeriodToDate, type PlanDefinition } from '../../src/domain/plans/definition.js';
import { simulatePlan, streamSimulation } from '../../src/domain/plans/simulate.js';
import { HistoryIndex } from '../../src/domain/plans/measures.js';
import { agent, month, syntheticHistory } from './plans-support.js';

const tiers = { measure: 'gp', mode: 'retroactive', brackets: [{ from: 0, rate: 0.08 }, { from: 10000, rate: 0.1 }] } as const;

function plan(basis: PlanDefinition['basis'], components: unknown[] = []): PlanDefinition {
  return { name: `${basis} plan`, applies_to: ['acq', 'dispo', 'manager'], basis, tiers, components } as unknown as PlanDefinition;
}

const formula = (expression: string) => ({ type: 'formula', expression });

describe('the history a calculation reads (issue 21)', () => {
  it('starts at `from` unless the plan reads the period to date or carries across months', () => {
    assert.equal(historyStartFor([plan('deal')], '2025-05'), '2025-05');
    assert.equal(historyStartFor([plan('month', [formula('month_gp * 0.01 + team_gp * 0.001')])], '2025-05'), '2025-05');
    assert.equal(historyStartFor([plan('month', [formula('ytd_gp * 0.001')])], '2025-05'), '2025-01');
    assert.equal(historyStartFor([plan('deal', [formula('qtd_deals * 5')])], '2025-05'), '2025-01');
    assert.equal(historyStartFor([plan('quarter')], '2025-05'), '2025-01');
    assert.equal(historyStartFor([plan('month'), plan('year')], '2025-05'), '2025-01');
    assert.equal(historyStartFor([plan('month', [{ type: 'draw', amount: 1000 }])], '2025-05'), null);
    assert.equal(historyStartFor([plan('deal', [{ type: 'clawback', method: 'recompute' }])], '2025-05'), null);
    // A formula that does not compile is refused later; until then it counts as reading everything.
    assert.equal(readsPeriodToDate(plan('month', [formula('ytd_gp +')])), true);
  });

  it('gives the statements and simulation of the whole history from the months it names, the simulation with the described totals', () => {
    const history = syntheticHistory({ seed: 11, months: 30, agents: 9, managers: 2, deals: true, start: '2023-04' });
    const plans = [
      plan('deal'),
      plan('month', [formula('month_gp * 0.01 + team_gp * 0.001'), { type: 'override', of: 'team_gp', rate: 0.01 }]),
      plan('month', [formula('ytd_gp * 0.001 + qtd_deals * 3')]),
      plan('quarter', [{ type: 'per_deal', amount: 40 }]),
      plan('year'),
      plan('deal', [{ type: 'clawback', method: 'rate', rate: 0.05 }]),
    ];
    for (const definition of plans) {
      for (const [from, to] of [['2024-02', '2025-08'], ['2025-05', '2025-05'], ['2023-07', '2024-01']] as const) {
        const start = historyStartFor([definition], from);
        const read = history.filter((entry) => start === null || entry.month >= start);
        if (start !== null && start > history[0]!.month) assert.ok(read.length < history.length, `${definition.name} from ${from} reads fewer months`);
        const label = `${definition.name} ${from}..${to} from ${start}`;
        const described = calculateRange(definition, history, from, to);
        assert.deepEqual(calculateRange(definition, read, from, to), described, label);
        const simulation = simulatePlan(definition, read, from, to);
        assert.deepEqual(simulation, simulatePlan(definition, history, from, to), label);
        // Streamed month by month, as the plan worker receives a history: the same simulation.
        const streamed = streamSimulation(definition, from, to);
        for (const entry of read) streamed.add(entry);
        assert.deepEqual(streamed.result(), simulation, `${label}, streamed`);
        // The simulation computes its statements without lines: the same totals as the described ones.
        assert.deepEqual(
          simulation.by_month.map((entry) => [entry.month, entry.simulated]),
          [...described].map(([name, statements]) => [name, sumCents(statements.map((statement) => statement.total))]),
          label,
        );
      }
    }
  });

  it('measures the year to date for a formula of a month plan', () => {
    const history = [
      month('2025-01', [agent('Ana', 'acq', 1000)]),
      month('2025-02', [agent('Ana', 'acq', 2000)]),
      month('2025-03', [agent('Ana', 'acq', 500)]),
    ];
    const definition = { name: 'YTD formula', applies_to: ['acq'], basis: 'month', components: [formula('ytd_gp * 0.01 + qtd_gp * 0.001')] } as unknown as PlanDefinition;
    // (1000 + 2000 + 500) × 1% + the same quarter × 0.1% = 35.00 + 3.50.
    assert.equal(calculateRange(definition, history, '2025-03', '2025-03').get('2025-03')?.[0]?.total, 3850);
  });

  it('keeps, while a history streams in, only the months a later month still reads', () => {
    const history = syntheticHistory({ seed: 5, months: 20, agents: 6, managers: 1, deals: true, start: '2024-06' });
    const cases = [
      { definition: plan('deal'), kept: (at: string) => [at] },
      { definition: plan('month', [formula('ytd_gp * 0.001')]), kept: (at: string) => history.map((entry) => entry.month).filter((name) => name.slice(0, 4) === at.slice(0, 4) && name <= at) },
      { definition: plan('quarter'), kept: (at: string) => history.map((entry) => entry.month).filter((name) => name.slice(0, 4) === at.slice(0, 4) && name <= at) },
      { definition: plan('deal', [{ type: 'clawback', method: 'recompute' }]), kept: (at: string) => history.map((entry) => entry.month).filter((name) => name <= at) },
      { definition: plan('month', [{ type: 'draw', amount: 1500 }]), kept: (at: string) => [at] },
    ];
    const [from, to] = ['2024-09', '2025-11'];
    for (const { definition, kept } of cases) {
      const calculator = new PlanCalculator(definition, []);
      const calculate = calculator.stream(from, to);
      const streamed = new Map<string, unknown>();
      for (const entry of history) {
        const statements = calculate(entry);
        if (statements) streamed.set(entry.month, statements);
        if (entry.month <= to) assert.deepEqual(calculator.index.months, kept(entry.month), `${definition.name}: held after ${entry.month}`);
      }
      // The statements, lines and all, of the whole history read at once.
      assert.deepEqual(streamed, calculateRange(definition, history, from, to), definition.name);
    }
  });

  it('refuses a streamed month out of calendar order, or twice', () => {
    const index = new HistoryIndex([month('2025-02', [agent('Ana', 'acq', 1000)])]);
    assert.throws(() => index.add(month('2025-01', [agent('Ana', 'acq', 1000)])), /2025-01 comes after 2025-02/);
    assert.throws(() => index.add(month('2025-02', [agent('Ana', 'acq', 1000)])), /2025-02 comes after 2025-02/);
    index.add(month('2025-03', [agent('Ana', 'acq', 500)]));
    index.forget('2025-03');
    assert.deepEqual(index.months, ['2025-03']);
    assert.equal(index.month('2025-02'), undefined);
    assert.equal(index.facts('2025-03', { name: 'Ana', type: 'acq' }, null)?.gp, 50000n);
  });
});
