import type { CommissionMonth } from '../../domain/imports/format.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { writeMonthsInOrder } from '../idempotent-write.js';
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
  return writeInTenant(ctx, { type: 'import' }, (tx) =>
    writeMonthsInOrder(input.months, (document) => importMonthInTransaction(tx, document, { userId: null, today: ctx.clock() }), input.onProgress),
  );
}
