import assert from 'node:assert/strict';
import test from 'node:test';
import type { MonthRollup } from '../../src/domain/analytics/rollups.js';
import type { ClosingsMonth } from '../../src/domain/closings/closing.js';
import { marketFromAddress, mergeMonthRollups, rollupFromClosings, withApprovedPay } from '../../src/domain/closings/rollup.js';

// A month shaped like an operator's sheet, every figure below worked out by hand from the rules in
// rollup.ts's header (not read back from the code): two-sided deals, a memo row (GP, 0
// transactions), a house side with a manager, a terminated deal, a split credit, a deal of two
// transactions, an agent on both sides of one deal under two managers, a person who is an agent
// on one row and a manager on others, an acq/dispo tie, and markets given, read from an address,
// or missing.
const month: ClosingsMonth = {
  month: '2025-09',
  closings: [
    // D1
    { gp: 6000, property: '5118 Reno St, Philadelphia, PA 19139', sides: [{ role: 'acq', agent: 'Steve', manager: 'Devin' }, { role: 'dispo', agent: 'Vince', manager: 'Maegan' }] },
    // D2: a memo row; the dispo side is the house, still under a manager.
    { gp: 1250.5, transactions: 0, market: 'Phoenix, AZ', sides: [{ role: 'acq', agent: 'Devin', manager: null }, { role: 'dispo', agent: null, manager: 'Maegan' }] },
    // D3: terminated: no GP, no transactions, a termination of its agent, its manager and its market.
    { gp: 900, status: 'terminated', property: '77 Elm St, Philadelphia, PA 19104', sides: [{ role: 'acq', agent: 'Steve', manager: 'Devin' }] },
    // D4: a split acq side; an address with no city places it nowhere.
    { gp: 3000, property: '12 Oak Ave', sides: [{ role: 'acq', agent: 'Steve', credit: '0.5' }, { role: 'acq', agent: 'Ana', credit: 0.5, manager: 'Devin' }] },
    // D5: two transactions.
    { gp: 2000, transactions: 2, market: 'Camden, NJ', sides: [{ role: 'dispo', agent: 'Steve', manager: 'Maegan' }, { role: 'acq', agent: 'Ana', manager: 'Maegan' }] },
    // D6: Vince on both sides, under Devin for acq and Maegan for dispo.
    { gp: 1000, market: 'Camden, NJ', sides: [{ role: 'acq', agent: 'Vince', manager: 'Devin' }, { role: 'dispo', agent: 'Vince', manager: 'Maegan' }] },
    // D7: Tia on both sides for the same GP: a tie goes to acq.
    { gp: 500, sides: [{ role: 'acq', agent: 'Tia' }, { role: 'dispo', agent: 'Tia' }] },
  ],
};

const byName = <T extends { name: string }>(rows: readonly T[]) => [...rows].sort((a, b) => a.name.localeCompare(b.name));

test('a closings month rolls up to the company totals, each agent, each manager and each market, worked by hand', () => {
  const rollup = rollupFromClosings(month);
  // Closed deals D1, D2, D4–D7: 6,000 + 1,250.50 + 3,000 + 2,000 + 1,000 + 500 = 13,750.50.
  // Transactions 1 + 0 + 1 + 2 + 1 + 1 = 6; D3 is the one termination.
  assert.deepEqual(
    [rollup.month, rollup.source, rollup.pay_known, rollup.gp, rollup.closed, rollup.terminated, rollup.commission, rollup.agent_commission, rollup.manager_commission],
    ['2025-09', 'closings', false, 1_375_050, 6, 1, 0, 0, 0],
  );

  assert.deepEqual(byName(rollup.agents), [
    // D4 acq 1,500 + D5 acq 2,000; closed 1 + 2; managers Devin (D4) and Maegan (D5) once each: the first seen.
    { name: 'Ana', type: 'acq', roles: ['acq'], manager: 'Devin', market: 'Camden, NJ', gp: 350_000, commission: 0, closed: 3, terminated: 0 },
    // The memo row only: its GP, no deals, no manager on the side.
    { name: 'Devin', type: 'acq', roles: ['acq'], manager: null, market: 'Phoenix, AZ', gp: 125_050, commission: 0, closed: 0, terminated: 0 },
    // acq D1 6,000 + D3 0 + D4 1,500 = 7,500, dispo D5 2,000; closed 1 + 0 + 1 + 2; Devin twice, Maegan once;
    // Philadelphia twice (D1, D3), Camden once, D4 nowhere.
    { name: 'Steve', type: 'acq', roles: ['acq', 'dispo'], manager: 'Devin', market: 'Philadelphia, PA', gp: 950_000, commission: 0, closed: 4, terminated: 1 },
    // 500 on each side: the tie goes to acq; no manager, no market.
    { name: 'Tia', type: 'acq', roles: ['acq', 'dispo'], manager: null, market: null, gp: 100_000, commission: 0, closed: 2, terminated: 0 },
    // dispo D1 6,000 + D6 1,000 against acq D6 1,000: dispo; the roles sorted though dispo came first.
    // Managers: Maegan (D1, D6 dispo) twice, Devin (D6 acq) once; Camden twice, Philadelphia once.
    { name: 'Vince', type: 'dispo', roles: ['acq', 'dispo'], manager: 'Maegan', market: 'Camden, NJ', gp: 800_000, commission: 0, closed: 3, terminated: 0 },
  ]);

  assert.deepEqual(byName(rollup.managers), [
    // acq of D1 (6,000), D3 (terminated), D4 (its whole 3,000: Ana's side names Devin), D6 (1,000).
    { name: 'Devin', commission: 0, team_gp: 1_000_000, team_closed: 3, team_terminated: 1, team: ['Ana', 'Steve', 'Vince'] },
    // dispo of D1 (6,000), D2 (1,250.50, the house side: no agent in the team), D5 (2,000), D6 (1,000),
    // and acq of D5 (2,000: once per deal and role); transactions 1 + 0 + 2 + 2 + 1.
    { name: 'Maegan', commission: 0, team_gp: 1_225_050, team_closed: 6, team_terminated: 0, team: ['Ana', 'Steve', 'Vince'] },
  ]);

  // In name order; D3's termination counts for Philadelphia, its GP does not; D2's memo row adds GP, no deal.
  assert.deepEqual(rollup.markets, [
    { name: 'Camden, NJ', closed: 3, terminated: 0, gp: 300_000 },
    { name: 'Philadelphia, PA', closed: 1, terminated: 1, gp: 600_000 },
    { name: 'Phoenix, AZ', closed: 0, terminated: 0, gp: 125_050 },
  ]);
});

test('an address gives a market only when it ends in city, state and an optional ZIP or country', () => {
  assert.equal(marketFromAddress('1 A St,Tulsa,OK'), 'Tulsa, OK');
  assert.equal(marketFromAddress('1 A St ,  Tulsa ,  ok.  74103 , USA '), 'Tulsa, OK');
  assert.equal(marketFromAddress('1 A St, Tulsa, OK 74103, United States'), 'Tulsa, OK');
  assert.equal(marketFromAddress('1 A St, Tulsa, OK 74103-2201'), 'Tulsa, OK');
  // A "city" that starts with a digit is a street number: no market.
  assert.equal(marketFromAddress('Tulsa, 1 A St, OK'), null);
  assert.equal(marketFromAddress('1 A St, Tulsa, Oklahoma'), null);
  assert.equal(marketFromAddress('1 A St, Tulsa, OK 7410'), null);
  assert.deepEqual(rollupFromClosings({ month: '2025-09', closings: [{ gp: 10, property: '1 A St', market: '  ', sides: [] }] }).markets, []);
});

// The payee-level import of the same month: pay for Steve and Devin, a payee no closing names
// (Rosa), and the managers' override for Devin and for Lee, who manages no closing this month.
const payees: MonthRollup = {
  month: '2025-09',
  source: 'payees',
  gp: 1_400_000,
  commission: 300_000,
  agent_commission: 250_000,
  manager_commission: 50_000,
  closed: 7,
  terminated: 2,
  agents: [
    { name: 'Steve', type: 'acq', manager: 'Devin', market: null, gp: 900_000, commission: 120_000, closed: 4, terminated: 1 },
    { name: 'Devin', type: 'acq', manager: null, market: null, gp: 100_000, commission: 10_000, closed: 1, terminated: 0 },
    { name: 'Rosa', type: 'dispo', manager: null, market: 'Reading, PA', gp: 50_000, commission: 5_000, closed: 1, terminated: 0 },
  ],
  managers: [
    { name: 'Devin', commission: 30_000 },
    { name: 'Lee', commission: 20_000 },
  ],
  markets: [{ name: 'Reading, PA', closed: 1, terminated: 0, gp: 50_000 }],
};

test('a month with payees and closings: closings for GP, deals, teams and markets, the import for pay', () => {
  const closings = rollupFromClosings(month);
  const merged = mergeMonthRollups(payees, closings);
  assert.deepEqual(
    [merged.source, merged.pay_known, merged.gp, merged.closed, merged.terminated, merged.commission, merged.agent_commission, merged.manager_commission],
    ['both', true, 1_375_050, 6, 1, 300_000, 250_000, 50_000],
  );
  assert.deepEqual(merged.markets, closings.markets);
  const agents = new Map(merged.agents.map((agent) => [agent.name, agent]));
  assert.deepEqual([...agents.keys()].sort(), ['Ana', 'Devin', 'Rosa', 'Steve', 'Tia', 'Vince']);
  // Closings' figures, the import's pay; an agent the import did not pay earns 0; Rosa keeps her import row.
  assert.deepEqual([agents.get('Steve')!.gp, agents.get('Steve')!.closed, agents.get('Steve')!.commission], [950_000, 4, 120_000]);
  assert.equal(agents.get('Devin')!.commission, 10_000);
  assert.equal(agents.get('Vince')!.commission, 0);
  assert.deepEqual(agents.get('Rosa'), payees.agents[2]);
  const managers = new Map(merged.managers.map((manager) => [manager.name, manager]));
  assert.deepEqual(managers.get('Devin'), { ...closings.managers.find((manager) => manager.name === 'Devin')!, commission: 30_000 });
  assert.equal(managers.get('Maegan')!.commission, 0);
  assert.deepEqual(managers.get('Lee'), { name: 'Lee', commission: 20_000 });
  assert.equal(merged.managers.length, 3);
  // The inputs are left as they were.
  assert.equal(closings.agents.find((agent) => agent.name === 'Steve')!.commission, 0);
  assert.equal(closings.source, 'closings');
});

test('approved statements are the month’s pay, each on one row, whatever the import said', () => {
  const merged = mergeMonthRollups(payees, rollupFromClosings(month));
  const paid = withApprovedPay(merged, {
    total: 500_000,
    managerTotal: 90_000,
    statements: [
      // A team lead's personal and override pay are one statement: on the manager row, not the agent row.
      { payee: 'Devin', total: 90_000, roles: ['acq', 'manager'] },
      { payee: 'Steve', total: 150_000, roles: ['acq', 'dispo'] },
      { payee: 'Steve', total: 1_000, roles: ['acq'] },
      // A sprint prize for a rep with no closings: a row with no GP or deals.
      { payee: 'Kim', total: 25_000, roles: ['dispo'] },
      // A senior leader paid on company GP, and a manager with no row this month: the totals only.
      { payee: 'Boss', total: 200_000, roles: ['company'] },
      { payee: 'Pat', total: 34_000, roles: ['manager'] },
    ],
  });
  assert.deepEqual(
    [paid.pay_known, paid.commission, paid.agent_commission, paid.manager_commission, paid.gp, paid.closed],
    [true, 500_000, 410_000, 90_000, 1_375_050, 6],
  );
  const agents = new Map(paid.agents.map((agent) => [agent.name, agent]));
  assert.equal(agents.get('Steve')!.commission, 151_000);
  // The import's pay is replaced: Devin's agent row, Rosa and Vince are paid 0 now.
  assert.equal(agents.get('Devin')!.commission, 0);
  assert.equal(agents.get('Rosa')!.commission, 0);
  assert.equal(agents.get('Vince')!.commission, 0);
  assert.deepEqual(agents.get('Kim'), { name: 'Kim', type: 'dispo', roles: ['dispo'], manager: null, market: null, gp: 0, commission: 25_000, closed: 0, terminated: 0 });
  assert.equal(agents.has('Boss'), false);
  assert.equal(agents.has('Pat'), false);
  assert.equal(paid.agents.length, merged.agents.length + 1);
  const managers = new Map(paid.managers.map((manager) => [manager.name, manager]));
  assert.equal(managers.get('Devin')!.commission, 90_000);
  assert.equal(managers.get('Maegan')!.commission, 0);
  // Lee, whose row the payee import brought, is named by no statement: paid 0.
  assert.equal(managers.get('Lee')!.commission, 0);
  assert.equal(managers.has('Pat'), false);
  // Nothing of the merged month was changed in place.
  assert.equal(merged.agents.find((agent) => agent.name === 'Steve')!.commission, 120_000);
  assert.equal(merged.managers.find((manager) => manager.name === 'Devin')!.commission, 30_000);
});
