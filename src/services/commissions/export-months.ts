import type pg from 'pg';
import { monthsBetween, readDocumentTexts, readDocuments } from '../../db/commissions.js';
import { withTenant } from '../../db/tenant.js';
import { canonicalMonth } from '../../domain/imports/canonical.js';
import { toCsv } from '../../domain/imports/csv.js';
import type { CommissionMonth } from '../../domain/imports/format.js';

export type ExportFormat = 'json' | 'csv';

/** Months read per transaction while streaming a range: bounded memory, short transactions. */
const BATCH = 6;

export async function exportableMonths(pool: pg.Pool, tenantId: string, from: string, to: string): Promise<string[]> {
  return withTenant(pool, tenantId, (tx) => monthsBetween(tx, from, to));
}

/** The months' documents without their deals, canonical (CSV has a row per payee only). */
async function* payeeDocuments(pool: pg.Pool, tenantId: string, months: string[]): AsyncGenerator<CommissionMonth> {
  for (let start = 0; start < months.length; start += BATCH) {
    const batch = await withTenant(pool, tenantId, (tx) => readDocuments(tx, months.slice(start, start + BATCH), { deals: false }));
    for (const document of batch) yield canonicalMonth(document);
  }
}

/** The months as JSON text: as stored at import, or written out the same way for older months. */
async function* jsonTexts(pool: pg.Pool, tenantId: string, months: string[]): AsyncGenerator<string> {
  for (let start = 0; start < months.length; start += BATCH) {
    const batch = await withTenant(pool, tenantId, (tx) => readDocumentTexts(tx, months.slice(start, start + BATCH)));
    for (const month of batch) yield 'text' in month ? month.text : JSON.stringify(canonicalMonth(month.document));
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
    for await (const text of jsonTexts(pool, tenantId, months)) {
      yield first || single ? text : `,${text}`;
      first = false;
    }
    if (!single) yield ']';
    return;
  }
  if (months.length === 0) yield toCsv([]);
  for await (const document of payeeDocuments(pool, tenantId, months)) {
    const csv = toCsv([document]);
    yield first ? csv : withoutHeader(csv);
    first = false;
  }
}
