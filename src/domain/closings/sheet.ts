import { AppError } from '../app-error.js';
import type { Cell } from './cells.js';

/**
 * A sheet as the readers hand it over, whatever the file was: rows in order, each with the row
 * number a spreadsheet shows (the first row is 1) and its cells from column A on.
 */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

export interface Sheet {
  rows: SheetRow[];
  /** xlsx workbooks made on old Macs count date serials from 1904. */
  date1904?: boolean;
}

/** A month's closings sheet has hundreds of rows; past these a file is refused before it is read further. */
export const MAX_SHEET_ROWS = 100_000;
export const MAX_SHEET_COLUMNS = 1_000;

export function tooManyRows(max = MAX_SHEET_ROWS): AppError {
  return new AppError('too-large', 'sheet-too-large', `The sheet has more than ${max} rows; import a month at a time.`, {
    details: { max_rows: max },
  });
}

export function tooManyColumns(row: number, columns: number): AppError {
  return new AppError('too-large', 'sheet-too-large', `Row ${row} has ${columns} columns; at most ${MAX_SHEET_COLUMNS} are read.`, {
    details: { max_columns: MAX_SHEET_COLUMNS, row },
  });
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
