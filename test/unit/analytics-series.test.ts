import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rollupFromHistory, type MonthRollup } from '../../src/domain/analytics/rollups.js';
import {
  MARKET_SHRINKAGE_K,
  agentSeries,
  marketSeries,
  predictiveSeries,
  teamSeries,
  terminationsByAgent,
} from '../../src/domain/analytics/series.js';
import { fixtureHistory } from './analytics-fixture.js';

const ROLLUPS = rollupFromHistory(fixtureHistory());
const ALL = { from: '2024-08', to: '2025-09' };

describe('per agent', () => {
  const agents = agentSeries(ROLLUPS, ALL);
  const byName = (name: string) => agents.find((agent) => agent.name === name);

  it('totals and monthly points with the summary definitions', () => {
    assert.deepEqual(agents.map((agent) => agent.name), ['Ana', 'Ben', 'Cal', 'Dee']);
    // Ana: 13 × 40,000 + 50,000 GP; 13 × 4 + 5 closed; 14 terminated; 13 × 4,000 + 5,000 commission.
    assert.deepEqual(byName('Ana')?.totals, {
      gp: 570_000,
      commission: 57_000,
      closed: 57,
      terminated: 14,
      termination_rate: 0.197,
      commission_pct: 10,
    });
    assert.equal(byName('Ana')?.points.length, 14);
    assert.deepEqual(byName('Cal')?.points.find((point) => point.month === '2025-05'), {
      month: '2025-05',
      gp: 30_000,
      commission: 9_000,
      closed: 3,
      terminated: 0,
      termination_rate: 0,
      commission_pct: 30,
    });
  });

  it('keeps a newcomer to the months they worked, with their normalised market', () => {
    const dee = byName('Dee');
    assert.equal(dee?.market, 'Phoenix, AZ');
    assert.equal(dee?.manager, 'Max');
    assert.deepEqual(dee?.points.map((point) => [point.month, point.termination_rate, point.commission_pct]), [['2025-09', 1, null]]);
  });

  it('terminations by agent, most first', () => {
    assert.deepEqual(
      terminationsByAgent(ROLLUPS, ALL).map((row) => [row.name, row.terminated, row.termination_rate]),
      [['Ana', 14, 0.197], ['Dee', 1, 1], ['Ben', 0, 0], ['Cal', 0, 0]],
    );
  });
});

describe('per team', () => {
  const teams = teamSeries(ROLLUPS, ALL);
  const mia = teams.find((team) => team.manager === 'Mia');
  const max = teams.find((team) => team.manager === 'Max');

  it("counts the manager's override in the team's commission", () => {
    assert.deepEqual(teams.map((team) => team.manager), ['Max', 'Mia']);
    assert.deepEqual(mia?.agents, ['Ana', 'Ben']);
    // Baseline month: GP 46,000; commission 4,000 + 600 + 500 = 5,100 → 11.1%.
    assert.deepEqual(mia?.points[0], {
      month: '2024-08',
      gp: 46_000,
      commission: 5_100,
      closed: 7,
      terminated: 1,
      termination_rate: 0.125,
      commission_pct: 11.1,
    });
    // All months: GP 570,000 + 86,000; commission 57,000 + 8,600 + 14 × 500 = 72,600 → 11.07%.
    assert.equal(mia?.totals.gp, 656_000);
    assert.equal(mia?.totals.commission, 72_600);
    assert.equal(mia?.totals.commission_pct, 11.1);
  });

  it('takes in new members', () => {
    assert.deepEqual(max?.agents, ['Cal', 'Dee']);
    // September: Cal 3 closed, Dee 1 terminated → 0.25.
    assert.equal(max?.points.at(-1)?.termination_rate, 0.25);
  });
});

describe('per market', () => {
  it('deal volume, GP and termination risk shrunk toward the tenant rate', () => {
    assert.equal(MARKET_SHRINKAGE_K, 20);
    // Tenant: 142 closed, 15 terminated (T = 15, N = 157).
    // Phoenix (Ana, and Dee written "phoenix az"): 57 closed, 15 terminated; raw 15/72 = 0.208,
    // risk (15·157 + 20·15) / (92·157) = 2,655 / 14,444 = 0.184.
    // Dallas: 43 closed → 300 / (63·157) = 0.030. Atlanta: 42 closed → 300 / (62·157) = 0.031.
    const markets = marketSeries(ROLLUPS, ALL);
    assert.deepEqual(
      markets.map(({ name, closed, terminated, contracts, gp, termination_rate, termination_risk }) => ({
        name, closed, terminated, contracts, gp, termination_rate, termination_risk,
      })),
      [
        { name: 'Phoenix, AZ', closed: 57, terminated: 15, contracts: 72, gp: 570_000, termination_rate: 0.208, termination_risk: 0.184 },
        { name: 'Dallas, TX', closed: 43, terminated: 0, contracts: 43, gp: 86_000, termination_rate: 0, termination_risk: 0.03 },
        { name: 'Atlanta, GA', closed: 42, terminated: 0, contracts: 42, gp: 420_000, termination_rate: 0, termination_risk: 0.031 },
      ],
    );
    assert.equal(markets[0]?.points.length, 14);
  });

  it('pulls a tiny market most of the way to the mean and a big one hardly at all', () => {
    const rollups: MonthRollup[] = [
      {
        month: '2025-01', gp: 0, commission: 0, agent_commission: 0, manager_commission: 0, closed: 181, terminated: 19,
        agents: [], managers: [],
        markets: [
          { name: 'Big, TX', closed: 180, terminated: 18, gp: 0 },
          { name: 'Tiny, TX', closed: 1, terminated: 1, gp: 0 },
        ],
      },
    ];
    const range = { from: '2025-01', to: '2025-01' };
    const risk = (k?: number) => marketSeries(rollups, range, k === undefined ? {} : { k }).map((m) => [m.name, m.termination_rate, m.termination_risk]);
    // Tenant 19 / 200. Tiny: (1·200 + 20·19) / (22·200) = 580 / 4,400 = 0.132 (raw 0.5).
    // Big: (18·200 + 380) / (218·200) = 3,980 / 43,600 = 0.091.
    assert.deepEqual(risk(), [['Big, TX', 0.091, 0.091], ['Tiny, TX', 0.5, 0.132]]);
    // k = 0 is no shrinkage at all.
    assert.deepEqual(risk(0), [['Big, TX', 0.091, 0.091], ['Tiny, TX', 0.5, 0.5]]);
  });

  it('places markets: import-given coordinates win over the shipped table', () => {
    const given = new Map([['Dallas, TX', { lat: 32.9, lon: -96.9 }]]);
    const markets = marketSeries(ROLLUPS, ALL, { coordinates: given });
    assert.deepEqual(markets.find((m) => m.name === 'Phoenix, AZ')?.coordinates, { lat: 33.45, lon: -112.07 });
    assert.deepEqual(markets.find((m) => m.name === 'Dallas, TX')?.coordinates, { lat: 32.9, lon: -96.9 });
  });
});

describe('predictive view', () => {
  it('history up to now, then a forecast for the next months', () => {
    const view = predictiveSeries(ROLLUPS, '2025-09', 3);
    assert.equal(view.history.length, 14);
    assert.deepEqual(view.history.at(-1), { month: '2025-09', gp: 88_000, commission: 12_600, interpolated: false });
    assert.deepEqual(view.forecast.commission?.points.map((point) => point.month), ['2025-10', '2025-11', '2025-12']);
    assert.deepEqual(view.forecast.gp?.points.map((point) => point.month), ['2025-10', '2025-11', '2025-12']);
    for (const point of view.forecast.commission?.points ?? []) assert.ok(point.low <= point.value && point.value <= point.high);
  });

  it('interpolates a month that was never imported instead of reading it as zero', () => {
    const withGap = ROLLUPS.filter((rollup) => rollup.month !== '2025-05');
    const view = predictiveSeries(withGap, '2025-09');
    const may = view.history.find((entry) => entry.month === '2025-05');
    // Between April (11,400) and June (11,400).
    assert.deepEqual(may, { month: '2025-05', gp: 76_000, commission: 11_400, interpolated: true });
    assert.equal(view.history.length, 14);
  });

  it('is empty before any data', () => {
    const view = predictiveSeries(ROLLUPS, '2024-01');
    assert.deepEqual(view.history, []);
    assert.equal(view.forecast.commission, null);
  });
});
