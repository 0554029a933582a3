import { readFile } from 'node:fs/promises';
import { AppError } from '../../domain/app-error.js';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import { ClosingsMonthSchema } from '../../http/schemas/closings.js';
import { validateBody } from '../../http/schemas/validate.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import type { SourcedError } from '../commissions/read-month-files.js';
import { importClosingsInTransaction, type ClosingsImportResponse } from './import-closings.js';

export interface SourcedClosingsMonth {
  source: string;
  document: ClosingsMonth;
}

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
      if (checked.ok) months.push({ source: file, document: checked.value });
      else for (const error of checked.errors) errors.push({ source: file, pointer: `${prefix}${error.pointer}`, message: error.message });
    });
  }
  return { months, errors };
}

/**
 * Imports several closings months all or nothing (`npm run import -- --closings`): one
 * transaction, oldest first; an invalid month stops the run with its errors and its source.
 */
export async function importClosingsMonths(
  ctx: ServiceContext,
  input: { months: SourcedClosingsMonth[]; onProgress?: (done: number, total: number, month: string) => void },
): Promise<ClosingsImportResponse[]> {
  requireAdmin(ctx);
  const ordered = [...input.months].sort((a, b) => a.document.month.localeCompare(b.document.month));
  return writeInTenant(ctx, { type: 'closings' }, async (tx) => {
    const results: ClosingsImportResponse[] = [];
    for (const [index, { source, document }] of ordered.entries()) {
      try {
        results.push(await importClosingsInTransaction(tx, { document }, { userId: null, today: ctx.clock() }));
      } catch (error) {
        if (error instanceof AppError && error.errors) {
          throw new AppError(error.kind, error.code, `${source} (${document.month}): ${error.message} Nothing imported.`, {
            errors: error.errors,
            details: { source },
          });
        }
        throw error;
      }
      input.onProgress?.(index + 1, ordered.length, document.month);
    }
    return results;
  });
}
