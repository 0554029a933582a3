import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommissionMonth } from '../../src/domain/imports/format.js';
import { historyMonthFromImport } from '../../src/domain/imports/to-history.js';

describe('historyMonthFromImport', () => {
  it('turns amounts into whole cents and fills every optional field', () => {
    const month: CommissionMonth = {
      month: '2025-09',
      metadata: { total_gp: 1 },
      agents: [
        { name: 'Kyle Singer', type: 'acq', gp: 92000.1, deals: 7, commission: 7400.05, terminations: 1, market: 'Phoenix, AZ', manager: 'Mia Lopez' },
        { name: 'Dana Ruiz', type: 'dispo', gp: 0, deals: 0, commission: -250 },
      ],
      managers: [
        { name: 'Mia Lopez', gp: 150000, commission: 3000.5, team: ['Kyle Singer', 'Dana Ruiz'] },
        { name: 'Raj Iyer', commission: 10 },
        { name: 'Kim Sato', gp: 0, commission: 0 },
      ],
      deals: [
        { id: 'D-1', date: '2025-09-14', agent: 'Kyle Singer', type: 'acq', market: 'Mesa, AZ', gp: 14000.99, status: 'closed' },
        { id: 'D-2', date: '2025-09-15', agent: 'Dana Ruiz', type: 'dispo', gp: -0.01, status: 'terminated' },
      ],
      markets: [{ name: 'Phoenix, AZ', lat: 33.4, lon: -112.1 }],
    };
    // Metadata and markets are not history: they are left out.
    assert.deepEqual(historyMonthFromImport(month), {
      month: '2025-09',
      agents: [
        { name: 'Kyle Singer', type: 'acq', manager: 'Mia Lopez', market: 'Phoenix, AZ', gp: 9_200_010, deals: 7, terminations: 1, commission: 740_005 },
        { name: 'Dana Ruiz', type: 'dispo', manager: null, market: null, gp: 0, deals: 0, terminations: null, commission: -25_000 },
      ],
      managers: [
        { name: 'Mia Lopez', gp: 15_000_000, commission: 300_050, team: ['Kyle Singer', 'Dana Ruiz'] },
        // No GP given is null (unknown), not 0; a GP of 0 stays 0.
        { name: 'Raj Iyer', gp: null, commission: 1000, team: [] },
        { name: 'Kim Sato', gp: 0, commission: 0, team: [] },
      ],
      deals: [
        { id: 'D-1', date: '2025-09-14', agent: 'Kyle Singer', type: 'acq', market: 'Mesa, AZ', gp: 1_400_099, status: 'closed' },
        { id: 'D-2', date: '2025-09-15', agent: 'Dana Ruiz', type: 'dispo', market: null, gp: -1, status: 'terminated' },
      ],
    });
  });

  it('a month of agents only has no managers and no deals', () => {
    assert.deepEqual(historyMonthFromImport({ month: '2025-10', agents: [{ name: 'A', type: 'acq', gp: 1, deals: 1, commission: 0.5, terminations: 0 }] }), {
      month: '2025-10',
      agents: [{ name: 'A', type: 'acq', manager: null, market: null, gp: 100, deals: 1, terminations: 0, commission: 50 }],
      managers: [],
      deals: [],
    });
  });

  it('refuses an amount the import checks would have refused, wherever it is', () => {
    const agent = { name: 'A', type: 'acq' as const, gp: 1, deals: 1, commission: 1 };
    const deal = { id: 'D', date: '2025-09-01', agent: 'A', type: 'acq' as const, gp: 1, status: 'closed' as const };
    const cases: [CommissionMonth, string][] = [
      [{ month: '2025-09', agents: [{ ...agent, gp: 1.005 }] }, 'amount 1.005 was not checked'],
      [{ month: '2025-09', agents: [{ ...agent, commission: 0.001 }] }, 'amount 0.001 was not checked'],
      [{ month: '2025-09', agents: [agent], managers: [{ name: 'M', gp: 2.345, commission: 1 }] }, 'amount 2.345 was not checked'],
      [{ month: '2025-09', agents: [agent], managers: [{ name: 'M', commission: Number.NaN }] }, 'amount NaN was not checked'],
      [{ month: '2025-09', agents: [agent], deals: [{ ...deal, gp: 1e14 }] }, 'amount 100000000000000 was not checked'],
    ];
    for (const [month, message] of cases) {
      assert.throws(() => historyMonthFromImport(month), (error: unknown) => error instanceof RangeError && error.message === message, message);
    }
  });
});
