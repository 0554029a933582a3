import { AppError } from '../../domain/app-error.js';
import type { CommissionMonth } from '../../domain/imports/format.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { importMonthInTransaction, type ImportResponse } from './import-month.js';

export interface SourcedMonth {
  /** Where the month came from (a file name), for the errors. */
  source: string;
  document: CommissionMonth;
}

/**
 * Imports many months at once, all or nothing (the bulk importer, `npm run import`): every month
 * is checked and written in one transaction, oldest first, so a run lands whole or not at all. An
 * invalid month stops the run with its errors, its message and `details.source` naming the month's source.
 */
export async function importMonths(
  ctx: ServiceContext,
  input: { months: SourcedMonth[]; onProgress?: (done: number, total: number, month: string) => void },
): Promise<ImportResponse[]> {
  requireAdmin(ctx);
  const ordered = [...input.months].sort((a, b) => a.document.month.localeCompare(b.document.month));
  return writeInTenant(ctx, { type: 'import' }, async (tx) => {
    const results: ImportResponse[] = [];
    for (const [index, { source, document }] of ordered.entries()) {
      try {
        results.push(await importMonthInTransaction(tx, document, { userId: null, today: ctx.clock() }));
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
