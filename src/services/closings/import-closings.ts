import {
  deleteClosingsMonth,
  insertClosings,
  insertClosingsMonth,
  insertImportedAdjustments,
  knownPeople,
  type ClosingRow,
} from '../../db/closings.js';
import { lockMonth, upsertAgents, upsertManagers, upsertMarkets } from '../../db/commissions.js';
import type { TenantTx } from '../../db/tenant.js';
import { invalidValues } from '../../domain/app-error.js';
import { checkClosingsMonth, parseCredit, type ClosingsCheck } from '../../domain/closings/check.js';
import type { ClosingsMonth, SideRole } from '../../domain/closings/closing.js';
import { creditsOf, totalsByPerson } from '../../domain/closings/credits.js';
import { rollupFromClosings } from '../../domain/closings/rollup.js';
import type { MonthRollup } from '../../domain/analytics/rollups.js';
import { formatAmount, parseAmount, toAmount } from '../../domain/money.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { idempotentWrite, type IdempotentOutcome } from '../idempotent-write.js';
import { closingsHash, type ClosingsInput } from './closings-input.js';
import { assertClosingsMonthOpen } from './month-lock.js';

export interface ClosingsImportResponse {
  status: 'success';
  month: string;
  imported: { closings: number; sides: number; adjustments: number; company_gp: number; company_transactions: number };
  replaced: boolean;
  validation_warnings: string[];
}

export type ClosingsImportOutcome = IdempotentOutcome<ClosingsImportResponse>;

const money = (amount: number) => formatAmount(parseAmount(amount)!);

/** Everyone a document names, as written (trimmed), for the roster look-up. */
export function peopleNamed(document: ClosingsMonth): string[] {
  const names = new Set<string>();
  for (const closing of document.closings ?? []) {
    for (const side of Array.isArray(closing?.sides) ? closing.sides : []) {
      if (typeof side?.agent === 'string') names.add(side.agent);
      if (typeof side?.manager === 'string') names.add(side.manager);
    }
  }
  return [...names];
}

/** The month checked against the tenant's roster: the one validation both import and preview run. */
export async function checkClosingsInput(tx: TenantTx, input: ClosingsInput, today: Date): Promise<ClosingsCheck> {
  const { document, expectedMonth } = input;
  const check = checkClosingsMonth(document, {
    today,
    knownPeople: await knownPeople(tx, Array.isArray(document?.closings) ? peopleNamed(document) : []),
    ...(input.rowNumbers ? { rowNumbers: input.rowNumbers } : {}),
  });
  if (expectedMonth && document?.month !== expectedMonth) {
    check.errors.unshift({ pointer: '/month', message: `is ${String(document?.month)}, but ?month= is ${expectedMonth}` });
  }
  return { ...check, errors: [...(input.sourceErrors ?? []), ...check.errors], warnings: [...(input.sourceWarnings ?? []), ...check.warnings] };
}

/**
 * Imports one closings month for the principal's tenant (admins), atomically: every invalid value
 * rejects it whole (422 with pointers, nothing written); otherwise the month's closings and the
 * adjustments of its previous import are replaced, in one transaction under the month's lock, and
 * the people it names join the roster. With an Idempotency-Key, a repeat of the same body returns
 * the first response and applies nothing; the same key with a different body is a 422.
 */
export async function importClosings(ctx: ServiceContext, input: ClosingsInput & { idempotencyKey?: string | undefined }): Promise<ClosingsImportOutcome> {
  requireAdmin(ctx);
  return writeInTenant(
    ctx,
    (outcome: ClosingsImportOutcome) => (outcome.replayed ? null : { type: 'closings', month: outcome.response.month }),
    (tx) =>
      idempotentWrite(tx, { idempotencyKey: input.idempotencyKey, hash: () => closingsHash(input.document) }, () =>
        importClosingsInTransaction(tx, input, { userId: ctx.principal.userId, today: ctx.clock() }),
      ),
  );
}

/** The import inside a tenant transaction the caller owns (the CLI puts several months in one). */
export async function importClosingsInTransaction(
  tx: TenantTx,
  input: ClosingsInput,
  options: { userId: string | null; today: Date },
): Promise<ClosingsImportResponse> {
  const check = await checkClosingsInput(tx, input, options.today);
  if (check.errors.length > 0) throw invalidValues('The closings month', check.errors);
  const document = input.document;
  const { month } = document;

  await lockMonth(tx, month);
  await assertClosingsMonthOpen(tx, month);
  const replaced = await deleteClosingsMonth(tx, month);
  const rollup = rollupFromClosings(document);
  await updateRoster(tx, document, rollup);

  const rows: ClosingRow[] = document.closings.map((closing) => ({
    id: closing.id ?? null,
    date: closing.date ?? null,
    property: closing.property ?? null,
    market: closing.market ?? null,
    gp: money(closing.gp),
    assignmentFee: closing.assignment_fee === undefined ? null : money(closing.assignment_fee),
    transactions: closing.transactions ?? 1,
    status: closing.status ?? 'closed',
    attributes: closing.attributes ?? null,
    sides: closing.sides.map((side) => ({
      role: side.role,
      agent: side.agent,
      manager: side.manager ?? null,
      credit: side.credit === undefined ? null : parseCredit(side.credit)!.toFixed(),
    })),
  }));
  const adjustments = document.adjustments ?? [];
  const sides = rows.reduce((sum, row) => sum + row.sides.length, 0);
  await insertClosingsMonth(tx, {
    month,
    closings: rows.length,
    sides,
    adjustments: adjustments.length,
    companyGp: formatAmount(check.totals.gpCents),
    companyTransactions: check.totals.transactions,
    closed: check.totals.closed,
    terminated: check.totals.terminated,
    rollup,
    importedBy: options.userId,
  });
  await insertClosings(tx, month, rows);
  await insertImportedAdjustments(
    tx,
    month,
    adjustments.map((adjustment) => ({ payee: adjustment.payee, amount: money(adjustment.amount), reason: adjustment.reason, note: adjustment.note ?? null })),
    options.userId,
  );

  return {
    status: 'success',
    month,
    imported: {
      closings: rows.length,
      sides,
      adjustments: adjustments.length,
      company_gp: toAmount(check.totals.gpCents),
      company_transactions: check.totals.transactions,
    },
    replaced,
    validation_warnings: check.warnings,
  };
}

/**
 * Everyone the closings name joins the roster once, agents and managers alike, so `/agents`
 * lists each person once with their roles (src/db/agents.ts reads the roles from the stored sides).
 * The roster's single `type` is the role that earned them the most GP this month (for a manager
 * only: the role they manage most); type, market and manager follow the newest month, as with the
 * payee import.
 */
async function updateRoster(tx: TenantTx, document: ClosingsMonth, rollup: MonthRollup): Promise<void> {
  const { agents } = rollup;
  const managerRole = new Map<string, { role: SideRole; deals: number }>();
  for (const totals of totalsByPerson(creditsOf(document.closings))) {
    if (totals.kind !== 'manager') continue;
    const best = managerRole.get(totals.person);
    if (!best || totals.deals > best.deals) managerRole.set(totals.person, { role: totals.role, deals: totals.deals });
  }
  const managerIds = await upsertManagers(tx, [...managerRole.keys()]);
  const asAgents = new Set(agents.map((agent) => agent.name));
  await upsertAgents(tx, document.month, [
    ...agents.map((agent) => ({
      name: agent.name,
      type: agent.type,
      market: agent.market,
      managerId: agent.manager ? (managerIds.get(agent.manager) ?? null) : null,
    })),
    ...[...managerRole]
      .filter(([name]) => !asAgents.has(name))
      .map(([name, { role }]) => ({ name, type: role, market: null, managerId: null })),
  ]);
  await upsertMarkets(tx, rollup.markets.map((market) => market.name));
}
