import { listPayeeMonths } from '../../db/payee-statements.js';
import { parseAmountText, sumCents, toAmount } from '../../domain/money.js';
import type { MyStatementsView } from '../../schemas/me.js';
import { inTenant, type ServiceContext } from '../context.js';
import { payeeOf } from './payee-of.js';

/** A payee's months with their totals, newest first, and the sum of them (exact cents). */
export async function listMyStatements(ctx: ServiceContext): Promise<MyStatementsView> {
  const payee = payeeOf(ctx);
  const rows = await inTenant(ctx, (tx) => listPayeeMonths(tx, payee));
  const cents = rows.map((row) => parseAmountText(row.total) ?? 0);
  return {
    payee,
    items: rows.map((row, index) => ({
      month: row.month,
      status: row.status,
      approved_at: row.approved_at === null ? null : row.approved_at.toISOString(),
      total: toAmount(cents[index]!),
    })),
    total: toAmount(sumCents(cents)),
  };
}
