import { cellText, type Cell } from '../../domain/closings/cells.js';
import type { ImportMapping } from '../../domain/closings/mapping.js';
import { headerRowOf, readSpreadsheet, type SpreadsheetUpload } from '../../domain/closings/spreadsheet.js';
import { suggestMapping as suggestFromHeaders } from '../../domain/closings/suggest-mapping.js';
import type { ServiceContext } from '../context.js';

/** Rows shown beside the headers in the web app's mapping step. */
const SAMPLE_ROWS = 5;

export interface MappingSuggestion {
  mapping: ImportMapping;
  headers: string[];
  /** The row the headers were found on. */
  header_row: number;
  unmapped: string[];
  /** xlsx: every sheet, for the user to pick another; CSV: empty. */
  sheets: string[];
  sheet: string | null;
  /** The first rows' values, as text, one per header. */
  rows: string[][];
}

/**
 * A mapping guessed from an uploaded file's headers (and its first rows, for values maps), with
 * what the web app shows beside it. Reads only; nothing is saved until the user confirms it with
 * PUT /import-mappings/{name}.
 */
export async function suggestMapping(ctx: ServiceContext, input: SpreadsheetUpload & { sheet?: string | undefined }): Promise<MappingSuggestion> {
  void ctx;
  const read = readSpreadsheet(input, { sheet: input.sheet });
  const { delimiter } = read;
  const { row, headers, rows } = headerRowOf(read.sheet);
  const samples: Cell[][] = rows.slice(0, 50);
  const { mapping, unmapped } = suggestFromHeaders(headers, samples);
  if (read.sheetName !== undefined && read.sheetNames.length > 1) mapping.sheet = read.sheetName;
  if (delimiter && delimiter !== ',') {
    mapping.delimiter = delimiter;
    if (delimiter === ';') mapping.decimal = ',';
  }
  return {
    mapping: { ...(mapping.sheet ? { sheet: mapping.sheet } : {}), ...(mapping.delimiter ? { delimiter: mapping.delimiter } : {}), ...(mapping.decimal ? { decimal: mapping.decimal } : {}), columns: mapping.columns, ...(mapping.values ? { values: mapping.values } : {}) },
    headers,
    header_row: row,
    unmapped,
    sheets: read.sheetNames,
    sheet: read.sheetName ?? null,
    rows: samples.slice(0, SAMPLE_ROWS).map((cells) => cells.map(cellText)),
  };
}
