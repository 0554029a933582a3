import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fromCsv } from '../domain/imports/csv.js';
import type { CommissionMonth } from '../domain/imports/format.js';
import { CommissionMonthSchema } from '../schemas/commission-month.js';
import { validateBody } from '../http/schemas/validate.js';
import { unsafeTextIn } from '../domain/text-safety.js';

export interface SourcedMonth {
  source: string;
  month: CommissionMonth;
}

export interface SourcedError {
  source: string;
  pointer: string;
  message: string;
}

/** Files named on the command line; a directory stands for its .json and .csv files, by name. */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    if ((await stat(given)).isDirectory()) {
      const names = (await readdir(given)).filter((name) => /\.(json|csv)$/i.test(name)).sort();
      files.push(...names.map((name) => path.join(given, name)));
    } else {
      files.push(given);
    }
  }
  return files;
}

/**
 * Reads operators' month files: JSON (one month, or an array of months as a range export gives)
 * and CSV (the export columns, any number of months). Each month is validated against the same
 * schema as the HTTP import; every error is reported with its file.
 */
export async function readMonthFiles(files: string[]): Promise<{ months: SourcedMonth[]; errors: SourcedError[] }> {
  const months: SourcedMonth[] = [];
  const errors: SourcedError[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    if (/\.csv$/i.test(file)) {
      const parsed = fromCsv(text);
      errors.push(...parsed.errors.map((error) => ({ source: file, ...error })));
      months.push(...parsed.months.map((month) => ({ source: file, month })));
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      errors.push({ source: file, pointer: '', message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const documents = Array.isArray(value) ? value : [value];
    documents.forEach((document, index) => {
      const result = validateBody<CommissionMonth>(CommissionMonthSchema, document);
      const prefix = Array.isArray(value) ? `/${index}` : '';
      const unsafe = unsafeTextIn(document, 20, prefix);
      if (unsafe.length > 0) return void errors.push(...unsafe.map((error) => ({ source: file, ...error })));
      if (result.ok) months.push({ source: file, month: result.value });
      else errors.push(...result.errors.map((error) => ({ source: file, pointer: `${prefix}${error.pointer === '/' ? '' : error.pointer}`, message: error.message })));
    });
  }
  return { months, errors };
}
