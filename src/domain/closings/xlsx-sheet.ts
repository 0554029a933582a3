import * as XLSX from '@e965/xlsx';
import { AppError } from '../app-error.js';
import type { Cell } from './cells.js';
import { MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, tooManyColumns, tooManyRows, type Sheet, type SheetRow } from './sheet.js';
import { checkXlsxZip, XLSX_LIMITS, type ZipLimits } from './zip-guard.js';

/**
 * An .xlsx closings workbook as a sheet, read with SheetJS (the `@e965/xlsx` republication of the
 * official 0.20.3 build: no dependencies, and past the prototype-pollution and ReDoS fixes that the
 * `xlsx` 0.18.5 left on npm lacks). Cells are read as the values Excel stored, never as formulas;
 * dates stay serial numbers, converted by the date reader, so no local time zone shifts a day.
 *
 * SheetJS reads a whole workbook in memory, so the zip is checked first (zip-guard.ts: macros,
 * entry count, inflated size), only the chosen sheet is parsed, and at most MAX_SHEET_ROWS + 1 rows
 * of it (one more tells the sheet is too long).
 */

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface XlsxSheet {
  sheet: Sheet;
  /** Every sheet of the workbook, in tab order (the web app lets the user pick one). */
  sheetNames: string[];
  /** The sheet read. */
  sheetName: string;
}

/** SheetJS keeps an error cell's Excel code; `w`, its text, only when asked to format cells. */
const ERROR_TEXT: Record<number, string> = { 0x00: '#NULL!', 0x07: '#DIV/0!', 0x0f: '#VALUE!', 0x17: '#REF!', 0x1d: '#NAME?', 0x24: '#NUM!', 0x2a: '#N/A', 0x2b: '#GETTING_DATA' };

export interface XlsxLimits extends ZipLimits {
  maxRows: number;
}
export const XLSX_SHEET_LIMITS: XlsxLimits = { ...XLSX_LIMITS, maxRows: MAX_SHEET_ROWS };

function cellOf(cell: XLSX.CellObject | undefined): Cell {
  if (!cell) return null;
  switch (cell.t) {
    case 's':
      return typeof cell.v === 'string' ? cell.v : String(cell.v ?? '');
    case 'n':
      return typeof cell.v === 'number' ? cell.v : null;
    case 'b':
      return cell.v === true;
    case 'd':
      return cell.v instanceof Date ? cell.v : null;
    case 'e':
      return { error: cell.w ?? (typeof cell.v === 'number' ? ERROR_TEXT[cell.v] : undefined) ?? '#ERROR' };
    default:
      return null;
  }
}

function missingSheet(name: string, names: string[]): AppError {
  return new AppError('invalid', 'validation', `The workbook has no sheet "${name}".`, {
    errors: [{ pointer: '/sheet', message: `no sheet named "${name}"; the workbook has ${names.map((n) => `"${n}"`).join(', ')}` }],
    details: { sheets: names },
  });
}

/** The sheet names of a checked workbook (reads only its workbook part). */
function sheetNamesOf(bytes: Uint8Array): string[] {
  return XLSX.read(bytes, { type: 'buffer', bookSheets: true }).SheetNames;
}

/**
 * Reads one sheet: `sheetName` when given (matched exactly, then ignoring case and surrounding
 * spaces), else the first.
 */
export function xlsxSheet(bytes: Uint8Array, sheetName?: string, limits: XlsxLimits = XLSX_SHEET_LIMITS): XlsxSheet {
  checkXlsxZip(bytes, limits);
  let names: string[];
  try {
    names = sheetNamesOf(bytes);
  } catch {
    throw new AppError('unsupported', 'not-xlsx', 'The workbook cannot be read; save it again from Excel as "Excel Workbook (.xlsx)".');
  }
  if (names.length === 0) throw new AppError('unsupported', 'not-xlsx', 'The workbook has no sheets.');
  const wanted = sheetName?.trim().toLowerCase();
  const name = sheetName === undefined ? names[0]! : (names.find((n) => n === sheetName) ?? names.find((n) => n.trim().toLowerCase() === wanted));
  if (name === undefined) throw missingSheet(sheetName!, names);

  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(bytes, {
      type: 'buffer',
      dense: true,
      sheets: name,
      sheetRows: limits.maxRows + 1,
      cellFormula: false,
      cellHTML: false,
      cellText: false,
      cellDates: false,
      cellStyles: false,
      cellNF: false,
    });
  } catch {
    throw new AppError('unsupported', 'not-xlsx', `Sheet "${name}" cannot be read; save the workbook again from Excel as "Excel Workbook (.xlsx)".`);
  }
  const worksheet = workbook.Sheets[name];
  const data = (worksheet?.['!data'] ?? []) as (XLSX.CellObject[] | undefined)[];
  if (data.length > limits.maxRows) throw tooManyRows(limits.maxRows);
  const rows: SheetRow[] = [];
  for (let r = 0; r < data.length; r += 1) {
    // A row Excel did not write at all is a blank row, as it would be in the CSV export.
    const source = data[r] ?? [];
    if (source.length > MAX_SHEET_COLUMNS) throw tooManyColumns(r + 1, source.length);
    const cells: Cell[] = [];
    for (let c = 0; c < source.length; c += 1) cells.push(cellOf(source[c]));
    rows.push({ row: r + 1, cells });
  }
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  return { sheet: { rows, date1904 }, sheetNames: names, sheetName: name };
}
