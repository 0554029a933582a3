import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { HistoryMonth } from '../../src/domain/history.js';
import { dataSpan, rollupFromHistory, totalsIn } from '../../src/domain/analytics/rollups.js';
import { fixtureHistory } from './analytics-fixture.js';

const withDeals: HistoryMonth = {
  month: '2025-03',
  agents: [
    // Terminations given: 2, although deals[] lists only one terminated deal for Ana.
    { name: 'Ana', type: 'acq', manager: null, market: 'Phoenix AZ', gp: 30_000_00, deals: 2, terminations: 2, commission: 3_000_00 },
    // Terminations not given: counted from deals[].
    { name: 'Ben', type: 'dispo', manager: null, market: 'Dallas, TX', gp: 10_000_00, deals: 1, terminations: null, commission: 1_000_00 },
  ],
  managers: [{ name: 'Mia', gp: null, commission: 400_00, team: ['Ana', 'Ben'] }],
  deals: [
    { id: 'D1', date: '2025-03-02', agent: 'Ana', type: 'acq', market: 'phoenix, az', gp: 20_000_00, status: 'closed' },
    { id: 'D2', date: '2025-03-03', agent: 'Ana', type: 'acq', market: 'Tucson, AZ', gp: 10_000_00, status: 'closed' },
    { id: 'D3', date: '2025-03-04', agent: 'Ana', type: 'acq', market: null, gp: 5_000_00, status: 'terminated' },
    { id: 'D4', date: '2025-03-05', agent: 'Ben', type: 'dispo', market: 'Dallas, TX', gp: 10_000_00, status: 'closed' },
    { id: 'D5', date: '2025-03-06', agent: 'Ben', type: 'dispo', market: 'Dallas, TX', gp: 7_000_00, status: 'terminated' },
    { id: 'D6', date: '2025-03-07', agent: 'Ben', type: 'dispo', market: 'Dallas, TX', gp: 7_000_00, status: 'terminated' },
  ],
};

describe('rollupFromHistory', () => {
  const [rollup] = rollupFromHistory([withDeals]);

  it('sums the month, commission being agents plus managers', () => {
    assert.ok(rollup);
    assert.equal(rollup.gp, 40_000_00);
    assert.equal(rollup.agent_commission, 4_000_00);
    assert.equal(rollup.manager_commission, 400_00);
    assert.equal(rollup.commission, 4_400_00);
    assert.equal(rollup.closed, 3);
    assert.equal(rollup.terminated, 4);
  });

  it("prefers the agent's terminations and falls back to counting terminated deals", () => {
    assert.deepEqual(rollup?.agents.map((agent) => [agent.name, agent.terminated]), [['Ana', 2], ['Ben', 2]]);
  });

  it('takes the manager from the team list when the agent row has none, and normalises markets', () => {
    assert.deepEqual(rollup?.agents.map((agent) => [agent.manager, agent.market]), [['Mia', 'Phoenix, AZ'], ['Mia', 'Dallas, TX']]);
  });

  it('builds markets from deals when there are deals (a deal with no market goes to its agent\'s)', () => {
    assert.deepEqual(rollup?.markets, [
      { name: 'Dallas, TX', closed: 1, terminated: 2, gp: 10_000_00 },
      { name: 'Phoenix, AZ', closed: 1, terminated: 1, gp: 20_000_00 },
      { name: 'Tucson, AZ', closed: 1, terminated: 0, gp: 10_000_00 },
    ]);
  });

  it("builds markets from agents' markets without deals", () => {
    const [fixture] = rollupFromHistory(fixtureHistory().slice(-1));
    assert.deepEqual(fixture?.markets, [
      { name: 'Atlanta, GA', closed: 3, terminated: 0, gp: 30_000_00 },
      { name: 'Dallas, TX', closed: 4, terminated: 0, gp: 8_000_00 },
      { name: 'Phoenix, AZ', closed: 5, terminated: 2, gp: 50_000_00 },
    ]);
  });

  it('orders months and finds the data span', () => {
    const history = fixtureHistory().reverse();
    const rollups = rollupFromHistory(history);
    assert.equal(rollups[0]?.month, '2024-08');
    assert.deepEqual(dataSpan(rollups), { first: '2024-08', last: '2025-09' });
    assert.equal(dataSpan([]), null);
    assert.equal(totalsIn(rollups, { from: '2025-01', to: '2025-03' }).months_with_data, 3);
  });

  it('month totals are the sums of the agent and manager lines', () => {
    const agentArb = fc.record({
      gp: fc.integer({ min: -1_000_000, max: 100_000_000 }),
      commission: fc.integer({ min: -100_000, max: 10_000_000 }),
      deals: fc.nat(50),
      terminations: fc.option(fc.nat(10), { nil: null }),
      market: fc.option(fc.constantFrom('Phoenix, AZ', 'phoenix az', 'Dallas TX', ''), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(agentArb, { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 3 }), (agents, managers) => {
        const [rollup] = rollupFromHistory([
          {
            month: '2025-01',
            agents: agents.map((agent, i) => ({ name: `A${i}`, type: 'acq', manager: null, ...agent })),
            managers: managers.map((commission, i) => ({ name: `M${i}`, gp: null, commission, team: [] })),
            deals: [],
          },
        ]);
        if (!rollup) return false;
        const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
        return (
          rollup.gp === sum(agents.map((a) => a.gp)) &&
          rollup.commission === sum(agents.map((a) => a.commission)) + sum(managers) &&
          rollup.closed === sum(agents.map((a) => a.deals)) &&
          rollup.terminated === sum(agents.map((a) => a.terminations ?? 0)) &&
          // Every contract with a market lands in exactly one normalised market.
          sum(rollup.markets.map((m) => m.closed)) === sum(agents.filter((a) => a.market).map((a) => a.deals)) &&
          rollup.markets.every((m) => m.name === 'Phoenix, AZ' || m.name === 'Dallas, TX')
        );
      }),
    );
  });
});
