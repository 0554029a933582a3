import type { ClosingMonthSummaryRow } from '../../db/closings.js';

/** A closings month's totals as the API shows them, with the state of its payouts. */
export function closingMonthSummary(row: ClosingMonthSummaryRow) {
  return {
    month: row.month,
    closings: row.closings,
    sides: row.sides,
    adjustments: row.adjustments,
    company_gp: Number(row.company_gp),
    company_transactions: row.company_transactions,
    closed: row.closed,
    terminated: row.terminated,
    pay: row.pay,
    imported_at: row.imported_at.toISOString(),
    imported_by: row.imported_by,
  };
}
