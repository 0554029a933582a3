import {
  deleteClosingsMonth,
  insertClosingsFromJson,
  insertClosingsMonth,
  insertImportedAdjustmentsFromJson,
  knownPeople,
  readRosterNames,
} from '../../db/closings.js';
import { lockMonth, upsertAgentsFromJson, upsertManagers, upsertMarkets } from '../../db/commissions.js';
import type { TenantTx } from '../../db/tenant.js';
import { invalidValues } from '../../domain/app-error.js';
import type { ClosingsCheck } from '../../domain/closings/check.js';
import type { MonthRollup } from '../../domain/analytics/rollups.js';
import { readSettings } from '../../db/settings.js';
import { inTenant, requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { idempotentWrite, type IdempotentOutcome } from '../idempotent-write.js';
import type { ClosingsBody, ImportWorkers, PreparedClosingsBody } from '../imports/import-workers.js';
import type { ClosingsInput } from './closings-input.js';
import { assertClosingsMonthOpen } from './month-lock.js';
import { checkClosings, peopleNamed, prepareClosings, type PreparedClosings } from './prepare-closings.js';

export interface ClosingsImportResponse {
  status: 'success';
  month: string;
  imported: { closings: number; sides: number; adjustments: number; company_gp: number; company_transactions: number };
  replaced: boolean;
  validation_warnings: string[];
}

export type ClosingsImportOutcome = IdempotentOutcome<ClosingsImportResponse>;

/** checkClosings (prepare-closings.ts) with the roster and settings of the caller's transaction: the CLI's and the bench's path. */
export async function checkClosingsInput(tx: TenantTx, input: ClosingsInput, today: Date): Promise<ClosingsCheck & { rollup: MonthRollup | null }> {
  const { document } = input;
  const known = await knownPeople(tx, Array.isArray(document?.closings) ? peopleNamed(document) : []);
  const { termination_threshold } = await readSettings(tx);
  return checkClosings(input, { today, knownPeople: known, terminationThreshold: termination_threshold });
}

/**
 * A closings body (JSON bytes, or a spreadsheet with the mapping to read it) read, checked, made
 * into rows and, for a preview, previewed on an import worker thread (src/services/imports/), against
 * the tenant's roster and settings read here: the event loop never parses nor checks the closings.
 */
export async function prepareClosingsBody(
  ctx: ServiceContext & { importWorkers: ImportWorkers },
  body: Omit<ClosingsBody, 'roster' | 'terminationThreshold' | 'today'>,
): Promise<PreparedClosingsBody> {
  requireAdmin(ctx);
  const { roster, settings } = await inTenant(ctx, async (tx) => ({ roster: await readRosterNames(tx), settings: await readSettings(tx) }));
  return ctx.importWorkers.prepareClosings(
    { ...body, roster, terminationThreshold: settings.termination_threshold, today: ctx.clock().toISOString() },
    ctx.principal.tenantId,
  );
}

/**
 * Imports one prepared closings month for the principal's tenant (admins), atomically: every
 * invalid value rejects it whole (422 with pointers, nothing written); otherwise the month's
 * closings and the adjustments of its previous import are replaced, in one transaction under the
 * month's lock, and the people it names join the roster. With an Idempotency-Key, a repeat of the
 * same body returns the first response and applies nothing; the same key with a different body is a 422.
 */
export async function importPreparedClosings(
  ctx: ServiceContext,
  input: { prepared: PreparedClosings; idempotencyKey?: string | undefined },
): Promise<ClosingsImportOutcome> {
  requireAdmin(ctx);
  const { prepared } = input;
  return writeInTenant(
    ctx,
    (outcome: ClosingsImportOutcome) => (outcome.replayed ? null : { type: 'closings', month: outcome.response.month }),
    (tx) => idempotentWrite(tx, { idempotencyKey: input.idempotencyKey, hash: () => prepared.hash }, () => writeClosings(tx, prepared, ctx.principal.userId)),
  );
}

/** importPreparedClosings of an input checked and prepared on the caller's thread (the bench). */
export async function importClosings(ctx: ServiceContext, input: ClosingsInput & { idempotencyKey?: string | undefined }): Promise<ClosingsImportOutcome> {
  requireAdmin(ctx);
  const check = await inTenant(ctx, (tx) => checkClosingsInput(tx, input, ctx.clock()));
  return importPreparedClosings(ctx, { prepared: prepareClosings(input, check), idempotencyKey: input.idempotencyKey });
}

/** The import inside a tenant transaction the caller owns (the CLI puts several months in one). */
export async function importClosingsInTransaction(
  tx: TenantTx,
  input: ClosingsInput,
  options: { userId: string | null; today: Date },
): Promise<ClosingsImportResponse> {
  return writeClosings(tx, prepareClosings(input, await checkClosingsInput(tx, input, options.today)), options.userId);
}

async function writeClosings(tx: TenantTx, prepared: PreparedClosings, userId: string | null): Promise<ClosingsImportResponse> {
  const { month, rows } = prepared;
  if (!rows) throw invalidValues('The closings month', prepared.errors);

  await lockMonth(tx, month);
  await assertClosingsMonthOpen(tx, month);
  const replaced = await deleteClosingsMonth(tx, month);
  await upsertManagers(tx, rows.managerNames);
  await upsertAgentsFromJson(tx, month, rows.agentsJson);
  await upsertMarkets(tx, rows.marketNames);

  await insertClosingsMonth(tx, {
    month,
    closings: rows.closings,
    sides: rows.sides,
    adjustments: rows.adjustments,
    companyGp: rows.totals.gp,
    companyTransactions: rows.totals.transactions,
    closed: rows.totals.closed,
    terminated: rows.totals.terminated,
    rollupJson: rows.rollupJson,
    importedBy: userId,
  });
  if (rows.closings > 0) await insertClosingsFromJson(tx, month, rows.closingsJson, rows.sides > 0 ? rows.sidesJson : null);
  if (rows.adjustments > 0) await insertImportedAdjustmentsFromJson(tx, month, rows.adjustmentsJson, userId);

  return {
    status: 'success',
    month,
    imported: {
      closings: rows.closings,
      sides: rows.sides,
      adjustments: rows.adjustments,
      company_gp: rows.totals.gpAmount,
      company_transactions: rows.totals.transactions,
    },
    replaced,
    validation_warnings: prepared.warnings,
  };
}
