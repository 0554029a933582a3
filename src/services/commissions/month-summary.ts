import type { MonthSummaryRow } from '../../db/commissions.js';
import { parseAmountText, percentOf, toAmount } from '../../domain/money.js';

/** A month's totals as the API shows them: amounts in currency units, commission % to one decimal. */
export function monthSummary(row: MonthSummaryRow) {
  const gp = parseAmountText(row.total_gp) ?? 0;
  const commission = parseAmountText(row.total_commission) ?? 0;
  return {
    month: row.month,
    total_gp: toAmount(gp),
    total_commission: toAmount(commission),
    commission_pct: percentOf(commission, gp, 1),
    agents: row.agent_count,
    managers: row.manager_count,
    transactions: row.transactions,
    terminations: row.terminations,
    imported_at: row.imported_at.toISOString(),
  };
}
