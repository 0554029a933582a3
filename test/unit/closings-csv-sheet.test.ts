import assert from 'node:assert/strict';
import test from 'node:test';
import { AppError } from '../../src/domain/app-error.js';
import { csvSheet, guessDelimiter } from '../../src/domain/closings/csv-sheet.js';
import { MAX_SHEET_COLUMNS, MAX_SHEET_ROWS } from '../../src/domain/closings/sheet.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function refusal(text: string): AppError {
  try {
    csvSheet(bytes(text));
  } catch (error) {
    assert.ok(error instanceof AppError, `an AppError, not ${String(error)}`);
    return error;
  }
  assert.fail('the sheet was read');
}

test('every record is a row numbered as a spreadsheet shows it, blank lines and a stray quote kept', () => {
  assert.deepEqual(csvSheet(bytes('\uFEFFDeal,GP\r\n\r\n5118 "B" St,"6,000"\r\nonly one\n')).rows, [
    { row: 1, cells: ['Deal', 'GP'] },
    { row: 2, cells: [''] },
    { row: 3, cells: ['5118 "B" St', '6,000'] },
    { row: 4, cells: ['only one'] },
  ]);
  assert.deepEqual(csvSheet(bytes('a;b\tc\n'), { delimiter: ';' }).rows, [{ row: 1, cells: ['a', 'b\tc'] }]);
});

test('line ends mixed in one file (a CRLF header over rows a script appended with LF, an old CR) each end a row', () => {
  assert.deepEqual(csvSheet(bytes('Deal,GP\r\nA,1\nB,2\r"C\nD",3\r\nE,4')).rows, [
    { row: 1, cells: ['Deal', 'GP'] },
    { row: 2, cells: ['A', '1'] },
    { row: 3, cells: ['B', '2'] },
    // A line end inside quotes stays in its cell.
    { row: 4, cells: ['C\nD', '3'] },
    { row: 5, cells: ['E', '4'] },
  ]);
});

test('an unclosed quote is a 400 that says where, not a swallowed file', () => {
  const error = refusal('Deal,GP\n"5118 Reno,6000\nnext,1\n');
  assert.deepEqual([error.kind, error.code, error.message], ['invalid', 'validation', 'The CSV cannot be read.']);
  assert.equal(error.errors?.length, 1);
  assert.equal(error.errors![0]!.pointer, '/rows/3');
  assert.match(error.errors![0]!.message, /^unreadable CSV near row 3: Quote Not Closed/);
});

test(`at most ${MAX_SHEET_ROWS} rows and ${MAX_SHEET_COLUMNS} columns a row are read`, () => {
  assert.equal(csvSheet(bytes('x\n'.repeat(MAX_SHEET_ROWS))).rows.length, MAX_SHEET_ROWS);
  const rows = refusal('x\n'.repeat(MAX_SHEET_ROWS + 1));
  assert.deepEqual([rows.kind, rows.code, rows.details], ['too-large', 'sheet-too-large', { max_rows: MAX_SHEET_ROWS }]);

  const widest = Array.from({ length: MAX_SHEET_COLUMNS }, () => 'c').join(',');
  assert.equal(csvSheet(bytes(`a\n${widest}\n`)).rows[1]!.cells.length, MAX_SHEET_COLUMNS);
  const columns = refusal(`a\nb\n${widest},one more\n`);
  assert.deepEqual([columns.kind, columns.code, columns.details], ['too-large', 'sheet-too-large', { max_columns: MAX_SHEET_COLUMNS, row: 3 }]);
  assert.equal(columns.message, `Row 3 has ${MAX_SHEET_COLUMNS + 1} columns; at most ${MAX_SHEET_COLUMNS} are read.`);
});

test('the delimiter guessed is the one that splits the first non-blank line most, quotes aside', () => {
  assert.equal(guessDelimiter('Deal;GP;Agent\n1,2,3,4,5\n'), ';');
  assert.equal(guessDelimiter('Deal\tGP\tAgent\r\n1;2;3;4;5\r\n'), '\t');
  // Blank and whitespace-only lines before the header are skipped.
  assert.equal(guessDelimiter('\r\n   \n\t\nDeal;GP\n'), ';');
  // Delimiters inside quotes do not count: one ';' outside, three ',' inside.
  assert.equal(guessDelimiter('"Reno St, Philadelphia, PA, 19139";GP\n'), ';');
  assert.equal(guessDelimiter('"a;b;c",d,e\n'), ',');
  // Only the first line counts, whatever follows.
  assert.equal(guessDelimiter('a;b\nc,d,e,f,g\n'), ';');
  // A tie, or nothing at all, is a comma.
  assert.equal(guessDelimiter('a;b,c\n'), ',');
  assert.equal(guessDelimiter('Deal\n'), ',');
  assert.equal(guessDelimiter(''), ',');
});
