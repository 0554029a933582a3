import type { GoalsRow } from '../../db/payouts.js';
import type { GoalsView } from '../../schemas/payouts.js';

export const goalsView = (row: GoalsRow): GoalsView => ({
  month: row.month,
  transactions: row.transactions,
  gp: row.gp,
  updated_at: row.updated_at.toISOString(),
  updated_by: row.updated_by,
});
