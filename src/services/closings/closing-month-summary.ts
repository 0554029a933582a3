import type { ClosingMonthSummaryRow } from '../../db/closings.js';

/** A closings month's totals as the API shows them; pay is not part of closings until payouts exist. */
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
    pay: 'not calculated' as const,
    imported_at: row.imported_at.toISOString(),
    imported_by: row.imported_by,
  };
}
