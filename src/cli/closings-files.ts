import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../domain/app-error.js';
import { CSV_MEDIA_TYPE } from '../domain/closings/spreadsheet.js';
import { XLSX_MEDIA_TYPE } from '../domain/closings/xlsx-sheet.js';
import { closingsInputFromUpload } from '../services/closings/closings-input-from-upload.js';
import type { ServiceContext } from '../services/context.js';
import type { ClosingsMonth } from '../domain/closings/closing.js';
import { ClosingsMonthSchema } from '../http/schemas/closings.js';
import { validateBody } from '../http/schemas/validate.js';
import type { SourcedClosingsMonth } from '../services/closings/import-closings-months.js';
import type { SourcedError } from './month-files.js';
import { unsafeTextIn } from '../domain/text-safety.js';

/**
 * Reads closings months from JSON files (one month, or an array of months), each validated
 * against the same schema as the HTTP import; every error is reported with its file.
 */
export async function readClosingsFiles(files: string[]): Promise<{ months: SourcedClosingsMonth[]; errors: SourcedError[] }> {
  const months: SourcedClosingsMonth[] = [];
  const errors: SourcedError[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
    } catch (error) {
      errors.push({ source: file, pointer: '', message: `is not JSON: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const documents = Array.isArray(parsed) ? parsed : [parsed];
    documents.forEach((document, index) => {
      const checked = validateBody<ClosingsMonth>(ClosingsMonthSchema, document);
      const prefix = Array.isArray(parsed) ? `/${index}` : '';
      const unsafe = unsafeTextIn(document, 20, prefix);
      if (unsafe.length > 0) return void errors.push(...unsafe.map((error) => ({ source: file, ...error })));
      if (checked.ok) months.push({ source: file, document: checked.value });
      else for (const error of checked.errors) errors.push({ source: file, pointer: `${prefix}${error.pointer}`, message: error.message });
    });
  }
  return { months, errors };
}

const SPREADSHEET_TYPES: Record<string, string> = { '.csv': CSV_MEDIA_TYPE, '.xlsx': XLSX_MEDIA_TYPE };

/** `--month`, or the YYYY-MM in the file's name (`closings-2025-09.xlsx`). */
function monthOf(file: string, month: string | undefined): string | undefined {
  return month ?? /(?<!\d)(\d{4}-(?:0[1-9]|1[0-2]))(?!\d)/.exec(path.basename(file))?.[1];
}

/**
 * Reads closings spreadsheets (CSV or xlsx, by extension) through the tenant's saved mapping, with
 * the same use case as the HTTP import's spreadsheet body: each file becomes a month with its
 * skipped lines, unreadable cells (named by row and column header) and row numbers, which the
 * import then refuses or takes whole. A file that cannot be read at all (unknown mapping, another
 * encoding, too large) is an error of its file.
 */
export async function readClosingsSpreadsheets(
  ctx: ServiceContext,
  files: string[],
  options: { mapping: string; month?: string | undefined; charset?: string | undefined; onProgress?: (done: number, total: number, file: string) => void },
): Promise<{ months: SourcedClosingsMonth[]; errors: SourcedError[] }> {
  const months: SourcedClosingsMonth[] = [];
  const errors: SourcedError[] = [];
  if (options.month && files.length > 1) {
    errors.push({ source: '--month', pointer: '', message: 'names one month: give one file with it, or name each file by its month (closings-2025-09.xlsx)' });
    return { months, errors };
  }
  for (const [index, file] of files.entries()) {
    const type = SPREADSHEET_TYPES[path.extname(file).toLowerCase()];
    const month = monthOf(file, options.month);
    if (!type) errors.push({ source: file, pointer: '', message: 'is not a spreadsheet: name a .csv or .xlsx file' });
    if (!month) errors.push({ source: file, pointer: '', message: 'says no month: give --month YYYY-MM, or put YYYY-MM in its name' });
    if (!type || !month) continue;
    try {
      const read = await closingsInputFromUpload(ctx, {
        bytes: await readFile(file),
        contentType: options.charset && type === CSV_MEDIA_TYPE ? `${type}; charset=${options.charset}` : type,
        month,
        mapping: options.mapping,
      });
      const { document, ...input } = read.input;
      months.push({ source: file, document, input });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.push({ source: file, pointer: '', message: error.message });
      for (const fieldError of error.errors ?? []) errors.push({ source: file, ...fieldError });
    }
    options.onProgress?.(index + 1, files.length, path.basename(file));
  }
  return { months, errors };
}
