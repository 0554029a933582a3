import { cellText, isBlank, serialToIso, type Cell } from '../closings/cells.js';
import { xlsxSheet } from '../closings/xlsx-sheet.js';
import { fromRecords, type CsvImport } from './csv.js';

/**
 * A payee month as an .xlsx workbook (the payee template, or a payroll sheet saved from Excel): the
 * first sheet (or `sheet`), its first filled row the CSV import's column names, one row per payee.
 * Cells are read as Excel stored them (values, never formulas; the closings reader's zip guard
 * checks the workbook first) and turned into the text a CSV of the same sheet would hold, then
 * read and checked exactly as the CSV import reads them, so errors name the same rows and
 * columns. Blank rows are skipped as in a CSV; Excel writes no trailing empty cells, so a row
 * is padded to the header. A month Excel turned into a date (typed 2025-09) is read as that month.
 */
export function fromXlsxBytes(bytes: Uint8Array, options: { month?: string | undefined; sheet?: string | undefined } = {}): CsvImport {
  const { sheet } = xlsxSheet(bytes, options.sheet);
  const rows = sheet.rows.filter((row) => !row.cells.every(isBlank)).map((row) => row.cells);
  const header = withoutTrailingBlanks((rows[0] ?? []).map(cellText));
  const monthAt = header.findIndex((name) => name.trim().toLowerCase() === 'month');
  const records = rows.slice(1).map((cells) => {
    const text = cells.map((cell, column) => (column === monthAt ? monthText(cell, sheet.date1904) : cellText(cell)));
    return text.length < header.length ? [...text, ...Array<string>(header.length - text.length).fill('')] : withoutTrailingBlanks(text, header.length);
  });
  return fromRecords(rows.length ? [header, ...records] : [], options.month);
}

function monthText(cell: Cell, date1904 = false): string {
  if (typeof cell === 'number') return serialToIso(cell, date1904)?.slice(0, 7) ?? cellText(cell);
  if (cell instanceof Date) return cellText(cell).slice(0, 7);
  return cellText(cell);
}

function withoutTrailingBlanks(cells: string[], keep = 0): string[] {
  let end = cells.length;
  while (end > keep && cells[end - 1] === '') end -= 1;
  return cells.slice(0, end);
}
