import { readPayout } from '../../db/payouts.js';
import { readSettings } from '../../db/settings.js';
import { AppError, notFoundError } from '../../domain/app-error.js';
import { payoutCsv } from '../../domain/payouts/exports/payout-csv.js';
import { quickbooksJournal } from '../../domain/payouts/exports/quickbooks-journal.js';
import { xeroJournalParts } from '../../domain/payouts/exports/xero-journal.js';
import { inTenant, type ServiceContext } from '../context.js';

export type PayoutExportFormat = 'csv' | 'quickbooks' | 'xero';

export interface PayoutExportInput {
  month: string;
  format: PayoutExportFormat;
  /** Which Xero file, when the month needs more than one (1-based). */
  part?: number | undefined;
}

export interface PayoutExport {
  fileName: string;
  /** The file, whole: an approved month gives the same bytes on every download. */
  body: string;
  parts: number;
}

function partError(message: string, parts: number): AppError {
  return new AppError('invalid', 'export-parts', message, { errors: [{ pointer: '/part', message }], details: { parts } });
}

/**
 * The month's payout as a file: our CSV, a QuickBooks Online or a Xero journal import
 * (domain/payouts/exports). Built only from the stored statements, the month's state and the
 * accounting settings (an approved month's: those of its approval), nothing else (no clock):
 * downloading an approved month again gives the same bytes, whatever plans or accounts changed
 * since. A draft says DRAFT in every narration and in its file name. 404 without a calculated
 * payout; 422 naming the accounting settings a journal still needs; 409 for an approved month
 * whose approval's settings lack them (a new approval takes today's).
 */
export async function exportPayout(ctx: ServiceContext, input: PayoutExportInput): Promise<PayoutExport> {
  const { stored, settings } = await inTenant(ctx, async (tx) => ({ stored: await readPayout(tx, input.month), settings: await readSettings(tx) }));
  if (!stored) throw notFoundError(`No payouts for ${input.month}: calculate them first (POST /api/v1/payouts/${input.month}/calculate).`);
  const state = stored.status;
  const name = `payouts-${stored.month}${state === 'draft' ? '-draft' : ''}`;
  const part = input.part ?? 1;
  // An approved month's journals are written with the settings of its approval (migration 0020),
  // so a later change of accounts never alters a file already in the books; a draft, and a month
  // approved before 0020 kept them, use the current ones.
  const ofApproval = stored.status === 'approved' && stored.accounting !== null;
  const accounting = ofApproval ? stored.accounting! : settings.accounting;
  const journal = <T>(write: () => T): T => {
    try {
      return write();
    } catch (error) {
      if (!ofApproval || !(error instanceof AppError) || error.code !== 'accounting-settings-missing') throw error;
      // Missing from the approval's settings: whether they are set today or not, only a new approval takes them.
      const missing = Array.isArray(error.details.missing) ? (error.details.missing as string[]).join(', ') : 'some of them';
      throw new AppError(
        'conflict',
        'approved-without-accounting',
        `${stored.month} was approved before its accounting settings named ${missing}, and an approved month's journals are written with the settings of its approval: ` +
          'set them (PUT /api/v1/settings), then reopen the month and approve it again.',
        { errors: error.errors ?? [], details: { ...error.details, month: stored.month } },
      );
    }
  };
  if (input.format !== 'xero') {
    if (part !== 1) throw partError(`The ${input.format} export is one file: part must be 1 or left out.`, 1);
    if (input.format === 'csv') return { fileName: `${name}.csv`, body: payoutCsv(stored, state), parts: 1 };
    return { fileName: `${name}-quickbooks.csv`, body: journal(() => quickbooksJournal(stored, accounting, state)), parts: 1 };
  }
  const files = journal(() => xeroJournalParts(stored, accounting, state));
  if (files.length === 1) {
    if (part !== 1) throw partError('This month fits one Xero file: part must be 1 or left out.', 1);
    return { fileName: `${name}-xero.csv`, body: files[0]!, parts: 1 };
  }
  if (input.part === undefined || part > files.length) {
    throw partError(`Xero imports at most 300 lines per file: this month is ${files.length} files, each a balanced journal; download part=1 to part=${files.length}.`, files.length);
  }
  return { fileName: `${name}-xero-part-${part}-of-${files.length}.csv`, body: files[part - 1]!, parts: files.length };
}
