/**
 * Per-agent forecast and trend (src/domain/analytics/agent-outlook.ts) on a generated tenant whose
 * figures are known by construction: a shared season (the business's), one steady agent, one
 * declining agent, one newcomer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentForecast, agentTrend, outlookBasis, trendingDown, AGENT_OUTLOOK_MIN_MONTHS } from '../../src/domain/analytics/agent-outlook.js';
import { mannKendall } from '../../src/domain/analytics/mann-kendall.js';
import { addMonths } from '../../src/domain/analytics/months.js';
import type { AgentRollup, MonthRollup } from '../../src/domain/analytics/rollups.js';
import { agentSeries, predictiveSeries } from '../../src/domain/analytics/series.js';

/** Twelve monthly factors with mean 1: the tenant's season. */
const SEASON = [0.8, 0.85, 0.95, 1.05, 1.15, 1.2, 1.15, 1.05, 1, 0.95, 0.9, 0.95];

function agent(name: string, gp: number, commission: number): AgentRollup {
  return { name, type: 'acq', manager: null, market: null, gp, commission, closed: 3, terminated: 0 };
}

function month(index: number, agents: AgentRollup[]): MonthRollup {
  const gp = agents.reduce((sum, a) => sum + a.gp, 0);
  const commission = agents.reduce((sum, a) => sum + a.commission, 0);
  return { month: addMonths('2023-01', index), gp, commission, agent_commission: commission, manager_commission: 0, closed: 9, terminated: 0, agents, managers: [], markets: [] };
}

/**
 * 36 months from 2023-01. Steady: 1,000,000 cents × season, exactly, paid 10%. Falling: from
 * 1,500,000 × season down by 20,000 a month (before the season). New: the last 6 months only.
 */
const ROLLUPS = Array.from({ length: 36 }, (_, t) => {
  const season = SEASON[t % 12]!;
  const steady = Math.round(1_000_000 * season);
  const falling = Math.round((1_500_000 - 20_000 * t) * season);
  const agents = [agent('Steady', steady, steady / 10), agent('Falling', falling, Math.round(falling / 10))];
  if (t >= 30) agents.push(agent('New', 400_000, 40_000));
  return month(t, agents);
});
const NOW = '2025-12';

describe('agent forecast', () => {
  const basis = outlookBasis(ROLLUPS, NOW);

  it('forecasts an exactly seasonal agent within a cent of next month', () => {
    // Steady's next month is 2026-01, a January: 1,000,000 × 0.8 = 800,000 cents = 8,000.00; its pay 800.00.
    const forecast = agentForecast(basis, 'Steady');
    assert.equal(forecast.months_with_data, 36);
    assert.equal(forecast.reason, null);
    assert.equal(forecast.gp?.month, '2026-01');
    assert.ok(Math.abs(forecast.gp!.value - 8_000) <= 0.01, `GP ${forecast.gp?.value}`);
    assert.ok(Math.abs(forecast.commission!.value - 800) <= 0.01, `commission ${forecast.commission?.value}`);
    assert.ok(forecast.gp!.interval_80.low <= forecast.gp!.value && forecast.gp!.value <= forecast.gp!.interval_80.high);
  });

  it(`gives no number and says why under ${AGENT_OUTLOOK_MIN_MONTHS} months with data`, () => {
    const forecast = agentForecast(basis, 'New');
    assert.deepEqual(forecast, { months_with_data: 6, gp: null, commission: null, reason: '6 months with data; a forecast and a trend need 12' });
    assert.equal(agentTrend(basis, 'New').direction, 'unknown');
  });

  it('counts a month the tenant imported without the agent as 0 and interpolates a month nobody imported', () => {
    // Drop Steady from 2025-06 and drop 2025-07 altogether: Steady's June is 0, July halfway to August.
    const rollups = ROLLUPS.filter((rollup) => rollup.month !== '2025-07').map((rollup) =>
      rollup.month === '2025-06' ? { ...rollup, agents: rollup.agents.filter((a) => a.name !== 'Steady') } : rollup,
    );
    const gapped = outlookBasis(rollups, NOW);
    assert.deepEqual([gapped.known[29], gapped.known[30], gapped.known[31]], [true, false, true]);
    assert.equal(gapped.agents[29]!.has('Steady'), false);
    assert.equal(agentForecast(gapped, 'Steady').months_with_data, 34);
  });

  it('leaves the commission forecast out while pay is unknown, and says so', () => {
    const unpaid = ROLLUPS.map((rollup, t) => (t >= 11 ? { ...rollup, pay_known: false } : rollup));
    const forecast = agentForecast(outlookBasis(unpaid, NOW), 'Steady');
    assert.notEqual(forecast.gp, null);
    assert.equal(forecast.commission, null);
    assert.equal(forecast.reason, "pay is known for 11 of the agent's months; a commission forecast needs 12");
  });
});

describe('who is trending down', () => {
  const basis = outlookBasis(ROLLUPS, NOW);

  it('finds the falling agent on seasonally adjusted GP, with the test on the last 24 months', () => {
    const trend = agentTrend(basis, 'Falling');
    assert.equal(trend.direction, 'down');
    assert.equal(trend.months, 24);
    assert.equal(trend.seasonally_adjusted, true);
    assert.ok(trend.p_value! < 0.05);
    // Adjusted, Falling is close to 1,500,000 − 20,000 t cents: Sen's slope near −200.00 a month
    // (the tenant's index is estimated, so not exactly).
    assert.ok(Math.abs(trend.sens_slope! + 200) < 20, `slope ${trend.sens_slope}`);
    assert.ok(trend.slope_pct! < 0);
  });

  it('does not flag the steady agent, whose ups and downs are only the season', () => {
    const trend = agentTrend(basis, 'Steady');
    assert.notEqual(trend.direction, 'down');
    // The same months unadjusted: still no trend (two full seasons), so the season does not make one either way.
    const raw = ROLLUPS.slice(-24).map((rollup) => rollup.agents.find((a) => a.name === 'Steady')!.gp);
    assert.ok(mannKendall(raw)!.p_value > 0.05);
  });

  it('the predictive view lists the falling agent only, with next month’s GP forecast', () => {
    const list = trendingDown(ROLLUPS, NOW);
    assert.deepEqual(list.map((entry) => entry.name), ['Falling']);
    assert.equal(list[0]!.gp_forecast?.month, '2026-01');
    const view = predictiveSeries(ROLLUPS, NOW);
    assert.deepEqual(view.trending_down, list);
    assert.match(view.trend_method, /Mann-Kendall/);
  });

  it('the agents view carries each agent’s forecast and trend', () => {
    const agents = agentSeries(ROLLUPS, { from: '2025-01', to: NOW, now: NOW });
    const falling = agents.find((a) => a.name === 'Falling')!;
    assert.equal(falling.trend.direction, 'down');
    assert.equal(falling.forecast.gp?.month, '2026-01');
    assert.equal(agents.find((a) => a.name === 'New')!.forecast.gp, null);
  });
});
