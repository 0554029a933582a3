import type { TenantTx } from './tenant.js';
import type { AgentType } from '../domain/imports/format.js';

export interface AgentRow {
  id: string;
  name: string;
  type: AgentType;
  manager: string | null;
  market: string | null;
  active: boolean;
  /** The person's e-mail, which links a payee token to them (unique per tenant, case-insensitively). */
  email: string | null;
  last_month: string;
  /** Every role the person has had: `acq`, `dispo` (agent), `acq_manager`, `dispo_manager` (manager on that side of closings). */
  roles: AgentRole[];
}

export type AgentRole = 'acq' | 'dispo' | 'acq_manager' | 'dispo_manager';

/*
 * Roles are read from what the data says, not stored: the payee imports' agent types, and the sides
 * of closings naming the person as agent or manager. A person is one roster row whatever their
 * roles (an acq agent on one closing, a dispo agent on another, a manager on a third); someone
 * whose months were all deleted keeps the type they were last imported with.
 */
const ROLES = `coalesce(NULLIF(ARRAY(
    SELECT DISTINCT r FROM (
      SELECT p.agent_type AS r FROM payee_months p WHERE p.tenant_id = a.tenant_id AND p.agent_id = a.id AND p.agent_type IS NOT NULL
      UNION ALL SELECT s.role FROM closing_sides s WHERE s.tenant_id = a.tenant_id AND s.agent = a.name
      UNION ALL SELECT s.role || '_manager' FROM closing_sides s WHERE s.tenant_id = a.tenant_id AND s.manager = a.name
    ) roles ORDER BY r), '{}'), ARRAY[a.type]::text[]) AS roles`;
const AGENT_COLUMNS = `a.id, a.name, a.type, m.name AS manager, a.market, a.active, a.email, to_char(a.last_month, 'YYYY-MM') AS last_month, ${ROLES}`;
const AGENT_FROM = `agents a LEFT JOIN managers m ON m.tenant_id = a.tenant_id AND m.id = a.manager_id`;

export interface AgentFilter {
  type?: AgentType | undefined;
  active?: boolean | undefined;
  limit: number;
  offset: number;
}

export async function listAgents(tx: TenantTx, filter: AgentFilter): Promise<{ rows: AgentRow[]; total: number }> {
  const where = `a.tenant_id = $1 AND ($2::text IS NULL OR a.type = $2) AND ($3::boolean IS NULL OR a.active = $3)`;
  const params = [tx.tenantId, filter.type ?? null, filter.active ?? null];
  const [rows, total] = await Promise.all([
    tx.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM ${AGENT_FROM} WHERE ${where} ORDER BY a.name LIMIT $4 OFFSET $5`, [
      ...params,
      filter.limit,
      filter.offset,
    ]),
    tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM agents a WHERE ${where}`, params),
  ]);
  return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
}

export async function readAgent(tx: TenantTx, id: string): Promise<AgentRow | undefined> {
  const result = await tx.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM ${AGENT_FROM} WHERE a.tenant_id = $1 AND a.id = $2`, [
    tx.tenantId,
    id,
  ]);
  return result.rows[0];
}

export interface AgentMonthRow {
  month: string;
  gp: string | null;
  deals: number | null;
  terminations: number | null;
  commission: string;
}

/** The agent's month-by-month results, oldest first (a duplicated name in one month sums). */
export async function agentHistory(tx: TenantTx, id: string): Promise<AgentMonthRow[]> {
  const result = await tx.query<AgentMonthRow>(
    `SELECT to_char(month, 'YYYY-MM') AS month, sum(gp) AS gp, sum(deals)::int AS deals,
            sum(terminations)::int AS terminations, sum(commission) AS commission
       FROM payee_months WHERE tenant_id = $1 AND agent_id = $2
      GROUP BY month ORDER BY month`,
    [tx.tenantId, id],
  );
  return result.rows;
}

export interface AgentChanges {
  type?: AgentType | undefined;
  managerId?: string | null | undefined;
  market?: string | null | undefined;
  active?: boolean | undefined;
  /** null removes the e-mail. */
  email?: string | null | undefined;
}

/** Applies the given changes; false when the agent does not exist (in this tenant). */
export async function updateAgent(tx: TenantTx, id: string, changes: AgentChanges): Promise<boolean> {
  const result = await tx.query(
    `UPDATE agents SET
       type = CASE WHEN $3 THEN $4 ELSE type END,
       manager_id = CASE WHEN $5 THEN $6::uuid ELSE manager_id END,
       market = CASE WHEN $7 THEN $8 ELSE market END,
       active = CASE WHEN $9 THEN $10::boolean ELSE active END,
       email = CASE WHEN $11 THEN $12 ELSE email END,
       updated_at = now()
     WHERE tenant_id = $1 AND id = $2`,
    [
      tx.tenantId,
      id,
      changes.type !== undefined,
      changes.type ?? null,
      changes.managerId !== undefined,
      changes.managerId ?? null,
      changes.market !== undefined,
      changes.market ?? null,
      changes.active !== undefined,
      changes.active ?? null,
      changes.email !== undefined,
      changes.email ?? null,
    ],
  );
  return result.rowCount === 1;
}
