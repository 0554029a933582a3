import { AppError } from '../app-error.js';
import { declaredCharset, decodeText, readableCharset } from '../imports/text-encoding.js';
import { cellText, isBlank, type Cell } from './cells.js';
import { csvSheet, guessDelimiter, type Delimiter } from './csv-sheet.js';
import type { Sheet } from './sheet.js';
import { XLSX_MEDIA_TYPE, xlsxSheet } from './xlsx-sheet.js';

/**
 * An uploaded closings spreadsheet, CSV or xlsx, as one sheet: the one door the closings import,
 * its preview and the mapping suggestion go through.
 */

export const CSV_MEDIA_TYPE = 'text/csv';
export const SPREADSHEET_MEDIA_TYPES = [CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE] as const;

export interface SpreadsheetUpload {
  bytes: Uint8Array;
  /** The request's media type, parameters allowed (`text/csv; charset=windows-1252`). */
  contentType: string;
  /** The declared charset, when the caller has already taken it from the content type. */
  charset?: string | undefined;
}

export interface ReadSpreadsheet {
  sheet: Sheet;
  /** xlsx: every sheet's name; CSV: none. */
  sheetNames: string[];
  sheetName?: string;
  /** CSV: the field separator read with (the mapping's, or guessed from the first line). */
  delimiter?: Delimiter;
}

export function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

export function unsupportedMediaType(contentType: string): AppError {
  return new AppError('unsupported', 'unsupported-media-type', `Spreadsheets are read as text/csv or ${XLSX_MEDIA_TYPE}, not ${mediaTypeOf(contentType).slice(0, 100) || 'an unnamed type'}.`);
}

function charsetOf(upload: SpreadsheetUpload) {
  return readableCharset(upload.charset?.toLowerCase() ?? declaredCharset(upload.contentType));
}

export function readSpreadsheet(upload: SpreadsheetUpload, options: { sheet?: string | undefined; delimiter?: Delimiter | undefined } = {}): ReadSpreadsheet {
  const type = mediaTypeOf(upload.contentType);
  if (type === CSV_MEDIA_TYPE) {
    const charset = charsetOf(upload);
    const delimiter = options.delimiter ?? guessDelimiter(decodeText(upload.bytes.subarray(0, 64 * 1024).subarray(0, lastNewline(upload.bytes)), charset));
    return { sheet: csvSheet(upload.bytes, { charset, delimiter }), sheetNames: [], delimiter };
  }
  if (type === XLSX_MEDIA_TYPE) {
    const read = xlsxSheet(upload.bytes, options.sheet);
    return { sheet: read.sheet, sheetNames: read.sheetNames, sheetName: read.sheetName };
  }
  throw unsupportedMediaType(upload.contentType);
}

/** Cut at a line end inside the first 64 KiB, so the guess never decodes half a character. */
function lastNewline(bytes: Uint8Array): number {
  const head = bytes.subarray(0, 64 * 1024);
  const at = head.lastIndexOf(0x0a);
  return at < 0 ? head.length : at;
}

/** The header row for a suggestion: the first row with two or more filled cells. */
export function headerRowOf(sheet: Sheet): { row: number; headers: string[]; rows: Cell[][] } {
  const index = sheet.rows.findIndex((row) => row.cells.filter((cell) => !isBlank(cell)).length >= 2);
  if (index < 0) return { row: 0, headers: [], rows: [] };
  const header = sheet.rows[index]!;
  const headers = header.cells.map(cellText);
  while (headers.length > 0 && headers.at(-1) === '') headers.pop();
  const rows = sheet.rows
    .slice(index + 1)
    .filter((row) => !row.cells.every(isBlank))
    .map((row) => headers.map((_, column) => row.cells[column] ?? null));
  return { row: header.row, headers, rows };
}
