import type { AdjustmentRow } from '../../db/adjustments.js';
import type { AdjustmentView } from '../../schemas/payouts.js';

export function adjustmentView(row: AdjustmentRow): AdjustmentView {
  return {
    id: row.id,
    source: row.source,
    payee: row.payee,
    amount: row.amount,
    reason: row.reason,
    ...(row.note === undefined ? {} : { note: row.note }),
    created_at: row.created_at.toISOString(),
    created_by: row.created_by,
  };
}
