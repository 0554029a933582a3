/** Cell readers: every cell form of the contract, read to the exact cent, and the forms refused. */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { amountTextToCents, dateTextToIso, readAmount, readAttribute, readCount, readCredit, readDate, serialToIso } from '../../src/domain/closings/cells.js';

test('amounts as spreadsheets write them, in integer cents', () => {
  const cases: [string, number][] = [
    [' $5,000 ', 500_000],
    ['$1,234.50', 123_450],
    ['-$250.00', -25_000],
    ['$-250.00', -25_000],
    ['(250.00)', -25_000],
    ['($1,250.5)', -125_050],
    ['$ 6,000.00', 600_000],
    ['6000', 600_000],
    ['0.1', 10],
    ['.5', 50],
    ['1,234,567.89', 123_456_789],
    ['1234.500', 123_450], // trailing zeros past the cents are still exact
    ['\u00a0$5,000\u00a0', 500_000], // no-break spaces around, as Excel's accounting format pads
    ['$ -', 0], // the accounting format's zero
    [' -   ', 0],
    ['+100', 10_000],
    ['-0.00', 0],
  ];
  for (const [text, cents] of cases) assert.equal(amountTextToCents(text), cents, text);
  assert.ok(Object.is(amountTextToCents('-0.00'), 0));
});

test('amounts refused: letters, a third decimal, bad grouping, two signs, decimal commas without the mapping saying so', () => {
  for (const text of ['12O0', '1.234', '1,00', '1,2345', '5.000,50', '--5', '-(5)', '(-5)', '$$5', '5 000.50', 'USD 5', '1e3', '.', '$', '()', '10000000000000.00']) {
    assert.equal(amountTextToCents(text), null, text);
  }
  assert.equal(amountTextToCents('1.005'), null); // never rounded away: 1.005 is not an amount with 2 decimals
});

test('decimal commas: 5.000,50 and 5 000,50; a point is then a thousands separator only', () => {
  assert.equal(amountTextToCents('5.000,50', ','), 500_050);
  assert.equal(amountTextToCents('5 000,50', ','), 500_050);
  assert.equal(amountTextToCents('-1.234.567,8', ','), -123_456_780);
  assert.equal(amountTextToCents('(12,30)', ','), -1_230);
  assert.equal(amountTextToCents('7500', ','), 750_000);
  assert.equal(amountTextToCents('5.00', ','), null);
  assert.equal(amountTextToCents('5,005', ','), null);
});

test('any amount of cents written with grouping, sign and currency reads back exactly (no float on the way)', () => {
  fc.assert(
    fc.property(fc.integer({ min: -99_999_999_999_99, max: 99_999_999_999_99 }), fc.boolean(), fc.boolean(), (cents, parentheses, dollar) => {
      const magnitude = Math.abs(cents);
      const whole = Math.floor(magnitude / 100).toLocaleString('en-US');
      const text = `${dollar ? '$' : ''}${whole}.${String(magnitude % 100).padStart(2, '0')}`;
      const written = cents < 0 ? (parentheses ? `(${text})` : `-${text}`) : text;
      assert.equal(amountTextToCents(written), cents === 0 ? 0 : cents, written);
      const european = written.replace(/,/g, ' ').replace('.', ',');
      assert.equal(amountTextToCents(european, ','), cents === 0 ? 0 : cents, european);
    }),
  );
});

test('xlsx number cells: the stored value at Excel’s 15 digits, at most 2 decimals', () => {
  assert.deepEqual(readAmount(5000), { ok: true, value: 500_000 });
  assert.deepEqual(readAmount(0.1 + 0.2), { ok: true, value: 30 }); // 0.30000000000000004 is 0.3 at 15 digits
  assert.deepEqual(readAmount(1234.45 * 3), { ok: true, value: 370_335 }); // 3703.3500000000004
  assert.equal(readAmount(1234.567).ok, false);
  // A formula "fee − cost" leaves binary noise that 15 digits keep (13.8299999998417); the cell shows
  // 13.83, and that is the cent read. Differences worked out by hand: 1,234,567.89 − 1,234,554.06 = 13.83;
  // 250,000.10 − 249,986.27 = 13.83; 3 × 123,456.78 − 370,370.34 = 0.00.
  assert.deepEqual(readAmount(1234567.89 - 1234554.06), { ok: true, value: 1383 });
  assert.deepEqual(readAmount(250000.1 - 249986.27), { ok: true, value: 1383 });
  assert.deepEqual(readAmount(123456.78 * 3 - 370370.34), { ok: true, value: 0 });
  assert.deepEqual(readAmount(-(98765.43 - 98751.6)), { ok: true, value: -1383 });
  // A real third decimal is still refused, however close to a cent: 13.835, 13.8301, 13.83001.
  for (const value of [13.835, 13.8301, 13.83001]) assert.equal(readAmount(value).ok, false, String(value));
  assert.deepEqual(readAmount({ error: '#REF!' }), { ok: false, problem: 'the cell holds the error #REF!' });
  assert.deepEqual(readAmount('12O0'), { ok: false, problem: 'cannot read "12O0" as an amount' });
});

test('dates: 9/30/25, 09/30/2025, 2025-09-30, with a time after them, xlsx serials and Date cells', () => {
  for (const text of ['9/30/25', '09/30/2025', '2025-09-30', ' 9/30/2025 ', '2025-09-30 00:00:00', '9/30/25 4:05 PM', '2025-09-30T00:00:00Z']) {
    assert.equal(dateTextToIso(text), '2025-09-30', text);
  }
  assert.equal(dateTextToIso('1/2/29'), '2029-01-02'); // Excel: 00–29 are 20xx
  assert.equal(dateTextToIso('1/2/30'), '1930-01-02');
  for (const text of ['9/31/25', '13/1/25', '2/29/25', '2025-9-30', '30.09.2025', 'Sept 30', '45930']) assert.equal(dateTextToIso(text), null, text);
  assert.equal(dateTextToIso('2/29/24'), '2024-02-29');
  // Serial 45930 is 2025-09-30 (1900 system); 365 days earlier, 45565.75, is 2024-09-30 at 18:00: the day is taken.
  assert.equal(serialToIso(45930), '2025-09-30');
  assert.equal(serialToIso(45565.75), '2024-09-30');
  assert.equal(serialToIso(61), '1900-03-01');
  assert.equal(serialToIso(59), '1900-02-28');
  assert.equal(serialToIso(60), null); // Lotus's 1900-02-29 never was
  assert.equal(serialToIso(44468, true), '2025-09-30'); // the 1904 system is 1,462 days behind
  assert.deepEqual(readDate(45930), { ok: true, value: '2025-09-30' });
  assert.deepEqual(readDate(new Date(Date.UTC(2025, 8, 30))), { ok: true, value: '2025-09-30' });
  assert.equal(readDate(true).ok, false);
});

test('transactions: whole numbers of 0 or more; credits as fractions or percentages, exact', () => {
  assert.deepEqual(readCount('0'), { ok: true, value: 0 });
  assert.deepEqual(readCount(' 2 '), { ok: true, value: 2 });
  assert.deepEqual(readCount(1), { ok: true, value: 1 });
  for (const cell of ['-1', '1.5', 'one', 1.5, -1]) assert.equal(readCount(cell).ok, false, String(cell));
  assert.deepEqual(readCredit('50%'), { ok: true, value: '0.5' });
  assert.deepEqual(readCredit('33.3333%'), { ok: true, value: '0.333333' });
  assert.deepEqual(readCredit('.25'), { ok: true, value: '0.25' });
  assert.deepEqual(readCredit(1), { ok: true, value: '1' });
  for (const cell of ['150%', '1.5', 'half', '-0.5']) assert.equal(readCredit(cell).ok, false, cell);
});

test('attributes without a values map: TRUE/FALSE as booleans, plain numbers as numbers, the rest as text', () => {
  assert.deepEqual(readAttribute('TRUE'), { ok: true, value: true });
  assert.deepEqual(readAttribute(false), { ok: true, value: false });
  assert.deepEqual(readAttribute(' 5 '), { ok: true, value: 5 });
  assert.deepEqual(readAttribute(5), { ok: true, value: 5 });
  assert.deepEqual(readAttribute('007'), { ok: true, value: '007' }); // a code, not the number 7
  assert.deepEqual(readAttribute(' Assignment '), { ok: true, value: 'Assignment' });
});
