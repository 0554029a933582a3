import { parse } from 'csv-parse/sync';
import { AppError } from '../app-error.js';
import { CSV_LINE_ENDS, decodeText, type Charset } from '../imports/text-encoding.js';
import { MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, tooManyColumns, tooManyRows, type Sheet } from './sheet.js';

/**
 * A CSV closings file as a sheet: UTF-8 with or without BOM (or declared Windows-1252), CRLF, LF or
 * CR line ends (mixed too), `,`, `;` or tab between fields. Every record is a row, blank lines
 * included, so the row numbers in messages are the ones the operator sees when opening the file in
 * a spreadsheet.
 *
 * Memory stays bounded by the caps: at most MAX_SHEET_ROWS records are parsed (one more tells the
 * file is too long), a record may not grow past MAX_RECORD_BYTES (an unclosed quote cannot swallow
 * the file into one cell), and the body itself is capped by the server's body limit.
 */

export type Delimiter = ',' | ';' | '\t';

export interface CsvSheetOptions {
  charset?: Charset;
  delimiter?: Delimiter;
}

const MAX_RECORD_BYTES = 1024 * 1024;

function records(text: string, delimiter: Delimiter): string[][] {
  try {
    return parse(text, {
      delimiter,
      relax_column_count: true,
      // A quote inside an unquoted cell (5118 "B" St) is kept as written, as spreadsheets do.
      relax_quotes: true,
      skip_empty_lines: false,
      record_delimiter: CSV_LINE_ENDS,
      max_record_size: MAX_RECORD_BYTES,
      to: MAX_SHEET_ROWS + 1,
    }) as string[][];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lines = error instanceof Error && 'lines' in error && typeof error.lines === 'number' ? error.lines : undefined;
    throw new AppError('invalid', 'validation', 'The CSV cannot be read.', {
      errors: [{ pointer: lines === undefined ? '/rows' : `/rows/${lines}`, message: `unreadable CSV${lines === undefined ? '' : ` near row ${lines}`}: ${message.slice(0, 200)}` }],
    });
  }
}

export function csvSheet(bytes: Uint8Array, options: CsvSheetOptions = {}): Sheet {
  const text = decodeText(bytes, options.charset);
  const parsed = records(text, options.delimiter ?? ',');
  if (parsed.length > MAX_SHEET_ROWS) throw tooManyRows();
  return {
    rows: parsed.map((cells, index) => {
      if (cells.length > MAX_SHEET_COLUMNS) throw tooManyColumns(index + 1, cells.length);
      return { row: index + 1, cells };
    }),
  };
}

/**
 * The field separator of a file whose mapping is not known yet (for a suggestion): the one of
 * `,`, `;` and tab that splits the first non-blank line into the most fields outside quotes.
 */
export function guessDelimiter(text: string): Delimiter {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? '';
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  const best = (Object.keys(counts) as Delimiter[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), ',');
  return best;
}
