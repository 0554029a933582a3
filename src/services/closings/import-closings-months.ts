import type { ClosingsMonth } from '../../domain/closings/closing.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { writeMonthsInOrder } from '../idempotent-write.js';
import type { ClosingsInput } from './closings-input.js';
import { importClosingsInTransaction, type ClosingsImportResponse } from './import-closings.js';

export interface SourcedClosingsMonth {
  source: string;
  document: ClosingsMonth;
  /** A spreadsheet's reading (closingsInputFromUpload): its skipped lines, unreadable cells and row numbers. */
  input?: Omit<ClosingsInput, 'document'>;
}

/**
 * Imports several closings months all or nothing (`npm run import -- --closings` or `--mapping`):
 * one transaction, oldest first; an invalid month (or a spreadsheet cell that did not read) stops
 * the run with its errors and its source.
 */
export async function importClosingsMonths(
  ctx: ServiceContext,
  input: { months: SourcedClosingsMonth[]; onProgress?: (done: number, total: number, month: string) => void },
): Promise<ClosingsImportResponse[]> {
  requireAdmin(ctx);
  return writeInTenant(ctx, { type: 'closings' }, (tx) =>
    writeMonthsInOrder(
      input.months,
      (document, sourced) => importClosingsInTransaction(tx, { ...sourced.input, document }, { userId: null, today: ctx.clock() }),
      input.onProgress,
    ),
  );
}
