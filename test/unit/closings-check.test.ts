import assert from 'node:assert/strict';
import test from 'node:test';
import { checkClosingsMonth, WARNINGS_PER_KIND } from '../../src/domain/closings/check.js';
import type { ClosingsMonth } from '../../src/domain/closings/closing.js';
import { closingMarket, marketFromAddress, rollupFromClosings } from '../../src/domain/closings/rollup.js';

const today = new Date('2025-10-15T12:00:00Z');
const month = (closings: unknown[], extra: Record<string, unknown> = {}) => ({ month: '2025-09', closings, ...extra }) as unknown as ClosingsMonth;
const pointers = (document: ClosingsMonth) => checkClosingsMonth(document, { today }).errors.map((error) => error.pointer);

test('every invalid value is reported at once, each at its pointer', () => {
  const document = month(
    [
      { gp: 1.005, transactions: -1, date: '2025-08-31', sides: [{ role: 'acq', agent: 'A', credit: 1.5 }] },
      { gp: 10, status: 'open', attributes: { nested: { no: true } }, sides: [{ role: 'lead', agent: '' }, { role: 'dispo' }] },
      { sides: [] },
    ],
    { adjustments: [{ payee: 'A', amount: 0, reason: 'gift' }, { payee: ' ', amount: 1.111, reason: 'bonus', note: 5 }] },
  );
  assert.deepEqual(pointers(document), [
    '/closings/0/date',
    '/closings/0/gp',
    '/closings/0/transactions',
    '/closings/0/sides/0/credit',
    '/closings/1/status',
    '/closings/1/attributes/nested',
    '/closings/1/sides/0/role',
    '/closings/1/sides/0/agent',
    '/closings/1/sides/1/agent',
    '/closings/2/gp',
    '/adjustments/0/amount',
    '/adjustments/0/reason',
    '/adjustments/1/payee',
    '/adjustments/1/amount',
    '/adjustments/1/note',
  ]);
});

test('a split role may credit at most 1 in all; the same agent twice on a role is an error', () => {
  const split = (a: number | string, b: number | string) =>
    month([{ gp: 100, sides: [{ role: 'acq', agent: 'A', credit: a }, { role: 'acq', agent: 'B', credit: b }] }]);
  assert.deepEqual(pointers(split(0.5, '0.5')), []);
  assert.deepEqual(pointers(split('0.333333333333', '0.666666666667')), []);
  assert.deepEqual(pointers(split(0.5, 0.6)), ['/closings/0/sides/1/credit']);
  // Two sides without a credit each credit 1: a duplicated row, not a split.
  assert.deepEqual(pointers(month([{ gp: 1, sides: [{ role: 'acq', agent: 'A' }, { role: 'acq', agent: 'B' }] }])), ['/closings/0/sides/1/credit']);
  assert.deepEqual(
    pointers(month([{ gp: 1, sides: [{ role: 'acq', agent: 'A', credit: 0.5 }, { role: 'acq', agent: 'A', credit: 0.5 }] }])),
    ['/closings/0/sides/1/agent'],
  );
  assert.deepEqual(pointers(month([{ gp: 1, sides: [{ role: 'acq', agent: 'A', credit: '0.1234567890123' }] }])), ['/closings/0/sides/0/credit']);
});

test('row numbers of a spreadsheet are named in messages', () => {
  const result = checkClosingsMonth(month([{ gp: 1 }, { gp: 'x', sides: [] }]), { today, rowNumbers: [2, 3] });
  assert.deepEqual(result.errors, [
    { pointer: '/closings/0/sides', message: 'must be an array of sides (an empty one for a house deal) (row 2)' },
    { pointer: '/closings/1/gp', message: 'must be an amount with at most 2 decimals and below 10000000000000 in magnitude (row 3)' },
  ]);
});

test('warnings: the house, new people, GP above the fee, duplicate addresses with different GP, many of a kind summarised', () => {
  const result = checkClosingsMonth(
    month([
      { property: '1 Main St, Dayton, OH 45402', gp: 7000, assignment_fee: 6000, sides: [{ role: 'acq', agent: 'Known' }, { role: 'dispo', agent: null, manager: 'New Boss' }] },
      { property: '1 MAIN ST,  Dayton OH 45402', gp: 7100, sides: [{ role: 'acq', agent: 'known ' }] },
    ]),
    { today, knownPeople: ['KNOWN'] },
  );
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, [
    "Closing 1: the dispo side has no agent (the house's)",
    'Closing 1: GP 7000.00 is above its assignment fee 6000.00',
    "Closing 2: '1 MAIN ST,  Dayton OH 45402' is also closing 1, with GP 7000.00 instead of 7100.00",
    "'New Boss' has not been seen before in this organisation",
  ]);
  const many = checkClosingsMonth(month(Array.from({ length: 30 }, () => ({ gp: 1, sides: [{ role: 'acq', agent: null }] }))), { today });
  assert.equal(many.warnings.length, WARNINGS_PER_KIND + 1);
  assert.equal(many.warnings.at(-1), '... and 10 more like it (sides with no agent)');
});

test('markets from the closing, else from the address city and state', () => {
  assert.equal(marketFromAddress('5118 Reno St, Philadelphia, PA 19139'), 'Philadelphia, PA');
  assert.equal(marketFromAddress('12 Oak Ave, Apt 3, San Antonio, tx 78205-1234'), 'San Antonio, TX');
  assert.equal(marketFromAddress('12 Oak Ave, PA 19139'), null);
  assert.equal(marketFromAddress('12 Oak Ave'), null);
  assert.equal(closingMarket({ market: 'Phoenix, AZ', property: '1 A St, Tulsa, OK 74103' })?.startsWith('Phoenix'), true);
});

test('the roll-up of a closings month: company GP once, credited GP rounded once per person, no pay', () => {
  // 100.01 split three ways by thirds: each credited 33.336666...; the roll-up rounds each once (33.34).
  const rollup = rollupFromClosings(
    month([
      {
        gp: 100.01,
        sides: [
          { role: 'acq', agent: 'A', credit: '0.333333333333', manager: 'M' },
          { role: 'acq', agent: 'B', credit: '0.333333333333', manager: 'M' },
          { role: 'dispo', agent: 'A', manager: 'N' },
        ],
      },
      { gp: 50, transactions: 0, sides: [{ role: 'dispo', agent: 'B' }] },
    ]),
  );
  assert.equal(rollup.gp, 15001);
  assert.equal(rollup.closed, 1);
  assert.equal(rollup.pay_known, false);
  assert.equal(rollup.commission, 0);
  const a = rollup.agents.find((agent) => agent.name === 'A')!;
  // 10001 × 0.333333333333 = 3333.6666666633 cents + 10001 (dispo) = 13334.67 → 13335 cents.
  assert.deepEqual([a.gp, a.type, a.roles, a.closed], [13335, 'dispo', ['acq', 'dispo'], 2]);
  const b = rollup.agents.find((agent) => agent.name === 'B')!;
  // 3333.67 (acq) + 5000 (dispo memo row) = 8333.67 → 8334; dispo earned more.
  assert.deepEqual([b.gp, b.type, b.closed], [8334, 'dispo', 1]);
  const m = rollup.managers.find((manager) => manager.name === 'M')!;
  assert.deepEqual([m.team_gp, m.team_closed, m.team], [10001, 1, ['A', 'B']]);
});

test('a credit read back as a tiny JSON number (1e-12) is still a valid credit', () => {
  assert.deepEqual(pointers(month([{ gp: 1, sides: [{ role: 'acq', agent: 'A', credit: 1e-12 }] }])), []);
  assert.deepEqual(pointers(month([{ gp: 1, sides: [{ role: 'acq', agent: 'A', credit: 1e-13 }] }])), ['/closings/0/sides/0/credit']);
});
