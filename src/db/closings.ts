import type { MonthRollup } from '../domain/analytics/rollups.js';
import type { Adjustment, AttributeValue, Closing, ClosingSide, ClosingsMonth } from '../domain/closings/closing.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

/**
 * A tenant's closings months (migration 0010). Every write of a month is a handful of statements
 * whatever its size: rows go in as JSON text PostgreSQL decodes (json_to_recordset), so a
 * 10,000-closing month is three INSERTs, and the references between them are checked once per
 * statement (migration 0021).
 */

/** Deletes a month's closings (sides with them) and the adjustments its import brought; true when it had closings. */
export async function deleteClosingsMonth(tx: TenantTx, month: string): Promise<boolean> {
  await tx.query(`DELETE FROM closing_adjustments WHERE tenant_id = $1 AND month = $2 AND source = 'import'`, [tx.tenantId, monthDate(month)]);
  // Children first, each in one set-wise statement (the cascades of migration 0021 then find nothing left).
  await tx.query('DELETE FROM closing_sides WHERE tenant_id = $1 AND month = $2', [tx.tenantId, monthDate(month)]);
  await tx.query('DELETE FROM closings WHERE tenant_id = $1 AND month = $2', [tx.tenantId, monthDate(month)]);
  const result = await tx.query('DELETE FROM closing_months WHERE tenant_id = $1 AND month = $2', [tx.tenantId, monthDate(month)]);
  return result.rowCount === 1;
}

export interface ClosingMonthRow {
  month: string;
  closings: number;
  sides: number;
  adjustments: number;
  companyGp: string;
  companyTransactions: number;
  closed: number;
  terminated: number;
  /** The roll-up (domain/analytics/rollups.ts) as JSON text. */
  rollupJson: string;
  importedBy: string | null;
}

export async function insertClosingsMonth(tx: TenantTx, row: ClosingMonthRow): Promise<void> {
  await tx.query(
    `INSERT INTO closing_months (tenant_id, month, closing_count, side_count, adjustment_count, company_gp,
       company_transactions, closed, terminated, rollup, imported_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      tx.tenantId,
      monthDate(row.month),
      row.closings,
      row.sides,
      row.adjustments,
      row.companyGp,
      row.companyTransactions,
      row.closed,
      row.terminated,
      row.rollupJson,
      row.importedBy,
    ],
  );
}

/** Amounts as the exact text NUMERIC reads (never through a float in SQL). */
export type MoneyText = string;

/**
 * Inserts the month's closings and their sides from the JSON text of their rows
 * (src/services/closings/prepare-closings.ts), decoded by PostgreSQL: two statements whatever
 * their number, and no object per row in the writer. Amounts are JSON strings NUMERIC reads exactly.
 */
export async function insertClosingsFromJson(tx: TenantTx, month: string, closingsJson: string, sidesJson: string | null): Promise<void> {
  await tx.query(
    `INSERT INTO closings (tenant_id, month, position, closing_id, closing_date, property, market, gp, assignment_fee,
       transactions, status, attributes)
     SELECT $1, $2::date, c.ordinality - 1, c.closing_id, c.closing_date, c.property, c.market, c.gp, c.fee, c.transactions, c.status, c.attributes
       FROM ROWS FROM (json_to_recordset($3::json) AS (closing_id text, closing_date date, property text, market text, gp numeric,
              fee numeric, transactions int, status text, attributes jsonb))
            WITH ORDINALITY AS c(closing_id, closing_date, property, market, gp, fee, transactions, status, attributes, ordinality)`,
    [tx.tenantId, monthDate(month), closingsJson],
  );
  if (sidesJson === null) return;
  await tx.query(
    `INSERT INTO closing_sides (tenant_id, month, position, side, role, agent, manager, credit)
     SELECT $1, $2::date, s.position, s.side, s.role, s.agent, s.manager, s.credit
       FROM json_to_recordset($3::json) AS s(position int, side int, role text, agent text, manager text, credit numeric)`,
    [tx.tenantId, monthDate(month), sidesJson],
  );
}

/** A closings import's adjustments, `{payee, amount, reason, note}` as JSON text (source 'import': the next import of the month replaces them). */
export async function insertImportedAdjustmentsFromJson(tx: TenantTx, month: string, adjustmentsJson: string, createdBy: string | null): Promise<void> {
  await tx.query(
    `INSERT INTO closing_adjustments (tenant_id, month, source, position, payee, amount, reason, note, created_by)
     SELECT $1, $2::date, 'import', a.ordinality - 1, a.payee, a.amount, a.reason, a.note, $4
       FROM ROWS FROM (json_to_recordset($3::json) AS (payee text, amount numeric, reason text, note text))
            WITH ORDINALITY AS a(payee, amount, reason, note, ordinality)`,
    [tx.tenantId, monthDate(month), adjustmentsJson, createdBy],
  );
}

/** Every name on the tenant's roster, agents and managers: what an import worker checks "new person" warnings against. */
export async function readRosterNames(tx: TenantTx): Promise<string[]> {
  const result = await tx.query<{ name: string }>('SELECT name FROM agents WHERE tenant_id = $1 UNION SELECT name FROM managers WHERE tenant_id = $1', [tx.tenantId]);
  return result.rows.map((row) => row.name);
}

/** Which of `names` the tenant already knows as an agent or a manager (compared trimmed and case-insensitively). */
export async function knownPeople(tx: TenantTx, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const result = await tx.query<{ name: string }>(
    `SELECT name FROM agents WHERE tenant_id = $1 AND lower(btrim(name)) = ANY($2::text[])
     UNION SELECT name FROM managers WHERE tenant_id = $1 AND lower(btrim(name)) = ANY($2::text[])`,
    [tx.tenantId, [...new Set(names.map((name) => name.normalize('NFC').trim().toLowerCase()))]],
  );
  return result.rows.map((row) => row.name);
}

export interface ClosingMonthSummaryRow {
  month: string;
  closings: number;
  sides: number;
  adjustments: number;
  company_gp: string;
  company_transactions: number;
  closed: number;
  terminated: number;
  imported_at: Date;
  imported_by: string | null;
  /** The month's payouts: none calculated yet, a draft, or approved. */
  pay: 'not calculated' | 'draft' | 'approved';
}

const SUMMARY_COLUMNS = `to_char(c.month, 'YYYY-MM') AS month, c.closing_count AS closings, c.side_count AS sides,
  c.adjustment_count AS adjustments, c.company_gp, c.company_transactions, c.closed, c.terminated, c.imported_at, c.imported_by,
  COALESCE(p.status, 'not calculated') AS pay`;
const SUMMARY_FROM = 'closing_months c LEFT JOIN payout_months p ON p.tenant_id = c.tenant_id AND p.month = c.month';

export async function listClosingMonths(tx: TenantTx, limit: number, offset: number): Promise<{ rows: ClosingMonthSummaryRow[]; total: number }> {
  // One client: the queries run one after the other (pg deprecates overlapping them).
  const rows = await tx.query<ClosingMonthSummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE c.tenant_id = $1 ORDER BY c.month DESC LIMIT $2 OFFSET $3`,
    [tx.tenantId, limit, offset],
  );
  const total = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM closing_months WHERE tenant_id = $1', [tx.tenantId]);
  return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
}

export async function readClosingMonthSummary(tx: TenantTx, month: string): Promise<ClosingMonthSummaryRow | undefined> {
  const result = await tx.query<ClosingMonthSummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE c.tenant_id = $1 AND c.month = $2`, [
    tx.tenantId,
    monthDate(month),
  ]);
  return result.rows[0];
}

/** NUMERIC text as the JSON number it was imported as (at most 2 decimals, or 12 for a credit: exact in a double's shortest form). */
const numberOf = (text: string) => Number(text);

/**
 * The month's closings and import adjustments in their canonical JSON form: optional fields that
 * were not given are left out, `transactions` and `status` are always written (their defaults
 * made explicit), a `manager: null` reads back as no manager. Importing it again stores the same rows.
 */
export async function readClosingsDocument(tx: TenantTx, month: string): Promise<ClosingsMonth> {
  const closings = await tx.query<{
      closing_id: string | null;
      closing_date: string | null;
      property: string | null;
      market: string | null;
      gp: string;
      assignment_fee: string | null;
      transactions: number;
      status: 'closed' | 'terminated';
      attributes: Record<string, AttributeValue> | null;
    }>(
      `SELECT closing_id, to_char(closing_date, 'YYYY-MM-DD') AS closing_date, property, market, gp, assignment_fee,
              transactions, status, attributes
         FROM closings WHERE tenant_id = $1 AND month = $2 ORDER BY position`,
      [tx.tenantId, monthDate(month)],
    );
  const sides = await tx.query<{ position: number; role: 'acq' | 'dispo'; agent: string | null; manager: string | null; credit: string | null }>(
      `SELECT position, role, agent, manager, credit FROM closing_sides WHERE tenant_id = $1 AND month = $2 ORDER BY position, side`,
      [tx.tenantId, monthDate(month)],
    );
  const adjustments = await tx.query<{ payee: string; amount: string; reason: Adjustment['reason']; note: string | null }>(
      `SELECT payee, amount, reason, note FROM closing_adjustments
        WHERE tenant_id = $1 AND month = $2 AND source = 'import' ORDER BY position`,
      [tx.tenantId, monthDate(month)],
    );
  const sidesOf = closings.rows.map((): ClosingSide[] => []);
  for (const row of sides.rows) {
    const side: ClosingSide = { role: row.role, agent: row.agent };
    if (row.manager !== null) side.manager = row.manager;
    if (row.credit !== null) side.credit = numberOf(row.credit);
    sidesOf[row.position]!.push(side);
  }
  const document: ClosingsMonth = {
    month,
    closings: closings.rows.map((row, position): Closing => {
      const closing: Closing = { gp: numberOf(row.gp), sides: sidesOf[position]! };
      if (row.closing_id !== null) closing.id = row.closing_id;
      if (row.closing_date !== null) closing.date = row.closing_date;
      if (row.property !== null) closing.property = row.property;
      if (row.market !== null) closing.market = row.market;
      if (row.assignment_fee !== null) closing.assignment_fee = numberOf(row.assignment_fee);
      closing.transactions = row.transactions;
      closing.status = row.status;
      if (row.attributes !== null) closing.attributes = row.attributes;
      return closing;
    }),
  };
  if (adjustments.rows.length > 0) {
    document.adjustments = adjustments.rows.map((row) => ({
      payee: row.payee,
      amount: numberOf(row.amount),
      reason: row.reason,
      ...(row.note === null ? {} : { note: row.note }),
    }));
  }
  return document;
}

/** Counts of a month's stored rows (tests and checks that nothing was half-written). */
export async function countClosingRows(tx: TenantTx, month: string): Promise<{ months: number; closings: number; sides: number; adjustments: number }> {
  const result = await tx.query<{ months: number; closings: number; sides: number; adjustments: number }>(
    `SELECT (SELECT count(*)::int FROM closing_months WHERE tenant_id = $1 AND month = $2) AS months,
            (SELECT count(*)::int FROM closings WHERE tenant_id = $1 AND month = $2) AS closings,
            (SELECT count(*)::int FROM closing_sides WHERE tenant_id = $1 AND month = $2) AS sides,
            (SELECT count(*)::int FROM closing_adjustments WHERE tenant_id = $1 AND month = $2) AS adjustments`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows[0]!;
}
