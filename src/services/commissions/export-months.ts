import type pg from 'pg';
import { monthsBetween, readDocuments } from '../../db/commissions.js';
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

/** The months' documents, canonical; without deals when `deals` is false (CSV has a row per payee only). */
async function* documents(pool: pg.Pool, tenantId: string, months: string[], deals: boolean): AsyncGenerator<CommissionMonth> {
  for (let start = 0; start < months.length; start += BATCH) {
    const batch = await withTenant(pool, tenantId, (tx) => readDocuments(tx, months.slice(start, start + BATCH), { deals }));
    for (const document of batch) yield canonicalMonth(document);
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
  if (format === 'json' && !single) yield '[';
  if (format === 'csv' && months.length === 0) yield toCsv([]);
  for await (const document of documents(pool, tenantId, months, format === 'json')) {
    if (format === 'json') {
      yield `${first || single ? '' : ','}${JSON.stringify(document)}`;
    } else {
      const csv = toCsv([document]);
      yield first ? csv : withoutHeader(csv);
    }
    first = false;
  }
  if (format === 'json' && !single) yield ']';
}
