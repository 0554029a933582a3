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

// What follows pins each rule of the check to its message, its bound and its pointer (the mutation
// run over src/domain/closings/check.ts found them asserted only by pointer, or not at all).
const errorsOf = (document: unknown, options: Partial<Parameters<typeof checkClosingsMonth>[1]> = {}) =>
  checkClosingsMonth(document as ClosingsMonth, { today, ...options }).errors;
const AMOUNT = 'must be an amount with at most 2 decimals and below 10000000000000 in magnitude';
const NO_TOTALS = { gpCents: 0, transactions: 0, closed: 0, terminated: 0 };

test('the document itself: an object with month, closings and adjustments only, each of its kind', () => {
  for (const document of [null, 5, 'x', []]) {
    assert.deepEqual(checkClosingsMonth(document as unknown as ClosingsMonth, { today }), {
      errors: [{ pointer: '', message: 'must be an object {month, closings, adjustments?}' }],
      warnings: [],
      totals: NO_TOTALS,
    });
  }
  assert.deepEqual(errorsOf({ month: 202509, closings: {}, adjustments: 'none', extra: 1 }), [
    { pointer: '/extra', message: 'is not a field of a closings month' },
    { pointer: '/month', message: 'must be a month written YYYY-MM' },
    { pointer: '/closings', message: 'must be an array of closings' },
    { pointer: '/adjustments', message: 'must be an array of adjustments' },
  ]);
  assert.deepEqual(errorsOf({ month: '2025-00', closings: [] }), [{ pointer: '/month', message: 'must be a month written YYYY-MM' }]);
});

test('at most 50,000 closings and 5,000 adjustments: one error for the array, none for its items', () => {
  // 50,001 items that are not closings: the bound is reported and the items are not looked at.
  assert.deepEqual(errorsOf({ month: '2025-09', closings: Array.from({ length: 50_001 }, () => 0) }), [
    { pointer: '/closings', message: 'must hold at most 50000 closings' },
  ]);
  assert.deepEqual(errorsOf({ month: '2025-09', closings: Array.from({ length: 50_000 }, () => ({ gp: 1, sides: [] })) }), []);
  const adjustment = { payee: 'A', amount: 1, reason: 'bonus' };
  assert.deepEqual(errorsOf({ month: '2025-09', closings: [], adjustments: Array.from({ length: 5_001 }, () => 0) }), [
    { pointer: '/adjustments', message: 'must hold at most 5000 adjustments' },
  ]);
  assert.deepEqual(errorsOf({ month: '2025-09', closings: [], adjustments: Array.from({ length: 5_000 }, () => adjustment) }), []);
});

test("a closing's fields: each rule's message, with the spreadsheet row, at its bound and one past it", () => {
  const long = (n: number) => 'x'.repeat(n);
  const closings = [
    5,
    { id: ' ', gp: 1, sides: [], colour: 'red' },
    { id: long(101), gp: 1, sides: [] },
    { id: long(100), gp: 1, sides: [] },
    { id: 'D-1', gp: 1, sides: [] },
    { id: 'D-1', gp: 1, sides: [] },
    { date: 20250901, gp: 1, sides: [] },
    { date: '2025-09-31', gp: 1, sides: [] },
    { date: '2025-10-01', gp: 1, sides: [] },
    { date: '2025-09-30', property: long(500), market: 'Dayton, OH', gp: 1, sides: [] },
    { property: long(501), market: ' ', gp: 1, sides: [] },
    { gp: '100', assignment_fee: '5', sides: [] },
    { sides: [] },
    { gp: 1, transactions: 1.5, sides: [] },
    { gp: 1, transactions: '2', sides: [] },
    { gp: 1, transactions: 1_000_001, sides: [] },
    { gp: 1, transactions: -1, sides: [] },
    { gp: 1, transactions: 1_000_000, status: 'terminated', sides: [] },
    { gp: 1, transactions: 0, status: 'closed', sides: [] },
    { gp: 1, status: 'open', sides: [] },
  ];
  const rowNumbers = closings.map((_, index) => index + 2);
  assert.deepEqual(errorsOf({ month: '2025-09', closings }, { rowNumbers }), [
    { pointer: '/closings/0', message: 'must be an object (row 2)' },
    { pointer: '/closings/1/colour', message: 'is not a field of a closing (row 3)' },
    { pointer: '/closings/1/id', message: 'must be a non-blank text of at most 100 characters (row 3)' },
    { pointer: '/closings/2/id', message: 'must be a non-blank text of at most 100 characters (row 4)' },
    { pointer: '/closings/5/id', message: 'repeats the id of /closings/4 (row 7)' },
    { pointer: '/closings/6/date', message: 'must be a date written YYYY-MM-DD (row 8)' },
    { pointer: '/closings/7/date', message: 'must be a date written YYYY-MM-DD (row 9)' },
    { pointer: '/closings/8/date', message: 'is not in 2025-09 (row 10)' },
    { pointer: '/closings/10/property', message: 'must be a non-blank text of at most 500 characters (row 12)' },
    { pointer: '/closings/10/market', message: 'must be a non-blank text of at most 500 characters (row 12)' },
    { pointer: '/closings/11/gp', message: `${AMOUNT} (row 13)` },
    { pointer: '/closings/11/assignment_fee', message: `${AMOUNT} (row 13)` },
    { pointer: '/closings/12/gp', message: 'is required (row 14)' },
    { pointer: '/closings/13/transactions', message: 'must be a whole number from 0 to 1000000 (row 15)' },
    { pointer: '/closings/14/transactions', message: 'must be a whole number from 0 to 1000000 (row 16)' },
    { pointer: '/closings/15/transactions', message: 'must be a whole number from 0 to 1000000 (row 17)' },
    { pointer: '/closings/16/transactions', message: 'must be a whole number from 0 to 1000000 (row 18)' },
    { pointer: '/closings/19/status', message: 'must be closed or terminated (row 21)' },
  ]);
  // Without a valid month, a date is only checked for being a date.
  assert.deepEqual(errorsOf({ month: 'September', closings: [{ date: '2025-10-01', gp: 1, sides: [] }] }), [
    { pointer: '/month', message: 'must be a month written YYYY-MM' },
  ]);
});

test('attributes: an object of at most 50 booleans, finite numbers and texts of at most 500 characters; names escaped in pointers', () => {
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, i % 2 === 0]));
  const fiftyOne = { ...fifty, a50: true };
  const closings = [
    { gp: 1, sides: [], attributes: [] },
    { gp: 1, sides: [], attributes: fiftyOne },
    { gp: 1, sides: [], attributes: fifty },
    { gp: 1, sides: [], attributes: { ' ': true, [`k${'x'.repeat(100)}`]: 1, 'a/b~c': Infinity, text: 'x'.repeat(501), none: null } },
    { gp: 1, sides: [], attributes: { flat_fee: true, score: -2.5, note: 'x'.repeat(500), [`k${'x'.repeat(99)}`]: 'ok' } },
  ];
  const valueMessage = 'must be a boolean, a finite number or a text of at most 500 characters';
  assert.deepEqual(errorsOf({ month: '2025-09', closings }), [
    { pointer: '/closings/0/attributes', message: 'must be an object of booleans, texts and numbers' },
    { pointer: '/closings/1/attributes', message: 'must have at most 50 attributes' },
    { pointer: '/closings/3/attributes/ ', message: 'an attribute name must be a non-blank text of at most 100 characters' },
    { pointer: `/closings/3/attributes/k${'x'.repeat(100)}`, message: 'an attribute name must be a non-blank text of at most 100 characters' },
    { pointer: '/closings/3/attributes/a~1b~0c', message: valueMessage },
    { pointer: '/closings/3/attributes/text', message: valueMessage },
    { pointer: '/closings/3/attributes/none', message: valueMessage },
  ]);
});

test("sides: at most 8, each an object {role, agent, manager?, credit?} with names of at most 200 characters", () => {
  const quarter = (role: string, agent: string) => ({ role, agent, credit: 0.25 });
  const eight = ['A', 'B', 'C', 'D'].flatMap((name) => [quarter('acq', name), quarter('dispo', name)]);
  const closings = [
    { gp: 1, sides: 'none' },
    { gp: 1, sides: [...eight, quarter('acq', 'E')] },
    { gp: 1, sides: eight },
    { gp: 1, sides: ['x', { role: 'acq', agent: 'A', share: 1 }, { role: 'dispo' }] },
    { gp: 1, sides: [{ role: 'acq', agent: 'x'.repeat(201) }, { role: 'dispo', agent: 'x'.repeat(200), manager: '' }] },
    { gp: 1, sides: [{ role: 'acq', agent: null, manager: null }, { role: 'dispo', agent: 'B', manager: 5 }] },
    // Sides without a valid role credit nothing: two of them are not a credit over 1.
    { gp: 1, sides: [{ role: 'lead', agent: 'A' }, { role: 'lead', agent: 'B' }] },
    { gp: 1, sides: [{ role: 'acq', agent: 'A', credit: true }] },
  ];
  const nameMessage = 'must be a non-blank name of at most 200 characters, or null';
  assert.deepEqual(errorsOf({ month: '2025-09', closings }), [
    { pointer: '/closings/0/sides', message: 'must be an array of sides (an empty one for a house deal)' },
    { pointer: '/closings/1/sides', message: 'must have at most 8 sides' },
    { pointer: '/closings/3/sides/0', message: 'must be an object {role, agent, manager?, credit?}' },
    { pointer: '/closings/3/sides/1/share', message: 'is not a field of a side' },
    { pointer: '/closings/3/sides/2/agent', message: 'is required (null for the house)' },
    { pointer: '/closings/4/sides/0/agent', message: nameMessage },
    { pointer: '/closings/4/sides/1/manager', message: nameMessage },
    { pointer: '/closings/5/sides/1/manager', message: nameMessage },
    { pointer: '/closings/6/sides/0/role', message: 'must be acq or dispo' },
    { pointer: '/closings/6/sides/1/role', message: 'must be acq or dispo' },
    { pointer: '/closings/7/sides/0/credit', message: 'must be a fraction from 0 to 1 (at most 12 decimals), as a number or a decimal text' },
  ]);
  const split = errorsOf({ month: '2025-09', closings: [{ gp: 1, sides: [{ role: 'acq', agent: 'A', credit: 0.5 }, { role: 'acq', agent: 'B', credit: 0.6 }, { role: 'acq', agent: ' a ', credit: 0 }] }] });
  assert.deepEqual(split, [
    { pointer: '/closings/0/sides/1/credit', message: "brings the acq sides' credits to 1.1: together they may credit at most 1 (give each side of a split its credit)" },
    { pointer: '/closings/0/sides/2/agent', message: "is already an agent of this closing's acq side" },
    // Its credit of 0 still leaves the role at 1.1.
    { pointer: '/closings/0/sides/2/credit', message: "brings the acq sides' credits to 1.1: together they may credit at most 1 (give each side of a split its credit)" },
  ]);
});

test('credits: numbers and decimal texts from 0 to 1 with at most 12 decimals, exact', async () => {
  const { parseCredit } = await import('../../src/domain/closings/check.js');
  const read = (value: unknown) => parseCredit(value)?.toString() ?? null;
  for (const [value, expected] of [
    [0, '0'], [1, '1'], [0.5, '0.5'], ['0', '0'], ['1', '1'], ['1.000', '1'], [' 0.25 ', '0.25'], ['.5', '0.5'], ['0.000000000001', '1e-12'],
  ] as const) {
    assert.equal(read(value), expected, JSON.stringify(value));
  }
  for (const value of [-0.1, 1.0000001, Number.NaN, Infinity, '1.5', '1.01', '2', '0.', '00.5', 'x0.5', '0.5x', '-0.5', '0.1234567890123', '', true, null, undefined]) {
    assert.equal(read(value), null, JSON.stringify(value));
  }
});

test('adjustments: each rule with its message', () => {
  const adjustments = [
    'x',
    { payee: 'A', amount: 5, reason: 'bonus', memo: 'x' },
    { payee: 'x'.repeat(201), reason: 'bonus' },
    { payee: 'x'.repeat(200), amount: '5', reason: 'gift' },
    { payee: 'A', amount: 0, reason: 'other', note: 'x'.repeat(501) },
    { payee: 'A', amount: -5.5, reason: 'correction', note: 'x'.repeat(500) },
    { payee: 'A', amount: 5, reason: 'sprint', note: 5 },
  ];
  assert.deepEqual(errorsOf({ month: '2025-09', closings: [], adjustments }), [
    { pointer: '/adjustments/0', message: 'must be an object {payee, amount, reason, note?}' },
    { pointer: '/adjustments/1/memo', message: 'is not a field of an adjustment' },
    { pointer: '/adjustments/2/payee', message: 'must be a non-blank name of at most 200 characters' },
    { pointer: '/adjustments/2/amount', message: 'is required' },
    { pointer: '/adjustments/3/amount', message: AMOUNT },
    { pointer: '/adjustments/3/reason', message: 'must be one of sprint, mentor, true_up, correction, bonus, other' },
    { pointer: '/adjustments/4/amount', message: 'must not be 0 (negative amounts are allowed)' },
    { pointer: '/adjustments/4/note', message: 'must be a text of at most 500 characters' },
    { pointer: '/adjustments/6/note', message: 'must be a text of at most 500 characters' },
  ]);
});

test("totals, the company-GP guard and the month's warnings", () => {
  const ok = checkClosingsMonth(
    month([{ gp: 10.5, sides: [] }, { gp: 2, transactions: 3, sides: [] }, { gp: 7, status: 'terminated', sides: [] }]),
    { today },
  );
  // 10.50 + 2.00 = 12.50 of company GP; the terminated deal's 7.00 and transaction do not count.
  assert.deepEqual(ok.totals, { gpCents: 1250, transactions: 4, closed: 2, terminated: 1 });
  // Each GP is below 10^13, but together they reach it: refused with the totals withheld.
  for (const gps of [[6e12, 6e12], [5e12, 5e12], [-6e12, -6e12]]) {
    const result = checkClosingsMonth(month(gps.map((gp) => ({ gp, sides: [] }))), { today });
    assert.deepEqual(result.errors, [{ pointer: '/closings', message: 'company GP adds up to 10000000000000 or more in magnitude' }], String(gps));
    assert.deepEqual(result.totals, NO_TOTALS);
  }
  // 4,999,999,999,999.99 + 5,000,000,000,000 = 9,999,999,999,999.99: just below.
  assert.deepEqual(checkClosingsMonth(month([{ gp: 4999999999999.99, sides: [] }, { gp: 5e12, sides: [] }]), { today }).errors, []);
  const invalid = checkClosingsMonth(month([{ gp: 'x', sides: [] }]), { today });
  assert.deepEqual(invalid.totals, NO_TOTALS);

  assert.deepEqual(checkClosingsMonth(month([]), { today }).warnings, ['The month 2025-09 has no closings']);
  const at = (monthText: string, now: Date) => checkClosingsMonth({ month: monthText, closings: [{ gp: 1, sides: [{ role: 'acq', agent: 'A' }] }] } as ClosingsMonth, { today: now }).warnings;
  assert.deepEqual(at('2025-10', today), [], 'the current month is not in the future');
  assert.deepEqual(at('2025-11', today), ['The month 2025-11 is in the future']);
  // 1 October 00:30 in UTC+2 is still 30 September in UTC: October is the future there.
  assert.deepEqual(at('2025-10', new Date('2025-10-01T00:30:00+02:00')), ['The month 2025-10 is in the future']);
  assert.deepEqual(at('2025-09', new Date('2025-09-30T23:59:59Z')), []);
});

test('warnings name the closing by number, id and row; duplicates compare with the first; new names trimmed', () => {
  const result = checkClosingsMonth(
    month([
      { id: 'D-7', gp: 100, assignment_fee: 100, property: '1 Main St. #4, Dayton', sides: [] },
      { gp: 200, property: ' 1 main st 4 dayton ', sides: [{ role: 'acq', agent: ' Newbie ', manager: 'known' }] },
      { gp: 200, property: '1 MAIN ST 4 DAYTON', sides: [{ role: 'acq', agent: 'Known' }] },
      { gp: 100, property: '1 Main St 4 Dayton', sides: [{ role: 'dispo', agent: null }] },
    ]),
    { today, knownPeople: ['KNOWN'], rowNumbers: [2, 3, 4, 5] },
  );
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, [
    "Closing 1 (D-7) (row 2) has no sides: the house's deal",
    "Closing 2 (row 3): '1 main st 4 dayton' is also closing 1 (row 2), with GP 100.00 instead of 200.00",
    "Closing 3 (row 4): '1 MAIN ST 4 DAYTON' is also closing 1 (row 2), with GP 100.00 instead of 200.00",
    "Closing 4 (row 5): the dispo side has no agent (the house's)",
    "'Newbie' has not been seen before in this organisation",
  ]);
  // GP equal to the fee is not above it; without known people, nobody is new.
  assert.deepEqual(checkClosingsMonth(month([{ gp: 100, assignment_fee: 100, sides: [{ role: 'acq', agent: 'Anyone' }] }]), { today }).warnings, []);
});
