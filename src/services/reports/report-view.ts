import type { ReportRow } from '../../db/reports.js';

/** A report's status as the API shows it. */
export const reportView = (row: ReportRow) => ({
  id: row.id,
  month: row.month,
  status: row.status,
  trigger: row.trigger,
  attempts: row.attempts,
  error: row.error,
  requested_at: row.requested_at.toISOString(),
  completed_at: row.completed_at?.toISOString() ?? null,
});
