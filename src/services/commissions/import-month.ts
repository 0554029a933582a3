import { createHash } from 'node:crypto';
import {
  deleteMonth,
  insertDeals,
  insertMonth,
  insertPayees,
  lockMonth,
  upsertAgents,
  upsertManagers,
  upsertMarkets,
  placeMarkets,
  type PayeeRow,
} from '../../db/commissions.js';
import { readSettings } from '../../db/settings.js';
import { withTenant, type TenantTx } from '../../db/tenant.js';
import { canonicalMonth } from '../../domain/imports/canonical.js';
import { checkMonth } from '../../domain/imports/check.js';
import { historyMonthFromImport } from '../../domain/imports/to-history.js';
import { rollupFromHistory } from '../../domain/analytics/rollups.js';
import type { CommissionMonth } from '../../domain/imports/format.js';
import { formatAmount, parseAmount, toAmount, type Cents } from '../../domain/money.js';
import { invalidInput, invalidValues } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { idempotentWrite, type IdempotentOutcome } from '../idempotent-write.js';
import { assertClosingsMonthOpen } from '../closings/month-lock.js';

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
  return createHash('sha256').update(JSON.stringify(canonicalMonth(month))).digest('hex');
}

const cents = (amount: number): Cents => {
  const value = parseAmount(amount);
  // checkMonth has rejected every amount parseAmount refuses; reaching here would be a bug.
  if (value === null) throw new Error(`unchecked amount ${amount}`);
  return value;
};
const money = (amount: number | undefined) => (amount === undefined ? null : formatAmount(cents(amount)));

/**
 * Imports one month for the principal's tenant (admins), atomically: validation errors reject it
 * whole (422, nothing written); otherwise the month replaces any earlier import of the same month,
 * and agents, managers and markets it names are created or refreshed. Concurrent imports of one
 * month apply one after the other (last write wins, whole). With an Idempotency-Key, a repeat of
 * the same body returns the first response without applying anything; a different body is a 422.
 */
export async function importMonth(ctx: ServiceContext, input: ImportMonthInput): Promise<ImportOutcome> {
  requireAdmin(ctx);
  const { document, expectedMonth, idempotencyKey } = input;
  if (expectedMonth && document.month !== expectedMonth) {
    throw invalidInput('The body is for another month than ?month=.', [
      { pointer: '/month', message: `is ${document.month}, but ?month= is ${expectedMonth}` },
    ]);
  }
  return writeInTenant(
    ctx,
    (outcome: ImportOutcome) => (outcome.replayed ? null : { type: 'import', month: document.month }),
    (tx) =>
      idempotentWrite(tx, { idempotencyKey, hash: () => documentHash(document) }, () =>
        importMonthInTransaction(tx, document, { userId: ctx.principal.userId, today: ctx.clock() }),
      ),
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
  const check = checkMonth(input, { terminationThreshold: settings.termination_threshold, today: options.today });
  if (check.errors.length > 0) throw invalidValues('The month', check.errors);
  return writeMonth(tx, input, check.warnings, check.totals, options.userId);
}

async function writeMonth(
  tx: TenantTx,
  input: CommissionMonth,
  warnings: string[],
  totals: ReturnType<typeof checkMonth>['totals'],
  userId: string | null,
): Promise<ImportResponse> {
  const { month } = input;
  const managers = input.managers ?? [];
  const deals = input.deals ?? [];

  await lockMonth(tx, month);
  // Approved payouts are the month's actual commission: a payee import may not replace them (409).
  await assertClosingsMonthOpen(tx, month);
  const replaced = await deleteMonth(tx, month);

  const managerIds = await upsertManagers(tx, [
    ...managers.map((manager) => manager.name),
    ...input.agents.flatMap((agent) => (agent.manager ? [agent.manager] : [])),
  ]);
  // One row per name: a duplicated name (reported as a warning) keeps its last occurrence.
  const latestByName = new Map(input.agents.map((agent) => [agent.name, agent]));
  const agentIds = await upsertAgents(
    tx,
    month,
    [...latestByName.values()].map((agent) => ({
      name: agent.name,
      type: agent.type,
      market: agent.market ?? null,
      managerId: agent.manager ? (managerIds.get(agent.manager) ?? null) : null,
    })),
  );
  await upsertMarkets(tx, [
    ...input.agents.flatMap((agent) => (agent.market ? [agent.market] : [])),
    ...deals.flatMap((deal) => (deal.market ? [deal.market] : [])),
  ]);
  // Last mention wins when a file names a market twice.
  await placeMarkets(tx, [...new Map((input.markets ?? []).map((market) => [market.name, market])).values()]);

  const terminatedDeals = new Map<string, number>();
  for (const deal of deals) {
    if (deal.status === 'terminated') terminatedDeals.set(deal.agent, (terminatedDeals.get(deal.agent) ?? 0) + 1);
  }
  const terminationsOf = (name: string, given: number | undefined) =>
    given ?? (input.deals ? (terminatedDeals.get(name) ?? 0) : null);

  const payees: PayeeRow[] = [
    ...input.agents.map((agent, position) => ({
      payeeType: 'agent' as const,
      position,
      name: agent.name,
      agentId: agentIds.get(agent.name) ?? null,
      managerId: null,
      agentType: agent.type,
      gp: money(agent.gp),
      deals: agent.deals,
      terminations: terminationsOf(agent.name, agent.terminations),
      commission: money(agent.commission)!,
      market: agent.market ?? null,
      manager: agent.manager ?? null,
    })),
    ...managers.map((manager, position) => ({
      payeeType: 'manager' as const,
      position,
      name: manager.name,
      agentId: null,
      managerId: managerIds.get(manager.name) ?? null,
      agentType: null,
      gp: money(manager.gp),
      deals: null,
      terminations: null,
      commission: money(manager.commission)!,
      market: null,
      manager: null,
    })),
  ];

  const document = canonicalMonth(input);
  await insertMonth(tx, {
    month,
    metadata: input.metadata ?? null,
    totalGp: formatAmount(totals.gpCents),
    totalCommission: formatAmount(totals.commissionCents),
    agentCount: totals.agents,
    managerCount: totals.managers,
    transactions: totals.transactions,
    terminations: payees.reduce((sum, payee) => sum + (payee.terminations ?? 0), 0),
    document,
    documentText: JSON.stringify(document),
    rollup: rollupFromHistory([historyMonthFromImport(input)])[0]!,
    importedBy: userId,
  });
  await insertPayees(tx, month, payees);
  await insertDeals(
    tx,
    month,
    deals.map((deal) => ({
      dealId: deal.id,
      date: deal.date,
      agent: deal.agent,
      agentId: agentIds.get(deal.agent) ?? null,
      type: deal.type,
      market: deal.market ?? null,
      gp: formatAmount(cents(deal.gp)),
      status: deal.status,
    })),
  );

  return {
    status: 'success',
    month,
    imported: {
      agents: totals.agents,
      managers: totals.managers,
      deals: deals.length,
      total_commission: toAmount(totals.commissionCents),
    },
    replaced,
    validation_warnings: warnings,
  };
}
