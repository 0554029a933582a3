import { monthsBetween, readDocumentTexts, readPayees } from '../../db/commissions.js';
import type { TenantTx } from '../../db/tenant.js';
import { badRequest, notFoundError } from '../../domain/app-error.js';
import { canonicalMonth } from '../../domain/imports/canonical.js';
import { toCsv } from '../../domain/imports/csv.js';
import { monthIndex } from '../../domain/analytics/months.js';
import { inTenant, type ServiceContext } from '../context.js';

export type ExportFormat = 'json' | 'csv';

/** Months read per transaction while streaming a range: bounded memory, short transactions. */
const BATCH = 6;

const MAX_EXPORT_MONTHS = 120;

export interface ExportCommissionsInput {
  month?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  format: ExportFormat;
}

export interface CommissionsExport {
  /** File name without extension: `commissions-2025-09`, `commissions-2025-01-to-2025-06`. */
  name: string;
  format: ExportFormat;
  /** The export as text chunks, each month read in a short transaction of its own. */
  chunks: AsyncGenerator<string>;
}

/**
 * One month (`month`) or a range (`from`..`to`, at most ten years) as the import document (JSON)
 * or one row per payee (CSV). A single month that was never imported is a 404; a range may be empty.
 */
export async function exportCommissions(ctx: ServiceContext, input: ExportCommissionsInput): Promise<CommissionsExport> {
  const { month, from, to, format } = input;
  const single = month !== undefined;
  if (single === (from !== undefined || to !== undefined) || (!single && (from === undefined || to === undefined))) {
    throw badRequest('Give either month, or both from and to.');
  }
  const first = month ?? from!;
  const last = month ?? to!;
  if (monthIndex(last) < monthIndex(first)) throw badRequest('`to` is before `from`.');
  if (monthIndex(last) - monthIndex(first) >= MAX_EXPORT_MONTHS) throw badRequest(`A range covers at most ${MAX_EXPORT_MONTHS} months.`);
  const months = await inTenant(ctx, (tx) => monthsBetween(tx, first, last));
  if (single && months.length === 0) throw notFoundError(`No commission data for ${month}.`);
  return {
    name: single ? `commissions-${month}` : `commissions-${first}-to-${last}`,
    format,
    chunks: exportChunks(ctx, months, format, single),
  };
}

/** What `read` gives for the months, in order, BATCH months per short transaction. */
async function* inBatches<T>(ctx: ServiceContext, months: string[], read: (tx: TenantTx, batch: string[]) => Promise<T[]>): AsyncGenerator<T> {
  for (let start = 0; start < months.length; start += BATCH) {
    yield* await inTenant(ctx, (tx) => read(tx, months.slice(start, start + BATCH)));
  }
}

function withoutHeader(csv: string): string {
  return csv.slice(csv.indexOf('\r\n') + 2);
}

/**
 * The export of `months` as text chunks, so a long range streams instead of being built in memory.
 * JSON: one month is the import document itself; a range is an array of them. CSV: one header,
 * then one row per payee of every month.
 */
async function* exportChunks(
  ctx: ServiceContext,
  months: string[],
  format: ExportFormat,
  single: boolean,
): AsyncGenerator<string> {
  let first = true;
  if (format === 'json') {
    if (!single) yield '[';
    // As stored at import, or written out the same way for older months.
    for await (const month of inBatches(ctx, months, readDocumentTexts)) {
      const text = 'text' in month ? month.text : JSON.stringify(canonicalMonth(month.document));
      yield first || single ? text : `,${text}`;
      first = false;
    }
    if (!single) yield ']';
    return;
  }
  if (months.length === 0) yield toCsv([]);
  // CSV has a row per payee only: the months' payees, never their deals.
  for await (const document of inBatches(ctx, months, readPayees)) {
    const csv = toCsv([canonicalMonth(document)]);
    yield first ? csv : withoutHeader(csv);
    first = false;
  }
}
