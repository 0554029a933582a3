import { readFile } from 'node:fs/promises';
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
