import type { Statement } from '../domain/reports/statements.js';
import type { PayeeLine } from '../domain/reports/statements.js';
import { parseAmountText } from '../domain/money.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

export type ReportStatus = 'queued' | 'running' | 'ready' | 'failed';
export type ReportTrigger = 'schedule' | 'admin';

export interface ReportRow {
  id: string;
  month: string;
  status: ReportStatus;
  trigger: ReportTrigger;
  attempts: number;
  error: string | null;
  requested_at: Date;
  completed_at: Date | null;
}

export interface ReportContent extends ReportRow {
  summary: Record<string, unknown> | null;
  statements: Statement[] | null;
}

const COLUMNS = `id, to_char(month, 'YYYY-MM') AS month, status, trigger, attempts, error, requested_at, completed_at`;

/**
 * The report of `month`, created queued or, when it exists, put back in the queue (regenerated in
 * place: same id). Returns its id.
 */
export async function queueReport(tx: TenantTx, month: string, trigger: ReportTrigger, requestedBy: string | null): Promise<string> {
  const result = await tx.query<{ id: string }>(
    `INSERT INTO reports (tenant_id, month, status, trigger, requested_by)
     VALUES ($1, $2, 'queued', $3, $4)
     ON CONFLICT (tenant_id, month) DO UPDATE
       SET status = 'queued', trigger = EXCLUDED.trigger, requested_by = EXCLUDED.requested_by,
           attempts = 0, error = NULL, requested_at = now(), completed_at = NULL
     RETURNING id`,
    [tx.tenantId, monthDate(month), trigger, requestedBy],
  );
  return result.rows[0]!.id;
}

export async function markRunning(tx: TenantTx, month: string): Promise<void> {
  await tx.query(`UPDATE reports SET status = 'running', attempts = attempts + 1 WHERE tenant_id = $1 AND month = $2`, [
    tx.tenantId,
    monthDate(month),
  ]);
}

export async function storeReport(tx: TenantTx, month: string, content: { summary: unknown; statements: Statement[] }): Promise<void> {
  await tx.query(
    `UPDATE reports SET status = 'ready', summary = $3, statements = $4, error = NULL, completed_at = now()
      WHERE tenant_id = $1 AND month = $2`,
    [tx.tenantId, monthDate(month), JSON.stringify(content.summary), JSON.stringify(content.statements)],
  );
}

/** Records a failed attempt: still queued while the queue will retry, failed after the last one. */
export async function markFailed(tx: TenantTx, month: string, error: string, final: boolean): Promise<void> {
  await tx.query(`UPDATE reports SET status = $3, error = $4 WHERE tenant_id = $1 AND month = $2`, [
    tx.tenantId,
    monthDate(month),
    final ? 'failed' : 'queued',
    error.slice(0, 2000),
  ]);
}

export async function readReport(tx: TenantTx, id: string): Promise<ReportContent | undefined> {
  const result = await tx.query<ReportContent>(`SELECT ${COLUMNS}, summary, statements FROM reports WHERE tenant_id = $1 AND id = $2`, [
    tx.tenantId,
    id,
  ]);
  return result.rows[0];
}

export async function readReportOfMonth(tx: TenantTx, month: string): Promise<ReportRow | undefined> {
  const result = await tx.query<ReportRow>(`SELECT ${COLUMNS} FROM reports WHERE tenant_id = $1 AND month = $2`, [tx.tenantId, monthDate(month)]);
  return result.rows[0];
}

export async function listReports(tx: TenantTx, limit: number): Promise<ReportRow[]> {
  const result = await tx.query<ReportRow>(`SELECT ${COLUMNS} FROM reports WHERE tenant_id = $1 ORDER BY month DESC LIMIT $2`, [
    tx.tenantId,
    limit,
  ]);
  return result.rows;
}

/** Whether the tenant has imported `month`. */
export async function hasMonth(tx: TenantTx, month: string): Promise<boolean> {
  const result = await tx.query('SELECT 1 FROM commission_months WHERE tenant_id = $1 AND month = $2', [tx.tenantId, monthDate(month)]);
  return result.rowCount === 1;
}

interface PayeeRecord {
  payee_type: 'agent' | 'manager';
  name: string;
  agent_type: 'acq' | 'dispo' | null;
  manager: string | null;
  market: string | null;
  gp: string | null;
  deals: number | null;
  terminations: number | null;
  commission: string;
}

/** The month's payees in import order, agents first. */
export async function payeeLines(tx: TenantTx, month: string): Promise<PayeeLine[]> {
  const result = await tx.query<PayeeRecord>(
    `SELECT payee_type, name, agent_type, manager, market, gp::text, deals, terminations, commission::text
       FROM payee_months WHERE tenant_id = $1 AND month = $2 ORDER BY payee_type, position`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows.map((row) => ({
    payeeType: row.payee_type,
    name: row.name,
    agentType: row.agent_type,
    manager: row.manager,
    market: row.market,
    gp: row.gp === null ? null : (parseAmountText(row.gp) ?? 0),
    deals: row.deals,
    terminations: row.terminations,
    commission: parseAmountText(row.commission) ?? 0,
  }));
}
