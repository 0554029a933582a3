/**
 * The cell readers at their edges (closings-sheets-cells.test.ts covers the forms operators write):
 * every kind of cell each reader is handed, error cells, the bounds of counts, credits, dates and
 * date serials, and the exact messages, which the import's errors show beside the row.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  amountTextToCents,
  cellText,
  dateTextToIso,
  isBlank,
  readAmount,
  readAttribute,
  readCount,
  readCredit,
  readDate,
  readText,
  serialToIso,
  shownCell,
  valueKey,
  type Cell,
} from '../../src/domain/closings/cells.js';

const problem = (read: { ok: boolean; problem?: string }) => (read.ok ? null : read.problem);

test('an error cell is named by every reader', () => {
  const ref: Cell = { error: '#REF!' };
  for (const read of [readAmount, readCount, readDate, readText, readCredit, readAttribute]) {
    assert.deepEqual(read(ref), { ok: false, problem: 'the cell holds the error #REF!' }, read.name);
  }
  assert.equal(cellText({ error: '#N/A' }), '#N/A');
  // An error cell is never blank, even one whose text is empty.
  assert.equal(isBlank({ error: '' }), false);
});

test('cells as text: blanks, booleans, dates (an invalid one is blank), numbers at 15 digits', () => {
  assert.deepEqual([cellText(null), cellText(undefined), cellText('  a  b \u00a0'), cellText(true), cellText(false)], ['', '', 'a  b', 'TRUE', 'FALSE']);
  assert.deepEqual([cellText(new Date(Date.UTC(2025, 8, 30, 23, 59))), cellText(new Date(Number.NaN))], ['2025-09-30', '']);
  assert.deepEqual([cellText(0.1 + 0.2), cellText(Number.POSITIVE_INFINITY), cellText(Number.NaN), cellText(-0)], ['0.3', 'Infinity', 'NaN', '0']);
  for (const blank of [null, undefined, '', ' \t\u00a0', new Date(Number.NaN)] as Cell[]) assert.equal(isBlank(blank), true, String(blank));
  for (const filled of [0, false, 'x', new Date(0), ' - '] as Cell[]) assert.equal(isBlank(filled), false, String(filled));
});

test('a message quotes at most 40 characters of a cell, as JSON', () => {
  assert.equal(shownCell('x'.repeat(40)), JSON.stringify('x'.repeat(40)));
  assert.equal(shownCell('x'.repeat(41)), JSON.stringify(`${'x'.repeat(40)}…`));
  // Text cells are quoted as written (untrimmed); other cells as their text.
  assert.equal(shownCell(' a "b" '), '" a \\"b\\" "');
  assert.equal(shownCell(12.5), '"12.5"');
  assert.equal(shownCell(null), '""');
});

test('amounts: the kinds of cell refused, and the edges of the text forms', () => {
  assert.deepEqual(
    [readAmount(true), readAmount(new Date(Date.UTC(2025, 0, 1))), readAmount(null), readAmount(0.001), readAmount(Number.POSITIVE_INFINITY), readAmount('12.345')].map(problem),
    [
      'cannot read "TRUE" as an amount',
      'cannot read "2025-01-01" as an amount',
      'cannot read "" as an amount',
      'cannot read "0.001" as an amount (at most 2 decimals)',
      'cannot read "Infinity" as an amount (at most 2 decimals)',
      'cannot read "12.345" as an amount',
    ],
  );
  assert.deepEqual(readAmount(' $1,234.50 '), { ok: true, value: 123_450 });
  // A formula's binary noise within a ten-thousandth of a cent is its cent; a real third decimal is not.
  assert.deepEqual(readAmount(1234567.89 - 1234554.06), { ok: true, value: 1383 });
  assert.equal(readAmount(13.835).ok, false);
  const cases: Array<[string, '.' | ',', number | null]> = [
    ['100', '.', 10_000],
    ['.5', '.', 50],
    ['1,234.500', '.', 123_450],
    ['1.5000', '.', 150],
    ['1.505', '.', null],
    ['5 000.50', '.', null],
    ['5 000,50', ',', 500_050],
    ['5\u00a0000,50', ',', 500_050],
    ['5.000,50', ',', 500_050],
    [',50', ',', 50],
    ['5000,', ',', null],
    ['.', '.', null],
    ['(5)x', '.', null],
    ['x(5)', '.', null],
    ['x-5', '.', null],
    ['5-', '.', null],
    ['+$5', '.', 500],
    ['$+5', '.', 500],
    ['(+5)', '.', null],
    ['( $ 5 )', '.', -500],
    ['$ -', '.', 0],
    ['()', '.', null],
    ['$', '.', null],
    ['-', '.', 0],
    ['+', '.', null],
    ['9999999999999.99', '.', 999_999_999_999_999],
    ['10000000000000', '.', null],
  ];
  for (const [text, decimal, cents] of cases) assert.equal(amountTextToCents(text, decimal), cents, `${JSON.stringify(text)} (${decimal})`);
});

test('counts: whole numbers of 0 to 999,999,999, as text or as a number cell', () => {
  assert.deepEqual([readCount('0'), readCount('+7'), readCount(' 999999999 '), readCount(3), readCount(999_999_999)], [0, 7, 999_999_999, 3, 999_999_999].map((value) => ({ ok: true, value })));
  for (const cell of ['1234567890', '-1', '1.5', '1e3', '7 deals', '', null, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true] as Cell[]) {
    assert.deepEqual(readCount(cell), { ok: false, problem: `cannot read ${shownCell(cell)} as a whole number of 0 or more` }, String(cell));
  }
  // A number cell past nine digits; 2^53 read at Excel's 15 digits would be another number (…990).
  for (const cell of [1e9, 2 ** 53]) assert.deepEqual(readCount(cell), { ok: false, problem: `${shownCell(cell)} is more than the 999999999 a count may be` }, String(cell));
});

test('dates: the calendar bounds of text dates, and of serials in both systems', () => {
  const accepted: Array<[string, string]> = [
    ['1/1/1000', '1000-01-01'],
    ['12/31/9999', '9999-12-31'],
    ['2/29/24', '2024-02-29'],
    ['12/1/29', '2029-12-01'],
    ['12/1/30', '1930-12-01'],
    ['2025-12-31T16:05:00Z', '2025-12-31'],
    ['9/30/25 4:05 PM', '2025-09-30'],
  ];
  for (const [text, iso] of accepted) assert.equal(dateTextToIso(text), iso, text);
  for (const text of ['1/1/0999', '13/1/25', '0/1/25', '1/0/25', '2/29/25', '4/31/25', '0999-01-01', '2025-00-10', '2025-13-01', '2025-01-00', '2025-01-32', '30/9/25', '2025/09/30', 'x9/30/25', '9/30/25x']) {
    assert.equal(dateTextToIso(text), null, text);
  }
  const serials: Array<[number, boolean, string | null]> = [
    [1, false, '1900-01-01'],
    [59, false, '1900-02-28'],
    [60, false, null],
    [60.5, false, null],
    [61, false, '1900-03-01'],
    [0, false, null],
    [0.75, false, null],
    [45_930.99, false, '2025-09-30'],
    [2_958_465, false, '9999-12-31'],
    [2_958_466, false, null],
    [-1, false, null],
    [Number.NaN, false, null],
    [0, true, '1904-01-01'],
    [60, true, '1904-03-01'],
    [44_468, true, '2025-09-30'],
  ];
  for (const [serial, date1904, iso] of serials) assert.equal(serialToIso(serial, date1904), iso, `${serial}${date1904 ? ' (1904)' : ''}`);
  assert.deepEqual(readDate(44_468, true), { ok: true, value: '2025-09-30' });
  assert.deepEqual(readDate(new Date(Date.UTC(2025, 8, 30))), { ok: true, value: '2025-09-30' });
  for (const cell of [new Date(Number.NaN), true, null, '13/01/25'] as Cell[]) {
    assert.deepEqual(readDate(cell), { ok: false, problem: `cannot read ${shownCell(cell)} as a date (M/D/YY, MM/DD/YYYY or YYYY-MM-DD)` }, String(cell));
  }
});

test('credits: 0 to 1 with at most 12 decimals, as a fraction or a percentage', () => {
  const accepted: Array<[Cell, string]> = [['0', '0'], ['1', '1'], ['.5', '0.5'], ['50 %', '0.5'], ['100%', '1'], ['33.3333%', '0.333333'], ['0.123456789012', '0.123456789012'], [0.25, '0.25']];
  for (const [cell, value] of accepted) assert.deepEqual(readCredit(cell), { ok: true, value }, String(cell));
  for (const cell of ['1.5', '100.5%', '0.1234567890123', '0.00000000001%']) {
    assert.deepEqual(readCredit(cell), { ok: false, problem: `cannot read ${JSON.stringify(cell)} as a credit between 0 and 1 (at most 12 decimals)` }, cell);
  }
  for (const cell of ['half', '-0.5', '50%%', '5.', 'x0.5', '0.5x', '', true] as Cell[]) {
    assert.deepEqual(readCredit(cell), { ok: false, problem: `cannot read ${shownCell(cell)} as a credit (a fraction like 0.5 or a percentage like 50%)` }, String(cell));
  }
});

test('attributes: booleans, plain decimal numbers as numbers, and everything else as the trimmed text', () => {
  const cases: Array<[Cell, boolean | number | string]> = [
    [true, true],
    [false, false],
    [' True ', true],
    ['FALSE', false],
    ['truely', 'truely'],
    ['not false', 'not false'],
    ['5', 5],
    ['-2.5', -2.5],
    [5, 5],
    ['05', '05'],
    ['2.50', '2.50'],
    ['1e3', '1e3'],
    ['5 units', '5 units'],
    ['x5', 'x5'],
    ['1234567890123456', '1234567890123456'],
    ['0.1234567890123456', '0.1234567890123456'],
    [null, ''],
  ];
  for (const [cell, value] of cases) assert.deepEqual(readAttribute(cell), { ok: true, value }, String(cell));
  assert.deepEqual(readText('  Steve  Shelburne '), { ok: true, value: 'Steve  Shelburne' });
  assert.equal(valueKey('  Not \u00a0 Listed '), 'not listed');
});
