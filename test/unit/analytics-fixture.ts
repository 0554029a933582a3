/**
 * A small tenant whose every analytics figure can be worked out by hand: 14 months (2024-08 ..
 * 2025-09), four agents, two managers. Amounts below are in whole dollars and become cents.
 *
 * Baseline month (every month except the two variants):
 *   Ana  acq   Mia  Phoenix, AZ  GP 40,000  4 closed 1 terminated  commission 4,000 (10%)
 *   Ben  dispo Mia  Dallas, TX   GP  6,000  3 closed 0 terminated  commission   600 (10%, 2,000 a deal)
 *   Cal  acq   Max  Atlanta, GA  GP 30,000  3 closed 0 terminated  commission 6,000 (20%)
 *   managers: Mia 500, Max 300
 *   month: GP 76,000, commission 10,600 + 800 = 11,400, 10 closed, 1 terminated
 * 2025-05: Cal is paid 9,000 instead of 6,000 (commission 14,400).
 * 2025-09: Ana GP 50,000, 5 closed, 1 terminated, commission 5,000; Ben GP 8,000, 4 closed,
 *   commission 800; Cal as baseline; Dee (dispo, Max, written "phoenix az") joins with 0 closed and
 *   1 terminated: one bad deal. Month: GP 88,000, commission 11,800 + 800 = 12,600, 12 closed, 2 terminated.
 */
import type { AgentMonth, History, HistoryMonth } from '../../src/domain/history.js';
import { monthsOf } from '../../src/domain/analytics/months.js';

const DOLLAR = 100;

function agent(
  name: string,
  type: 'acq' | 'dispo',
  manager: string,
  market: string,
  gp: number,
  deals: number,
  terminations: number,
  commission: number,
): AgentMonth {
  return { name, type, manager, market, gp: gp * DOLLAR, deals, terminations, commission: commission * DOLLAR };
}

export const FIXTURE_MONTHS = monthsOf({ from: '2024-08', to: '2025-09' });

function fixtureMonth(month: string): HistoryMonth {
  const september = month === '2025-09';
  const agents: AgentMonth[] = [
    agent('Ana', 'acq', 'Mia', 'Phoenix, AZ', september ? 50_000 : 40_000, september ? 5 : 4, 1, september ? 5_000 : 4_000),
    agent('Ben', 'dispo', 'Mia', 'Dallas, TX', september ? 8_000 : 6_000, september ? 4 : 3, 0, september ? 800 : 600),
    agent('Cal', 'acq', 'Max', 'Atlanta, GA', 30_000, 3, 0, month === '2025-05' ? 9_000 : 6_000),
  ];
  if (september) agents.push(agent('Dee', 'dispo', 'Max', 'phoenix az', 0, 0, 1, 0));
  return {
    month,
    agents,
    managers: [
      { name: 'Mia', gp: null, commission: 500 * DOLLAR, team: ['Ana', 'Ben'] },
      { name: 'Max', gp: null, commission: 300 * DOLLAR, team: september ? ['Cal', 'Dee'] : ['Cal'] },
    ],
    deals: [],
  };
}

export function fixtureHistory(): History {
  return FIXTURE_MONTHS.map(fixtureMonth);
}
