/**
 * checkMonth where names repeat and contracts are none: a deal names the first of two agents
 * whose names differ only in case and spaces, and a month of agents without contracts has no
 * termination rate to warn about (0 of 0 is no rate, not 0% nor 100%).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMonth, type CheckOptions } from '../../src/domain/imports/check.js';
import type { CommissionMonth, ImportAgent, ImportDeal } from '../../src/domain/imports/format.js';

const options: CheckOptions = { terminationThreshold: 0.15, today: new Date('2025-10-15T12:00:00Z') };

function agent(name: string, overrides: Partial<ImportAgent> = {}): ImportAgent {
  return { name, type: 'acq', gp: 100, deals: 1, commission: 10, ...overrides };
}

function deal(id: string, agentName: string, overrides: Partial<ImportDeal> = {}): ImportDeal {
  return { id, date: '2025-09-14', agent: agentName, type: 'acq', gp: 100, status: 'closed', ...overrides };
}

const month = (agents: ImportAgent[], deals?: ImportDeal[]): CommissionMonth => ({ month: '2025-09', agents, ...(deals ? { deals } : {}) });

describe('checkMonth: the first of agents with the same name', () => {
  it("a deal is the first agent's: its type and its totals are checked against the first", () => {
    const input = month(
      [agent('Ann Lee'), agent(' ann LEE', { type: 'dispo', gp: 500, deals: 3 })],
      [deal('d1', 'ANN LEE ')],
    );
    const result = checkMonth(input, options);
    assert.deepEqual(result.errors, [], 'the first Ann is acq, as the deal is');
    assert.deepEqual(result.warnings, [
      "Duplicate agent name 'Ann Lee'",
      "Agent ' ann LEE' reports 3 deals but deals[] has 0 closed",
      "Agent ' ann LEE' reports 500.00 GP but deals[] sums to 0.00",
    ]);
  });

  it('the first is told apart from a later one by type too', () => {
    const input = month([agent('Bo', { type: 'dispo' }), agent('BO')], [deal('d1', 'bo')]);
    const errors = checkMonth(input, options).errors.map((error) => `${error.pointer}: ${error.message}`);
    assert.deepEqual(errors, ["/deals/0/type: Deal type 'acq' differs from agent 'Bo' type 'dispo'"]);
  });
});

describe('checkMonth: no contracts', () => {
  it('agents with no deals and no terminations: no termination warning', () => {
    const input = month([agent('A', { deals: 0, gp: 0, commission: 0, terminations: 0 }), agent('B', { deals: 0, gp: 0, commission: 0 })]);
    assert.deepEqual(checkMonth(input, options).warnings, []);
    assert.deepEqual(checkMonth(input, options).errors, []);
  });

  it('an agent without contracts beside one who terminates them all: only the latter is judged', () => {
    const input = month([agent('None', { deals: 0, gp: 0, commission: 0, terminations: 0 }), agent('All', { deals: 0, gp: 0, commission: 0, terminations: 9 })]);
    assert.deepEqual(checkMonth(input, options).warnings, ["Agent 'All' termination rate (100.0%) above threshold"]);
  });

  it('an agent whose deal count is unreadable is refused and not judged on terminations', () => {
    const result = checkMonth(month([agent('Odd', { deals: 1.5, terminations: 9 }), agent('Ok', { deals: 3 })]), options);
    assert.deepEqual(result.errors.map((error) => error.pointer), ['/agents/0/deals']);
    assert.deepEqual(result.warnings, []);
  });
});

describe('checkMonth: metadata commission_pct without GP', () => {
  it('no GP, no percentage to disagree with', () => {
    const input = { ...month([agent('A', { gp: 0, deals: 0, commission: 0 })]), metadata: { commission_pct: 5 } };
    assert.deepEqual(checkMonth(input, options).warnings, []);
  });
});
