import { AppError } from '../../domain/app-error.js';
import type { ClosingsMonth } from '../../domain/closings/closing.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { importClosingsInTransaction, type ClosingsImportResponse } from './import-closings.js';

export interface SourcedClosingsMonth {
  source: string;
  document: ClosingsMonth;
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
