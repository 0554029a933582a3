/**
 * Long domain computations run in slices (src/services/steps-in-slices.ts): the event loop serves
 * other work between them, and the result is the one a straight run gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { runSteps, type Steps } from '../../src/domain/steps.js';
import { agentSeries, agentSeriesSteps } from '../../src/domain/analytics/series.js';
import type { MonthRollup } from '../../src/domain/analytics/rollups.js';
import { addMonths } from '../../src/domain/analytics/months.js';
import { inSlices } from '../../src/services/steps-in-slices.js';

/** `count` steps of `ms` of busy CPU each; returns how many ran. */
function* busy(count: number, ms: number): Steps<number> {
  for (let i = 0; i < count; i += 1) {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // burn
    }
    yield;
  }
  return count;
}

/** Runs `work` while counting how often other work (an immediate, re-armed) got the event loop. */
async function turnsDuring<T>(work: () => Promise<T> | T): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const other = (async () => {
    while (running) {
      await turn();
      turns += 1;
    }
  })();
  await turn();
  turns = 0;
  const result = await work();
  const counted = turns;
  running = false;
  await other;
  return { result, turns: counted };
}

describe('inSlices', () => {
  it('gives the event loop a turn about every slice; a straight run gives it none', async () => {
    // 30 steps of 2 ms with a 10 ms slice: at least 5 turns while it runs.
    const sliced = await turnsDuring(() => inSlices(busy(30, 2), 10));
    assert.equal(sliced.result, 30);
    assert.ok(sliced.turns >= 5, `${sliced.turns} turns`);
    const straight = await turnsDuring(() => runSteps(busy(30, 2)));
    assert.equal(straight.result, 30);
    assert.equal(straight.turns, 0);
  });

  it('the agents view in slices is the agents view', async () => {
    const rollups: MonthRollup[] = Array.from({ length: 14 }, (_, t) => {
      const month = addMonths('2024-01', t);
      const agents = ['Ana', 'Ben', 'Cleo'].map((name, i) => ({ name, type: 'acq' as const, manager: null, market: null, gp: 1_000_000 * (i + 1) + 10_000 * t, commission: 100_000 * (i + 1), closed: 3, terminated: 0 }));
      const gp = agents.reduce((sum, agent) => sum + agent.gp, 0);
      return { month, gp, commission: 600_000, agent_commission: 600_000, manager_commission: 0, closed: 9, terminated: 0, agents, managers: [], markets: [] };
    });
    const range = { from: '2024-03', to: '2025-02' };
    assert.deepEqual(await inSlices(agentSeriesSteps(rollups, range), 0), agentSeries(rollups, range));
    assert.equal(agentSeries(rollups, range).length, 3);
  });
});
