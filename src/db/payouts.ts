import type { DrawBalance, PaidBefore, Payout, PayoutStatement } from '../domain/payouts/calculate-payouts.js';
import type { Goals } from '../domain/payouts/window.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';
import type { AccountingSettings } from '../schemas/settings.js';

/**
 * A tenant's payout months, their statements, what they carry into later months, their history
 * and the months' goals (migration 0013). A month's statements are written in one statement
 * whatever their number (arrays through unnest).
 */

export interface PlanPaid {
  id: string;
  name: string;
  version: number;
  effective_from: string;
}

export interface PayoutMonthState {
  month: string;
  status: 'draft' | 'approved';
  approved_at: Date | null;
  approved_by: string | null;
  /** The approver's e-mail while the user exists (erased users leave their id only). */
  approved_by_email: string | null;
}

const STATE_COLUMNS = `to_char(m.month, 'YYYY-MM') AS month, m.status, m.approved_at, m.approved_by, u.email AS approved_by_email`;
const APPROVER = 'LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.approved_by';

export async function readPayoutState(tx: TenantTx, month: string): Promise<PayoutMonthState | undefined> {
  const result = await tx.query<PayoutMonthState>(`SELECT ${STATE_COLUMNS} FROM payout_months m ${APPROVER} WHERE m.tenant_id = $1 AND m.month = $2`, [
    tx.tenantId,
    monthDate(month),
  ]);
  return result.rows[0];
}

export interface DraftRow {
  payout: Payout;
  plans: PlanPaid[];
  inputs: string;
  calculatedAt: Date;
  calculatedBy: string | null;
}

/** Writes the month's draft, replacing an earlier draft whole (statements and carried amounts too). */
export async function storeDraft(tx: TenantTx, row: DraftRow): Promise<void> {
  const { payout } = row;
  const month = monthDate(payout.month);
  await tx.query(
    `INSERT INTO payout_months (tenant_id, month, status, company_gp, company_transactions, total, by_role, uncovered, plans, inputs_md5, calculated_at, calculated_by)
     VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (tenant_id, month) DO UPDATE SET status = 'draft', company_gp = EXCLUDED.company_gp,
       company_transactions = EXCLUDED.company_transactions, total = EXCLUDED.total, by_role = EXCLUDED.by_role,
       uncovered = EXCLUDED.uncovered, plans = EXCLUDED.plans, inputs_md5 = EXCLUDED.inputs_md5, calculated_at = EXCLUDED.calculated_at,
       calculated_by = EXCLUDED.calculated_by, approved_at = NULL, approved_by = NULL, accounting = NULL`,
    [
      tx.tenantId,
      month,
      payout.company_gp.toFixed(2),
      payout.company_transactions,
      payout.total.toFixed(2),
      JSON.stringify(payout.by_role),
      JSON.stringify(payout.uncovered),
      JSON.stringify(row.plans),
      row.inputs,
      row.calculatedAt,
      row.calculatedBy,
    ],
  );
  await tx.query('DELETE FROM payout_statements WHERE tenant_id = $1 AND month = $2', [tx.tenantId, month]);
  await tx.query('DELETE FROM payout_carry WHERE tenant_id = $1 AND month = $2', [tx.tenantId, month]);
  if (payout.statements.length > 0) {
    await tx.query(
      `INSERT INTO payout_statements (tenant_id, month, position, payee, total, statement)
       SELECT $1, $2::date, s.ordinality - 1, s.payee, s.total, s.statement
         FROM unnest($3::text[], $4::numeric[], $5::jsonb[]) WITH ORDINALITY AS s(payee, total, statement, ordinality)`,
      [
        tx.tenantId,
        month,
        payout.statements.map((statement) => statement.payee),
        payout.statements.map((statement) => statement.total.toFixed(2)),
        payout.statements.map((statement) => JSON.stringify(statement)),
      ],
    );
  }
  const carry = new Map<string, { plan_id: string; payee: string; paid: number | null; draw: number | null }>();
  const entry = (planId: string, payee: string) => {
    const key = `${planId}\u0000${payee}`;
    const found = carry.get(key) ?? { plan_id: planId, payee, paid: null, draw: null };
    carry.set(key, found);
    return found;
  };
  for (const paid of payout.paid) entry(paid.plan_id, paid.payee).paid = paid.amount;
  for (const draw of payout.draw_balances) entry(draw.plan_id, draw.payee).draw = draw.balance;
  if (carry.size > 0) {
    const rows = [...carry.values()];
    await tx.query(
      `INSERT INTO payout_carry (tenant_id, month, plan_id, payee, paid, draw_balance)
       SELECT $1, $2::date, c.* FROM unnest($3::uuid[], $4::text[], $5::numeric[], $6::numeric[]) AS c`,
      [
        tx.tenantId,
        month,
        rows.map((row) => row.plan_id),
        rows.map((row) => row.payee),
        rows.map((row) => (row.paid === null ? null : row.paid.toFixed(2))),
        rows.map((row) => (row.draw === null ? null : row.draw.toFixed(2))),
      ],
    );
  }
}

export interface StoredPayout {
  month: string;
  status: 'draft' | 'approved';
  company_gp: string;
  company_transactions: number;
  total: string;
  by_role: Record<string, number>;
  uncovered: string[];
  plans: PlanPaid[];
  calculated_at: Date;
  calculated_by: string | null;
  approved_at: Date | null;
  approved_by: string | null;
  approved_by_email: string | null;
  /** The accounting settings of its approval (migration 0020); null for a draft, or a month approved before 0020. */
  accounting: AccountingSettings | null;
  statements: PayoutStatement[];
}

export async function readPayout(tx: TenantTx, month: string): Promise<StoredPayout | undefined> {
  const found = await tx.query<Omit<StoredPayout, 'statements'>>(
    `SELECT ${STATE_COLUMNS}, m.company_gp, m.company_transactions, m.total, m.by_role, m.uncovered, m.plans, m.calculated_at, m.calculated_by, m.accounting
       FROM payout_months m ${APPROVER} WHERE m.tenant_id = $1 AND m.month = $2`,
    [tx.tenantId, monthDate(month)],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  const statements = await tx.query<{ statement: PayoutStatement }>(
    'SELECT statement FROM payout_statements WHERE tenant_id = $1 AND month = $2 ORDER BY position',
    [tx.tenantId, monthDate(month)],
  );
  return { ...row, statements: statements.rows.map((entry) => entry.statement) };
}

export interface PayoutMonthListRow {
  month: string;
  status: 'draft' | 'approved';
  total: string;
  statements: number;
  calculated_at: Date;
  approved_at: Date | null;
  approved_by: string | null;
  approved_by_email: string | null;
}

export async function listPayoutMonths(tx: TenantTx): Promise<PayoutMonthListRow[]> {
  const result = await tx.query<PayoutMonthListRow>(
    `SELECT ${STATE_COLUMNS}, m.total, m.calculated_at,
            (SELECT count(*)::int FROM payout_statements s WHERE s.tenant_id = m.tenant_id AND s.month = m.month) AS statements
       FROM payout_months m ${APPROVER} WHERE m.tenant_id = $1 ORDER BY m.month DESC`,
    [tx.tenantId],
  );
  return result.rows;
}

/**
 * Sets the month's status; false when the month has no payout. An approval stores the accounting
 * settings its journals are written with from then on (migration 0020); a reopening clears them.
 */
export async function setPayoutStatus(
  tx: TenantTx,
  month: string,
  change: { status: 'approved'; at: Date; by: string | null; accounting: AccountingSettings } | { status: 'draft'; at: null; by: null },
): Promise<boolean> {
  const result = await tx.query('UPDATE payout_months SET status = $3, approved_at = $4, approved_by = $5, accounting = $6 WHERE tenant_id = $1 AND month = $2', [
    tx.tenantId,
    monthDate(month),
    change.status,
    change.at,
    change.by,
    change.status === 'approved' ? JSON.stringify(change.accounting) : null,
  ]);
  return result.rowCount === 1;
}

export interface PayoutEvent {
  action: 'calculated' | 'approved' | 'reopened';
  occurred_at: Date;
  user_id: string | null;
  reason: string | null;
  total: string | null;
}

/** Appends an event to the month's history; the caller holds the month's lock (lockMonth). */
export async function insertPayoutEvent(tx: TenantTx, month: string, event: PayoutEvent): Promise<void> {
  await tx.query(
    `INSERT INTO payout_events (tenant_id, month, seq, occurred_at, user_id, action, reason, total)
     SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6, $7 FROM payout_events WHERE tenant_id = $1 AND month = $2`,
    [
      tx.tenantId,
      monthDate(month),
      event.occurred_at,
      event.user_id,
      event.action,
      event.reason,
      event.total,
    ],
  );
}

export async function listPayoutEvents(tx: TenantTx, month: string): Promise<(PayoutEvent & { user_email: string | null })[]> {
  const result = await tx.query<PayoutEvent & { user_email: string | null }>(
    `SELECT e.action, e.occurred_at, e.user_id, u.email AS user_email, e.reason, e.total
       FROM payout_events e LEFT JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id
      WHERE e.tenant_id = $1 AND e.month = $2 ORDER BY e.seq`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows;
}

/**
 * What stored earlier months of `month`'s year paid under each quarter or year plan, month by
 * month (the caller sums the months of the plan's period), and the newest draw balance of every
 * person and plan before `month`.
 */
export async function carriedInto(tx: TenantTx, month: string): Promise<{ paid: (PaidBefore & { month: string })[]; draws: DrawBalance[] }> {
  const paid = await tx.query<{ month: string; plan_id: string; payee: string; paid: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, plan_id, payee, paid FROM payout_carry
      WHERE tenant_id = $1 AND month < $2 AND month >= date_trunc('year', $2::date) AND paid IS NOT NULL`,
    [tx.tenantId, monthDate(month)],
  );
  const draws = await tx.query<{ plan_id: string; payee: string; draw_balance: string }>(
    `SELECT DISTINCT ON (plan_id, payee) plan_id, payee, draw_balance FROM payout_carry
      WHERE tenant_id = $1 AND month < $2 AND draw_balance IS NOT NULL ORDER BY plan_id, payee, month DESC`,
    [tx.tenantId, monthDate(month)],
  );
  return {
    paid: paid.rows.map((row) => ({ month: row.month, plan_id: row.plan_id, payee: row.payee, amount: Number(row.paid) })),
    draws: draws.rows.map((row) => ({ plan_id: row.plan_id, payee: row.payee, balance: Number(row.draw_balance) })),
  };
}

export interface GoalsRow extends Goals {
  month: string;
  updated_at: Date;
  updated_by: string | null;
}

export async function upsertGoals(tx: TenantTx, month: string, goals: { transactions: number; gp: string }, at: Date, by: string | null): Promise<void> {
  await tx.query(
    `INSERT INTO month_goals (tenant_id, month, transactions, gp, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, month) DO UPDATE SET transactions = EXCLUDED.transactions, gp = EXCLUDED.gp,
       updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [tx.tenantId, monthDate(month), goals.transactions, goals.gp, at, by],
  );
}

/** Goals of the months from `from` to `to` (inclusive), by month. */
export async function readGoals(tx: TenantTx, from: string, to: string): Promise<GoalsRow[]> {
  const result = await tx.query<Omit<GoalsRow, 'gp'> & { gp: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, transactions, gp, updated_at, updated_by FROM month_goals
      WHERE tenant_id = $1 AND month BETWEEN $2 AND $3 ORDER BY month`,
    [tx.tenantId, monthDate(from), monthDate(to)],
  );
  return result.rows.map((row) => ({ ...row, gp: Number(row.gp) }));
}

/**
 * What a calculation of the month reads, hashed: its closings import, its adjustments, its goals,
 * the tenant's plan versions and what earlier months carry into it. The draft is stored only if it is still the same once computed
 * (a change that landed meanwhile is never overwritten by pay computed without it), and a draft
 * is approved only if it still is (otherwise: recalculate).
 */
export async function monthInputsStamp(tx: TenantTx, month: string): Promise<string> {
  const result = await tx.query<{ stamp: string }>(
    `SELECT md5(concat_ws('|',
       (SELECT imported_at::text FROM closing_months WHERE tenant_id = $1 AND month = $2),
       (SELECT string_agg(id::text, ',' ORDER BY id) FROM closing_adjustments WHERE tenant_id = $1 AND month = $2),
       (SELECT updated_at::text FROM month_goals WHERE tenant_id = $1 AND month = $2),
       (SELECT string_agg(plan_id::text || ':' || version, ',' ORDER BY plan_id, version) FROM plan_versions WHERE tenant_id = $1),
       -- What earlier months carry into this one, when a plan in force carries (quarter or year
       -- basis, a draw): the closings and goals of the year's earlier months (quarter and year
       -- windows), and the calculations of the year's earlier payouts and of earlier payouts with
       -- draw balances (paid before, draws). Recalculating one of them leaves this draft stale.
       CASE WHEN EXISTS (
         SELECT 1 FROM (SELECT DISTINCT ON (plan_id) definition FROM plan_versions
                         WHERE tenant_id = $1 AND effective_from <= $2 ORDER BY plan_id, effective_from DESC, version DESC) AS in_force
          WHERE definition->>'basis' IN ('quarter', 'year') OR jsonb_path_exists(definition, '$.components[*] ? (@.type == "draw")'))
       THEN concat_ws('|',
         (SELECT string_agg(month::text || ':' || imported_at::text, ',' ORDER BY month) FROM closing_months
           WHERE tenant_id = $1 AND month < $2 AND month >= date_trunc('year', $2::date)),
         (SELECT string_agg(month::text || ':' || updated_at::text, ',' ORDER BY month) FROM month_goals
           WHERE tenant_id = $1 AND month < $2 AND month >= date_trunc('year', $2::date)),
         (SELECT string_agg(m.month::text || ':' || m.calculated_at::text, ',' ORDER BY m.month) FROM payout_months m
           WHERE m.tenant_id = $1 AND m.month < $2 AND (m.month >= date_trunc('year', $2::date)
             OR EXISTS (SELECT 1 FROM payout_carry c WHERE c.tenant_id = m.tenant_id AND c.month = m.month AND c.draw_balance IS NOT NULL))))
       END)) AS stamp`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows[0]!.stamp;
}

/** The stamp the month's payout was calculated from. */
export async function storedInputsStamp(tx: TenantTx, month: string): Promise<string | undefined> {
  const result = await tx.query<{ inputs_md5: string }>('SELECT inputs_md5 FROM payout_months WHERE tenant_id = $1 AND month = $2', [tx.tenantId, monthDate(month)]);
  return result.rows[0]?.inputs_md5;
}

/** The months of `month`'s year before it that have closings. */
export async function earlierClosingMonths(tx: TenantTx, month: string): Promise<string[]> {
  const result = await tx.query<{ month: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month FROM closing_months
      WHERE tenant_id = $1 AND month < $2 AND month >= date_trunc('year', $2::date) ORDER BY month`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows.map((row) => row.month);
}

/** The months from `from` to `to` (inclusive) that have closings, oldest first. */
export async function closingMonthsBetween(tx: TenantTx, from: string, to: string): Promise<string[]> {
  const result = await tx.query<{ month: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month FROM closing_months WHERE tenant_id = $1 AND month BETWEEN $2 AND $3 ORDER BY month`,
    [tx.tenantId, monthDate(from), monthDate(to)],
  );
  return result.rows.map((row) => row.month);
}

/** The approved months' statement totals by payee (currency), from `from` to `to`. */
export async function approvedTotals(tx: TenantTx, from: string, to: string): Promise<Map<string, Record<string, number>>> {
  const result = await tx.query<{ month: string; payee: string; total: string }>(
    `SELECT to_char(s.month, 'YYYY-MM') AS month, s.payee, s.total FROM payout_statements s
       JOIN payout_months m ON m.tenant_id = s.tenant_id AND m.month = s.month
      WHERE s.tenant_id = $1 AND m.status = 'approved' AND s.month BETWEEN $2 AND $3 ORDER BY s.month, s.position`,
    [tx.tenantId, monthDate(from), monthDate(to)],
  );
  const months = await tx.query<{ month: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month FROM payout_months WHERE tenant_id = $1 AND status = 'approved' AND month BETWEEN $2 AND $3`,
    [tx.tenantId, monthDate(from), monthDate(to)],
  );
  const out = new Map<string, Record<string, number>>(months.rows.map((row) => [row.month, {}]));
  for (const row of result.rows) out.get(row.month)![row.payee] = Number(row.total);
  return out;
}

/**
 * The earliest month whose payout the month's stored payout carries from: the start of the
 * quarter or year of each quarter or year plan it was paid under, and for a plan with a draw the
 * latest earlier month that left a draw balance under it. Null: it stands alone.
 */
export async function carriesFrom(tx: TenantTx, month: string): Promise<string | null> {
  const result = await tx.query<{ start: string | null }>(
    `WITH paid AS (
       SELECT v.plan_id, v.definition FROM payout_months m
         CROSS JOIN LATERAL jsonb_to_recordset(m.plans) AS p(id uuid, version integer)
         JOIN plan_versions v ON v.tenant_id = m.tenant_id AND v.plan_id = p.id AND v.version = p.version
        WHERE m.tenant_id = $1 AND m.month = $2)
     SELECT to_char(min(start), 'YYYY-MM') AS start FROM (
       SELECT date_trunc(definition->>'basis', $2::date) AS start FROM paid WHERE definition->>'basis' IN ('quarter', 'year')
       UNION ALL
       SELECT (SELECT max(c.month) FROM payout_carry c WHERE c.tenant_id = $1 AND c.plan_id = paid.plan_id AND c.month < $2 AND c.draw_balance IS NOT NULL)
         FROM paid WHERE jsonb_path_exists(definition, '$.components[*] ? (@.type == "draw")')) AS starts`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows[0]?.start ?? null;
}

/** Months from `from` (inclusive) to `to` (exclusive) with closings whose payouts are not approved. */
export async function unapprovedMonthsBetween(tx: TenantTx, from: string, to: string): Promise<string[]> {
  const result = await tx.query<{ month: string }>(
    `SELECT to_char(c.month, 'YYYY-MM') AS month FROM closing_months c
       LEFT JOIN payout_months m ON m.tenant_id = c.tenant_id AND m.month = c.month
      WHERE c.tenant_id = $1 AND c.month >= $2 AND c.month < $3 AND (m.status IS NULL OR m.status <> 'approved') ORDER BY c.month`,
    [tx.tenantId, monthDate(from), monthDate(to)],
  );
  return result.rows.map((row) => row.month);
}

/** Approved months after `month`, oldest first. */
export async function approvedMonthsAfter(tx: TenantTx, month: string): Promise<string[]> {
  const result = await tx.query<{ month: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month FROM payout_months WHERE tenant_id = $1 AND month > $2 AND status = 'approved' ORDER BY month`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows.map((row) => row.month);
}
