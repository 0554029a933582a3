import type { MonthRollup } from '../domain/analytics/rollups.js';
import type { Adjustment, AttributeValue, Closing, ClosingSide, ClosingsMonth } from '../domain/closings/closing.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

/**
 * A tenant's closings months (migration 0010). Every write of a month is a handful of statements
 * whatever its size: rows go in as arrays (unnest), so a 10,000-closing month is three INSERTs.
 */

/** Deletes a month's closings (sides with them) and the adjustments its import brought; true when it had closings. */
export async function deleteClosingsMonth(tx: TenantTx, month: string): Promise<boolean> {
  await tx.query(`DELETE FROM closing_adjustments WHERE tenant_id = $1 AND month = $2 AND source = 'import'`, [tx.tenantId, monthDate(month)]);
  // Children first, each in one set-wise statement: left to ON DELETE CASCADE, a 10,000-closing
  // month would fire a referential trigger per closing to find its sides.
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
  rollup: MonthRollup;
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
      row.rollup,
      row.importedBy,
    ],
  );
}

/** Amounts as the exact text NUMERIC reads (never through a float in SQL). */
export type MoneyText = string;

export interface ClosingRow {
  id: string | null;
  date: string | null;
  property: string | null;
  market: string | null;
  gp: MoneyText;
  assignmentFee: MoneyText | null;
  transactions: number;
  status: 'closed' | 'terminated';
  attributes: Record<string, AttributeValue> | null;
  sides: Array<{ role: string; agent: string | null; manager: string | null; credit: string | null }>;
}

/** Inserts the month's closings and their sides: two statements, whatever their number. */
export async function insertClosings(tx: TenantTx, month: string, rows: readonly ClosingRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof ClosingRow>(key: K) => rows.map((row) => row[key]);
  await tx.query(
    `INSERT INTO closings (tenant_id, month, position, closing_id, closing_date, property, market, gp, assignment_fee,
       transactions, status, attributes)
     SELECT $1, $2::date, c.ordinality - 1, c.closing_id, c.closing_date, c.property, c.market, c.gp, c.fee, c.transactions, c.status, c.attributes
       FROM unnest($3::text[], $4::date[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::int[], $10::text[], $11::jsonb[])
            WITH ORDINALITY AS c(closing_id, closing_date, property, market, gp, fee, transactions, status, attributes, ordinality)`,
    [
      tx.tenantId,
      monthDate(month),
      column('id'),
      column('date'),
      column('property'),
      column('market'),
      column('gp'),
      column('assignmentFee'),
      column('transactions'),
      column('status'),
      rows.map((row) => (row.attributes === null ? null : JSON.stringify(row.attributes))),
    ],
  );
  const positions: number[] = [];
  const sideIndexes: number[] = [];
  const roles: string[] = [];
  const agents: Array<string | null> = [];
  const managers: Array<string | null> = [];
  const credits: Array<string | null> = [];
  rows.forEach((row, position) => {
    row.sides.forEach((side, index) => {
      positions.push(position);
      sideIndexes.push(index);
      roles.push(side.role);
      agents.push(side.agent);
      managers.push(side.manager);
      credits.push(side.credit);
    });
  });
  if (positions.length === 0) return;
  await tx.query(
    `INSERT INTO closing_sides (tenant_id, month, position, side, role, agent, manager, credit)
     SELECT $1, $2::date, s.* FROM unnest($3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::numeric[]) AS s`,
    [tx.tenantId, monthDate(month), positions, sideIndexes, roles, agents, managers, credits],
  );
}

export interface AdjustmentRow {
  payee: string;
  amount: MoneyText;
  reason: string;
  note: string | null;
}

/** A closings import's adjustments (source 'import': the next import of the month replaces them). */
export async function insertImportedAdjustments(tx: TenantTx, month: string, rows: readonly AdjustmentRow[], createdBy: string | null): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof AdjustmentRow>(key: K) => rows.map((row) => row[key]);
  await tx.query(
    `INSERT INTO closing_adjustments (tenant_id, month, source, position, payee, amount, reason, note, created_by)
     SELECT $1, $2::date, 'import', a.ordinality - 1, a.payee, a.amount, a.reason, a.note, $7
       FROM unnest($3::text[], $4::numeric[], $5::text[], $6::text[]) WITH ORDINALITY AS a(payee, amount, reason, note, ordinality)`,
    [tx.tenantId, monthDate(month), column('payee'), column('amount'), column('reason'), column('note'), createdBy],
  );
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
}

const SUMMARY_COLUMNS = `to_char(month, 'YYYY-MM') AS month, closing_count AS closings, side_count AS sides,
  adjustment_count AS adjustments, company_gp, company_transactions, closed, terminated, imported_at, imported_by`;

export async function listClosingMonths(tx: TenantTx, limit: number, offset: number): Promise<{ rows: ClosingMonthSummaryRow[]; total: number }> {
  // One client: the queries run one after the other (pg deprecates overlapping them).
  const rows = await tx.query<ClosingMonthSummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM closing_months WHERE tenant_id = $1 ORDER BY month DESC LIMIT $2 OFFSET $3`,
    [tx.tenantId, limit, offset],
  );
  const total = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM closing_months WHERE tenant_id = $1', [tx.tenantId]);
  return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
}

export async function readClosingMonthSummary(tx: TenantTx, month: string): Promise<ClosingMonthSummaryRow | undefined> {
  const result = await tx.query<ClosingMonthSummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM closing_months WHERE tenant_id = $1 AND month = $2`, [
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
