import type { TenantTx } from './tenant.js';
import type { AgentType, CommissionMonth } from '../domain/imports/format.js';

/** `YYYY-MM` → the DATE of its first day, as months are keyed in the database. */
export const monthDate = (month: string) => `${month}-01`;

/** Serialises writers of one tenant's month: concurrent imports of it apply one after the other, whole. */
export async function lockMonth(tx: TenantTx, month: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`month:${tx.tenantId}:${month}`]);
}

/**
 * Names in the one order every writer locks rows in. Imports of different months run at once and
 * name the same agents, managers and markets; each upsert locks (or waits on) one row per name, so
 * two imports that met the names in different orders would each hold a row the other wants
 * (deadlock, 40P01). In one order they queue instead. Sorted by UTF-16 code units, not a locale:
 * the order must be the same in every process.
 */
function inLockOrder(names: Iterable<string>): string[] {
  return [...new Set(names)].sort();
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Deletes a month with its payees and deals; true when there was one. */
export async function deleteMonth(tx: TenantTx, month: string): Promise<boolean> {
  const result = await tx.query('DELETE FROM commission_months WHERE tenant_id = $1 AND month = $2', [tx.tenantId, monthDate(month)]);
  return result.rowCount === 1;
}

/** Creates the managers that do not exist yet; returns every named manager's id. */
export async function upsertManagers(tx: TenantTx, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  // WITH ORDINALITY … ORDER BY: rows are inserted (and conflicts waited on) in lock order.
  await tx.query(
    `INSERT INTO managers (tenant_id, name) SELECT $1::uuid, n.name FROM unnest($2::text[]) WITH ORDINALITY AS n(name, i) ORDER BY n.i
     ON CONFLICT (tenant_id, name) DO NOTHING`,
    [tx.tenantId, inLockOrder(names)],
  );
  // A separate statement, so it also sees managers a concurrent import committed meanwhile.
  const result = await tx.query<{ id: string; name: string }>(
    'SELECT id, name FROM managers WHERE tenant_id = $1 AND name = ANY($2::text[])',
    [tx.tenantId, names],
  );
  return new Map(result.rows.map((row) => [row.name, row.id]));
}

export interface AgentUpsert {
  name: string;
  type: AgentType;
  market: string | null;
  managerId: string | null;
}

/**
 * Creates the agents that do not exist yet. Type, market and manager follow the newest month
 * imported for an agent, so re-importing an old month does not undo later changes.
 */
export async function upsertAgents(tx: TenantTx, month: string, agents: AgentUpsert[]): Promise<Map<string, string>> {
  if (agents.length === 0) return new Map();
  const ordered = [...agents].sort(byName);
  const result = await tx.query<{ id: string; name: string }>(
    `INSERT INTO agents (tenant_id, name, type, market, manager_id, last_month)
     SELECT $1, a.name, a.type, a.market, a.manager_id, $2::date
       FROM unnest($3::text[], $4::text[], $5::text[], $6::uuid[]) WITH ORDINALITY AS a(name, type, market, manager_id, i)
      ORDER BY a.i
     ON CONFLICT (tenant_id, name) DO UPDATE
       SET type = EXCLUDED.type, market = EXCLUDED.market, manager_id = EXCLUDED.manager_id,
           last_month = EXCLUDED.last_month, updated_at = now()
       WHERE agents.last_month <= EXCLUDED.last_month
     RETURNING id, name`,
    [
      tx.tenantId,
      monthDate(month),
      ordered.map((agent) => agent.name),
      ordered.map((agent) => agent.type),
      ordered.map((agent) => agent.market),
      ordered.map((agent) => agent.managerId),
    ],
  );
  const ids = new Map(result.rows.map((row) => [row.name, row.id]));
  const missing = agents.filter((agent) => !ids.has(agent.name)).map((agent) => agent.name);
  if (missing.length > 0) {
    const rest = await tx.query<{ id: string; name: string }>(
      'SELECT id, name FROM agents WHERE tenant_id = $1 AND name = ANY($2::text[])',
      [tx.tenantId, missing],
    );
    for (const row of rest.rows) ids.set(row.name, row.id);
  }
  return ids;
}

/**
 * upsertAgents from the JSON text of `{name, type, market, manager}` rows (one per name), the
 * manager named rather than its id (upserted before), already in lock order (sorted by name as
 * upsertAgents sorts): the payee import's roster, decoded by PostgreSQL.
 */
export async function upsertAgentsFromJson(tx: TenantTx, month: string, agentsJson: string): Promise<void> {
  await tx.query(
    `INSERT INTO agents (tenant_id, name, type, market, manager_id, last_month)
     SELECT $1, a.name, a.type, a.market, m.id, $2::date
       FROM ROWS FROM (json_to_recordset($3::json) AS (name text, type text, market text, manager text)) WITH ORDINALITY AS a(name, type, market, manager, i)
       LEFT JOIN managers m ON m.tenant_id = $1 AND m.name = a.manager
      ORDER BY a.i
     ON CONFLICT (tenant_id, name) DO UPDATE
       SET type = EXCLUDED.type, market = EXCLUDED.market, manager_id = EXCLUDED.manager_id,
           last_month = EXCLUDED.last_month, updated_at = now()
       WHERE agents.last_month <= EXCLUDED.last_month`,
    [tx.tenantId, monthDate(month), agentsJson],
  );
}

/** Coordinates the import gave: they replace earlier ones of the same market. */
export async function placeMarkets(tx: TenantTx, markets: { name: string; lat: number; lon: number }[]): Promise<void> {
  if (markets.length === 0) return;
  const ordered = [...markets].sort(byName);
  await tx.query(
    `INSERT INTO markets (tenant_id, name, latitude, longitude)
     SELECT $1, m.name, m.lat, m.lon FROM unnest($2::text[], $3::numeric[], $4::numeric[]) WITH ORDINALITY AS m(name, lat, lon, i) ORDER BY m.i
     ON CONFLICT (tenant_id, name) DO UPDATE SET latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude`,
    [tx.tenantId, ordered.map((market) => market.name), ordered.map((market) => market.lat), ordered.map((market) => market.lon)],
  );
}

export async function upsertMarkets(tx: TenantTx, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await tx.query(
    `INSERT INTO markets (tenant_id, name) SELECT $1::uuid, n.name FROM unnest($2::text[]) WITH ORDINALITY AS n(name, i) ORDER BY n.i
     ON CONFLICT (tenant_id, name) DO NOTHING`,
    [tx.tenantId, inLockOrder(names)],
  );
}

export interface MonthRow {
  month: string;
  /** The metadata as JSON text, or null. */
  metadataJson: string | null;
  totalGp: string;
  totalCommission: string;
  agentCount: number;
  managerCount: number;
  transactions: number;
  terminations: number;
  /** The month as imported (canonical form), as JSON text, exactly as a JSON export writes it (migration 0009); the jsonb `document` is read from it. */
  documentText: string;
  /** The month's analytics roll-up (see domain/analytics/rollups.ts) as JSON text. */
  rollupJson: string;
  importedBy: string | null;
}

export async function insertMonth(tx: TenantTx, row: MonthRow): Promise<void> {
  await tx.query(
    `INSERT INTO commission_months (tenant_id, month, metadata, total_gp, total_commission, agent_count,
       manager_count, transactions, terminations, document, document_text, rollup, imported_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $10::text, $11, $12)`,
    // The document is sent once, as the text document_text keeps; the jsonb column is read from it.
    [
      tx.tenantId,
      monthDate(row.month),
      row.metadataJson,
      row.totalGp,
      row.totalCommission,
      row.agentCount,
      row.managerCount,
      row.transactions,
      row.terminations,
      row.documentText,
      row.rollupJson,
      row.importedBy,
    ],
  );
}

/**
 * All payees of a month in one statement, from the JSON text of their rows (src/domain/imports/prepare.ts):
 * PostgreSQL decodes it, so the writer holds no object per row. Agents and managers are named by
 * name; their ids are the roster's (upserted before).
 */
export async function insertPayeesFromJson(tx: TenantTx, month: string, payeesJson: string): Promise<void> {
  await tx.query(
    `INSERT INTO payee_months (tenant_id, month, payee_type, position, name, agent_id, manager_id, agent_type,
       gp, deals, terminations, commission, market, manager)
     SELECT $1, $2::date, p.payee_type, p.position, p.name, a.id, m.id, p.agent_type, p.gp, p.deals, p.terminations,
            p.commission, p.market, p.manager
       FROM json_to_recordset($3::json) AS p(payee_type text, position int, name text, agent_type text, gp numeric,
              deals int, terminations int, commission numeric, market text, manager text)
       LEFT JOIN agents a ON p.payee_type = 'agent' AND a.tenant_id = $1 AND a.name = p.name
       LEFT JOIN managers m ON p.payee_type = 'manager' AND m.tenant_id = $1 AND m.name = p.name`,
    [tx.tenantId, monthDate(month), payeesJson],
  );
}

/** All deals of a month in one statement, from the JSON text of their rows; `listed` deals get their agent's id. */
export async function insertDealsFromJson(tx: TenantTx, month: string, dealsJson: string): Promise<void> {
  await tx.query(
    `INSERT INTO deals (tenant_id, month, deal_id, deal_date, agent, agent_id, type, market, gp, status)
     SELECT $1, $2::date, d.deal_id, d.deal_date, d.agent, a.id, d.type, d.market, d.gp, d.status
       FROM json_to_recordset($3::json) AS d(deal_id text, deal_date date, agent text, listed boolean, type text,
              market text, gp numeric, status text)
       LEFT JOIN agents a ON d.listed AND a.tenant_id = $1 AND a.name = d.agent`,
    [tx.tenantId, monthDate(month), dealsJson],
  );
}

export interface MonthSummaryRow {
  month: string;
  total_gp: string;
  total_commission: string;
  agent_count: number;
  manager_count: number;
  transactions: number;
  terminations: number;
  imported_at: Date;
}

const SUMMARY_COLUMNS = `to_char(month, 'YYYY-MM') AS month, total_gp, total_commission, agent_count, manager_count,
  transactions, terminations, imported_at`;

export async function listMonths(tx: TenantTx, limit: number, offset: number): Promise<{ rows: MonthSummaryRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    tx.query<MonthSummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM commission_months WHERE tenant_id = $1 ORDER BY month DESC LIMIT $2 OFFSET $3`,
      [tx.tenantId, limit, offset],
    ),
    tx.query<{ n: number }>('SELECT count(*)::int AS n FROM commission_months WHERE tenant_id = $1', [tx.tenantId]),
  ]);
  return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
}

export async function readMonth(tx: TenantTx, month: string): Promise<(MonthSummaryRow & { document: CommissionMonth }) | undefined> {
  const result = await tx.query<MonthSummaryRow & { document: CommissionMonth }>(
    `SELECT ${SUMMARY_COLUMNS}, document FROM commission_months WHERE tenant_id = $1 AND month = $2`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows[0];
}

/** Months in [from, to] (YYYY-MM, inclusive), oldest first. */
export async function monthsBetween(tx: TenantTx, from: string, to: string): Promise<string[]> {
  const result = await tx.query<{ month: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month FROM commission_months
      WHERE tenant_id = $1 AND month BETWEEN $2 AND $3 ORDER BY month`,
    [tx.tenantId, monthDate(from), monthDate(to)],
  );
  return result.rows.map((row) => row.month);
}

/**
 * The months' stored canonical JSON texts, oldest first; `document` instead where a month predates
 * the stored text (migration 0009), for the caller to write out.
 */
export async function readDocumentTexts(tx: TenantTx, months: string[]): Promise<Array<{ text: string } | { document: CommissionMonth }>> {
  const result = await tx.query<{ text: string | null; document: CommissionMonth | null }>(
    `SELECT document_text AS text, CASE WHEN document_text IS NULL THEN document END AS document
       FROM commission_months WHERE tenant_id = $1 AND month = ANY($2::date[]) ORDER BY month`,
    [tx.tenantId, months.map(monthDate)],
  );
  return result.rows.map((row) => (row.text !== null ? { text: row.text } : { document: row.document! }));
}

/** The payees of `months` (their documents less deals and metadata, as stored: migration 0026), oldest first. */
export async function readPayees(tx: TenantTx, months: string[]): Promise<CommissionMonth[]> {
  const result = await tx.query<{ payees: CommissionMonth }>(
    'SELECT payees FROM commission_months WHERE tenant_id = $1 AND month = ANY($2::date[]) ORDER BY month',
    [tx.tenantId, months.map(monthDate)],
  );
  return result.rows.map((row) => row.payees);
}
