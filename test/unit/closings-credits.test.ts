import assert from 'node:assert/strict';
import test from 'node:test';
import type { Closing } from '../../src/domain/closings/closing.js';
import { companyTotals, creditsOf, totalsByPerson } from '../../src/domain/closings/credits.js';

// Worked by hand: three deals, one two-sided, one memo row (0 transactions), one house side,
// one terminated deal, and a person who is an agent on one row and a manager on another.
const closings: Closing[] = [
  { gp: 6000, transactions: 1, sides: [ { role: 'acq', agent: 'Steve', manager: 'Devin' }, { role: 'dispo', agent: 'Vince', manager: 'Maegan' } ] },
  { gp: 1250.5, transactions: 0, sides: [ { role: 'acq', agent: 'Devin', manager: null }, { role: 'dispo', agent: null, manager: 'Maegan' } ] },
  { gp: 900, status: 'terminated', sides: [ { role: 'acq', agent: 'Steve', manager: 'Devin' } ] },
  { gp: 3000, sides: [ { role: 'acq', agent: 'Steve', credit: '0.5' }, { role: 'acq', agent: 'Ana', credit: 0.5 } ] },
];

test('company GP and transactions count each closed deal once', () => {
  // 6,000 + 1,250.50 + 3,000 = 10,250.50; transactions 1 + 0 + 1 (default) = 2; the terminated 900 is not GP.
  assert.deepEqual(companyTotals(closings), { gpCents: 1_025_050, transactions: 2, closed: 3, terminated: 1 });
});

test('sides credit agents (GP × credit) and managers (team GP) per role', () => {
  const byKey = new Map(totalsByPerson(creditsOf(closings)).map((t) => [`${t.kind}/${t.role}/${t.person}`, t]));
  const gp = (key: string) => byKey.get(key)?.gpCents.toString();
  assert.equal(gp('agent/acq/Steve'), '750000'); // 6,000 + 0 (terminated) + 1,500 (half of 3,000)
  assert.equal(byKey.get('agent/acq/Steve')?.deals, 3);
  assert.equal(byKey.get('agent/acq/Steve')?.terminations, 1);
  assert.equal(gp('agent/acq/Ana'), '150000');
  assert.equal(gp('agent/dispo/Vince'), '600000');
  assert.equal(gp('agent/acq/Devin'), '125050'); // the memo row
  assert.equal(byKey.get('agent/acq/Devin')?.transactions, 0);
  assert.equal(gp('manager/acq/Devin'), '600000'); // Devin is also a manager
  assert.equal(gp('manager/dispo/Maegan'), '725050'); // 6,000 + 1,250.50, the house side included
  assert.equal(byKey.size, 6); // Steve, Ana, Vince, Devin as agents; Devin, Maegan as managers: the house side credits no agent
});
