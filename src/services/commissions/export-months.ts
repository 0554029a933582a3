import type pg from 'pg';
import { monthsBetween, readDocumentTexts, readDocuments } from '../../db/commissions.js';
import { withTenant, type TenantTx } from '../../db/tenant.js';
import { canonicalMonth } from '../../domain/imports/canonical.js';
import { toCsv } from '../../domain/imports/csv.js';

export type ExportFormat = 'json' | 'csv';

/** Months read per transaction while streaming a range: bounded memory, short transactions. */
const BATCH = 6;

export async function exportableMonths(pool: pg.Pool, tenantId: string, from: string, to: string): Promise<string[]> {
  return withTenant(pool, tenantId, (tx) => monthsBetween(tx, from, to));
}

/** What `read` gives for the months, in order, BATCH months per short transaction. */
async function* inBatches<T>(pool: pg.Pool, tenantId: string, months: string[], read: (tx: TenantTx, batch: string[]) => Promise<T[]>): AsyncGenerator<T> {
  for (let start = 0; start < months.length; start += BATCH) {
    yield* await withTenant(pool, tenantId, (tx) => read(tx, months.slice(start, start + BATCH)));
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
export async function* exportChunks(
  pool: pg.Pool,
  tenantId: string,
  months: string[],
  format: ExportFormat,
  single: boolean,
): AsyncGenerator<string> {
  let first = true;
  if (format === 'json') {
    if (!single) yield '[';
    // As stored at import, or written out the same way for older months.
    for await (const month of inBatches(pool, tenantId, months, readDocumentTexts)) {
      const text = 'text' in month ? month.text : JSON.stringify(canonicalMonth(month.document));
      yield first || single ? text : `,${text}`;
      first = false;
    }
    if (!single) yield ']';
    return;
  }
  if (months.length === 0) yield toCsv([]);
  // Without their deals: CSV has a row per payee only.
  const payeesOnly = (tx: TenantTx, batch: string[]) => readDocuments(tx, batch, { deals: false });
  for await (const document of inBatches(pool, tenantId, months, payeesOnly)) {
    const csv = toCsv([canonicalMonth(document)]);
    yield first ? csv : withoutHeader(csv);
    first = false;
  }
}
