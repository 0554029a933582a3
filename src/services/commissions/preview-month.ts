import { listMonths } from '../../db/commissions.js';
import { invalidValues } from '../../domain/app-error.js';
import type { PreparedMonth } from '../../domain/imports/prepare.js';
import { sizeWarning } from '../../domain/imports/size-warning.js';
import { percentOf, toAmount } from '../../domain/money.js';
import { inTenant, requireAdmin, type ServiceContext } from '../context.js';
import { requireExpectedMonth } from './import-month.js';

/** The other months a preview compares the agent count with. */
const COMPARED_MONTHS = 12;

/**
 * What importing this month would do, without writing anything (admins, as for the import): the
 * month as the import prepares it (preparePayeeBody: the same checks, 422 with the same pointers),
 * its payees and totals as the Imported months table will show them, whether it replaces a month
 * imported before, and the import's warnings plus one when its agent count is far from the
 * tenant's other months.
 */
export async function previewMonth(ctx: ServiceContext, input: { prepared: PreparedMonth; expectedMonth?: string | undefined }) {
  requireAdmin(ctx);
  const { prepared } = input;
  requireExpectedMonth(prepared.month, input.expectedMonth);
  if (!prepared.rows) throw invalidValues('The month', prepared.errors);
  const { totals } = prepared.rows;
  const months = await inTenant(ctx, async (tx) => (await listMonths(tx, COMPARED_MONTHS + 1, 0)).rows);
  const others = months.filter((row) => row.month !== prepared.month).slice(0, COMPARED_MONTHS);
  const size = sizeWarning(totals.agents, others.map((row) => row.agent_count));
  const { gpCents, commissionCents } = totals;
  return {
    month: prepared.month,
    replaces: months.some((row) => row.month === prepared.month),
    counts: { agents: totals.agents, managers: totals.managers, transactions: totals.transactions, deals: prepared.rows.deals },
    total_gp: toAmount(gpCents),
    total_commission: toAmount(commissionCents),
    commission_pct: percentOf(commissionCents, gpCents, 1),
    validation_warnings: [...(size ? [size] : []), ...prepared.warnings],
  };
}
