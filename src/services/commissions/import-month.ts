import { deleteMonth, insertDealsFromJson, insertMonth, insertPayeesFromJson, lockMonth, placeMarkets, upsertAgentsFromJson, upsertManagers, upsertMarkets } from '../../db/commissions.js';
import { readSettings } from '../../db/settings.js';
import type { TenantTx } from '../../db/tenant.js';
import { canonicalMonth } from '../../domain/imports/canonical.js';
import type { CommissionMonth } from '../../domain/imports/format.js';
import { monthTextHash, prepareMonth, type PreparedMonth } from '../../domain/imports/prepare.js';
import { invalidInput, invalidValues } from '../../domain/app-error.js';
import { inTenant, requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { idempotentWrite, type IdempotentOutcome } from '../idempotent-write.js';
import { assertClosingsMonthOpen } from '../closings/month-lock.js';
import type { ImportWorkers, PayeeBody } from '../imports/import-workers.js';

export interface ImportResponse {
  status: 'success';
  month: string;
  imported: { agents: number; managers: number; deals: number; total_commission: number };
  replaced: boolean;
  validation_warnings: string[];
}

export interface ImportMonthInput {
  document: CommissionMonth;
  /** The month the caller meant (a CSV's `?month=`); the document must be for it. */
  expectedMonth?: string | undefined;
  /** The request's Idempotency-Key header, when it had one. */
  idempotencyKey?: string | undefined;
}

export type ImportOutcome = IdempotentOutcome<ImportResponse>;

/** Hash of the canonical document: the same month sent twice hashes the same, whatever its key order. */
export function documentHash(month: CommissionMonth): string {
  return monthTextHash(JSON.stringify(canonicalMonth(month)));
}

/** The body must be for the month the caller named (a CSV's `?month=`): 422 otherwise. */
export function requireExpectedMonth(month: string, expectedMonth: string | undefined): void {
  if (expectedMonth && month !== expectedMonth) {
    throw invalidInput('The body is for another month than ?month=.', [{ pointer: '/month', message: `is ${month}, but ?month= is ${expectedMonth}` }]);
  }
}

/**
 * Imports one month for the principal's tenant (admins), atomically: validation errors reject it
 * whole (422, nothing written); otherwise the month replaces any earlier import of the same month,
 * and agents, managers and markets it names are created or refreshed. Concurrent imports of one
 * month apply one after the other (last write wins, whole). With an Idempotency-Key, a repeat of
 * the same body returns the first response without applying anything; a different body is a 422.
 */
export async function importMonth(ctx: ServiceContext, input: ImportMonthInput): Promise<ImportOutcome> {
  requireAdmin(ctx);
  const { document } = input;
  const settings = await inTenant(ctx, readSettings);
  const prepared = prepareMonth(document, { terminationThreshold: settings.termination_threshold, today: ctx.clock() });
  return importPreparedMonth(ctx, { prepared, expectedMonth: input.expectedMonth, idempotencyKey: input.idempotencyKey });
}

/**
 * A month import's body (JSON or CSV bytes) read, checked and made into rows on an import worker
 * thread (src/services/imports/): the event loop only receives the bytes and writes the rows'
 * JSON text. Throws what the JSON parser and the body schema would (400, 422); the month's own
 * errors come with it and are thrown by importPreparedMonth, in the same order as before.
 */
export async function preparePayeeBody(ctx: ServiceContext & { importWorkers: ImportWorkers }, body: Omit<PayeeBody, 'terminationThreshold' | 'today'>): Promise<PreparedMonth> {
  requireAdmin(ctx);
  const settings = await inTenant(ctx, readSettings);
  return ctx.importWorkers.preparePayees(
    { ...body, terminationThreshold: settings.termination_threshold, today: ctx.clock().toISOString() },
    ctx.principal.tenantId,
  );
}

/** importMonth of a month prepared already (preparePayeeBody, or prepareMonth in the caller's thread). */
export async function importPreparedMonth(
  ctx: ServiceContext,
  input: { prepared: PreparedMonth; expectedMonth?: string | undefined; idempotencyKey?: string | undefined },
): Promise<ImportOutcome> {
  requireAdmin(ctx);
  const { prepared, expectedMonth, idempotencyKey } = input;
  requireExpectedMonth(prepared.month, expectedMonth);
  return writeInTenant(
    ctx,
    (outcome: ImportOutcome) => (outcome.replayed ? null : { type: 'import', month: prepared.month }),
    (tx) => idempotentWrite(tx, { idempotencyKey, hash: () => prepared.hash }, () => writeMonth(tx, prepared, ctx.principal.userId)),
  );
}

/**
 * The import itself, inside a tenant transaction the caller owns: the bulk importer puts many
 * months in one transaction so that a run either lands whole or not at all.
 */
export async function importMonthInTransaction(
  tx: TenantTx,
  input: CommissionMonth,
  options: { userId: string | null; today: Date },
): Promise<ImportResponse> {
  const settings = await readSettings(tx);
  return writeMonth(tx, prepareMonth(input, { terminationThreshold: settings.termination_threshold, today: options.today }), options.userId);
}

async function writeMonth(tx: TenantTx, prepared: PreparedMonth, userId: string | null): Promise<ImportResponse> {
  const { month, rows } = prepared;
  if (!rows) throw invalidValues('The month', prepared.errors);

  await lockMonth(tx, month);
  // Approved payouts are the month's actual commission: a payee import may not replace them (409).
  await assertClosingsMonthOpen(tx, month);
  const replaced = await deleteMonth(tx, month);

  await upsertManagers(tx, rows.managerNames);
  // One row per name: a duplicated name (reported as a warning) keeps its last occurrence.
  await upsertAgentsFromJson(tx, month, rows.agentsJson);
  await upsertMarkets(tx, rows.marketNames);
  await placeMarkets(tx, rows.placedMarkets);

  const { totals } = rows;
  await insertMonth(tx, {
    month,
    metadataJson: rows.metadataJson,
    totalGp: totals.gp,
    totalCommission: totals.commission,
    agentCount: totals.agents,
    managerCount: totals.managers,
    transactions: totals.transactions,
    terminations: totals.terminations,
    documentText: prepared.documentText,
    rollupJson: rows.rollupJson,
    importedBy: userId,
  });
  await insertPayeesFromJson(tx, month, rows.payeesJson);
  if (rows.deals > 0) await insertDealsFromJson(tx, month, rows.dealsJson);

  return {
    status: 'success',
    month,
    imported: { agents: totals.agents, managers: totals.managers, deals: rows.deals, total_commission: rows.totalCommission },
    replaced,
    validation_warnings: prepared.warnings,
  };
}
