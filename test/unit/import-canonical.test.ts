/** The one written form of a month (src/domain/imports/canonical.ts): contract order, absent fields omitted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalMonth } from '../../src/domain/imports/canonical.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';

// Every field in a scrambled order, some given as undefined: as a parsed body may come.
const scrambled = {
  markets: [{ lon: -96.8, name: 'Dallas', lat: 32.78 }],
  deals: [{ status: 'closed', gp: 100, market: undefined, type: 'acq', agent: 'Ann', date: '2025-09-03', id: 'd1' }],
  managers: [{ team: ['Ann'], commission: 5, gp: undefined, name: 'Mia' }],
  agents: [
    { manager: 'Mia', market: 'Dallas', terminations: 1, commission: 10, deals: 1, gp: 100, type: 'acq', name: 'Ann' },
    { commission: 0, terminations: undefined, gp: 0, deals: 0, type: 'dispo', name: 'Bob' },
  ],
  metadata: { commission_pct: 15, total_transactions: undefined, total_gp: 100 },
  month: '2025-09',
} as unknown as CommissionMonth;

describe('canonicalMonth', () => {
  it("writes every object's fields in the contract's order and leaves out undefined ones", () => {
    assert.equal(
      JSON.stringify(canonicalMonth(scrambled)),
      JSON.stringify({
        month: '2025-09',
        metadata: { total_gp: 100, commission_pct: 15 },
        agents: [
          { name: 'Ann', type: 'acq', gp: 100, deals: 1, commission: 10, terminations: 1, market: 'Dallas', manager: 'Mia' },
          { name: 'Bob', type: 'dispo', gp: 0, deals: 0, commission: 0 },
        ],
        managers: [{ name: 'Mia', commission: 5, team: ['Ann'] }],
        deals: [{ id: 'd1', date: '2025-09-03', agent: 'Ann', type: 'acq', gp: 100, status: 'closed' }],
        markets: [{ name: 'Dallas', lat: 32.78, lon: -96.8 }],
      }),
    );
    const written = canonicalMonth(scrambled);
    assert.deepEqual(Object.keys(written.agents[1]!), ['name', 'type', 'gp', 'deals', 'commission'], 'no key holds undefined');
  });

  it('a month with agents only stays agents only; zero and empty values are kept', () => {
    const bare = { month: '2025-10', agents: [{ name: 'Cy', type: 'acq', gp: 0, deals: 0, commission: 0, market: '' }] } as CommissionMonth;
    assert.deepEqual(canonicalMonth(bare), bare);
    assert.deepEqual(Object.keys(canonicalMonth(bare)), ['month', 'agents']);
    assert.deepEqual(canonicalMonth({ ...bare, managers: [], deals: [] }), { ...bare, managers: [], deals: [] });
  });

  it("copies a manager's team: changing the copy leaves the input alone", () => {
    const written = canonicalMonth(scrambled);
    written.managers![0]!.team!.push('Zed');
    assert.deepEqual(scrambled.managers![0]!.team, ['Ann']);
  });

  it('property: canonical twice is canonical once, and the arrays keep their order', () => {
    const agent = fc.record(
      { name: fc.string({ minLength: 1, maxLength: 5 }), type: fc.constantFrom('acq' as const, 'dispo' as const), gp: fc.nat(), deals: fc.nat(9), commission: fc.nat(), terminations: fc.nat(9), market: fc.string({ maxLength: 4 }) },
      { requiredKeys: ['name', 'type', 'gp', 'deals', 'commission'] },
    );
    fc.assert(
      fc.property(fc.array(agent, { minLength: 1, maxLength: 5 }), (agents) => {
        const once = canonicalMonth({ month: '2025-09', agents });
        assert.deepEqual(canonicalMonth(once), once);
        assert.equal(JSON.stringify(canonicalMonth(once)), JSON.stringify(once));
        assert.deepEqual(once.agents.map((entry) => entry.name), agents.map((entry) => entry.name));
      }),
    );
  });
});
