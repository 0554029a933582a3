/**
 * The benchmark's data: one large tenant and many small ones, loaded fast.
 *
 * Most months are written with set-based SQL as the owner role (deals from generate_series, then
 * payees, totals and the stored import document aggregated from them), so a million deals load in
 * seconds rather than the minutes a million-row import would take. The newest few months of the
 * large tenant go through the service's own import path, and the 10,000-deal month the benchmark
 * imports comes from the same generator, so both paths produce the same kind of data.
 *
 * Analytics reads `commission_months.rollup`; it is computed here with the domain's
 * rollupFromHistory from the aggregated agent-months (never from raw deals), exactly as an import
 * would store it, and one SQL-built month is checked against the roll-up of its own document.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { monthDate } from '../src/db/commissions.js';
import { tenantIdForOrg } from '../src/db/tenant-id.js';
import { ensureTenant } from '../src/db/provisioning.js';
import { DEMO_MARKETS } from '../src/demo/generate.js';
import { rollupFromHistory, type MonthRollup } from '../src/domain/analytics/rollups.js';
import type { HistoryMonth } from '../src/domain/history.js';
import type { AgentType, CommissionMonth, ImportAgent, ImportDeal, ImportManager } from '../src/domain/imports/format.js';
import { canonicalMonth } from '../src/domain/imports/canonical.js';
import { historyMonthFromImport } from '../src/domain/imports/to-history.js';
import { parseAmountText, percentOf, toAmount, type Cents } from '../src/domain/money.js';
import { importMonth } from '../src/services/commissions/import-month.js';
import { serviceContext, systemPrincipal } from '../src/services/context.js';
import { seededRandom } from '../src/demo/seeded-random.js';

export interface TenantShape {
  /** Months of history, ending with `lastMonth`. */
  months: number;
  lastMonth: string;
  agents: number;
  managers: number;
  /** Deals over the whole history of one tenant. */
  deals: number;
  /** The newest months imported through the service instead of SQL. */
  importedMonths: number;
}

export interface DatasetSpec {
  large: TenantShape;
  small: TenantShape & { count: number };
}

export const FULL_DATASET: DatasetSpec = {
  large: { months: 60, lastMonth: '2025-09', agents: 300, managers: 30, deals: 1_000_000, importedMonths: 2 },
  small: { count: 1000, months: 12, lastMonth: '2025-09', agents: 4, managers: 1, deals: 240, importedMonths: 0 },
};

export const QUICK_DATASET: DatasetSpec = {
  large: { months: 24, lastMonth: '2025-09', agents: 100, managers: 10, deals: 100_000, importedMonths: 1 },
  small: { count: 50, months: 12, lastMonth: '2025-09', agents: 4, managers: 1, deals: 240, importedMonths: 0 },
};

export const LARGE_ORG = 'bench-large';
export const smallOrg = (index: number) => `bench-small-${String(index).padStart(4, '0')}`;

// ---------------------------------------------------------------------------------------------
// Names and rules shared by the SQL loader and the month generator

const agentName = (i: number) => `Agent ${String(i).padStart(3, '0')}`;
const managerName = (i: number) => `Manager ${String(i).padStart(2, '0')}`;
const agentType = (i: number): AgentType => (i % 3 === 0 ? 'dispo' : 'acq');
const managerOf = (i: number, managers: number) => ((i - 1) % managers) + 1;
const marketOf = (i: number) => DEMO_MARKETS[(i - 1) % DEMO_MARKETS.length]!.name;
/** Every 17th agent loses about 30% of contracts; the rest about 10%. */
const terminationOdds = (i: number) => (i % 17 === 5 ? 0.3 : 0.1);

/** The plan every synthetic month pays: 10% of monthly GP up to 50,000, 8% above; managers 1% of team GP. */
function agentCommissionCents(gp: Cents): Cents {
  const low = Math.min(gp, 5_000_000);
  const high = Math.max(gp - 5_000_000, 0);
  return Math.floor((low * 10 + high * 8 + 50) / 100);
}
const managerCommissionCents = (teamGp: Cents): Cents => Math.floor((teamGp + 50) / 100);

export function monthsEndingAt(last: string, count: number): string[] {
  const end = Number(last.slice(0, 4)) * 12 + Number(last.slice(5, 7)) - 1;
  return Array.from({ length: count }, (_, index) => {
    const total = end - count + 1 + index;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * One month in the import format for a tenant of `shape`, with `dealCount` deals spread evenly over
 * its agents: each agent's GP, deals and terminations agree with its deals, commissions follow the
 * plan above, so the import raises no warnings beyond the termination-rate ones.
 */
export function generateMonth(shape: Pick<TenantShape, 'agents' | 'managers'>, month: string, dealCount: number, seed: number): CommissionMonth {
  const random = seededRandom(seed);
  const deals: ImportDeal[] = [];
  const agents: ImportAgent[] = [];
  const teams = new Map<string, { gp: Cents; team: string[] }>();
  const base = Math.floor(dealCount / shape.agents);
  const extra = dealCount % shape.agents;
  let totalGp = 0;
  let totalCommission = 0;
  let transactions = 0;
  for (let i = 1; i <= shape.agents; i += 1) {
    const name = agentName(i);
    const type = agentType(i);
    const market = marketOf(i);
    const manager = managerName(managerOf(i, shape.managers));
    let gp = 0;
    let closed = 0;
    let terminated = 0;
    const count = base + (i - 1 < extra ? 1 : 0);
    for (let d = 1; d <= count; d += 1) {
      const dealGp = 150_000 + Math.floor(2_500_000 * random() * random());
      const status = random() < terminationOdds(i) ? 'terminated' : 'closed';
      if (status === 'closed') {
        gp += dealGp;
        closed += 1;
      } else {
        terminated += 1;
      }
      deals.push({
        id: `D-${month.replace('-', '')}-${String(i).padStart(3, '0')}-${d}`,
        date: `${month}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
        agent: name,
        type,
        market,
        gp: toAmount(dealGp),
        status,
      });
    }
    const commission = agentCommissionCents(gp);
    agents.push({ name, type, gp: toAmount(gp), deals: closed, commission: toAmount(commission), terminations: terminated, market, manager });
    const team = teams.get(manager) ?? { gp: 0, team: [] };
    team.gp += gp;
    team.team.push(name);
    teams.set(manager, team);
    totalGp += gp;
    totalCommission += commission;
    transactions += closed;
  }
  const managers: ImportManager[] = [...teams]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, team]) => {
      const commission = managerCommissionCents(team.gp);
      totalCommission += commission;
      return { name, gp: toAmount(team.gp), commission: toAmount(commission), team: team.team };
    });
  return {
    month,
    metadata: { total_gp: toAmount(totalGp), total_transactions: transactions, commission_pct: percentOf(totalCommission, totalGp, 1) ?? 0 },
    agents,
    managers,
    deals,
  };
}

// ---------------------------------------------------------------------------------------------
// The SQL loader

interface LoadLog {
  (message: string): void;
}

async function timed<T>(log: LoadLog, label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  log(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/**
 * Writes `months` of history for every tenant in `tenantIds` (which must exist) with set-based SQL,
 * `dealsPerTenant` deals each. Runs as the owner with foreign-key triggers off for the session
 * (session_replication_role = replica): the rows are consistent by construction, and checking a
 * million foreign keys one by one is most of the cost of a naive load.
 */
async function loadWithSql(
  owner: pg.Client,
  tenantIds: string[],
  shape: TenantShape,
  months: string[],
  dealsPerTenant: number,
  log: LoadLog,
): Promise<void> {
  const first = monthDate(months[0]!);
  const agentMonths = months.length * shape.agents;
  const base = Math.floor(dealsPerTenant / agentMonths);
  const extra = dealsPerTenant % agentMonths;
  const lastSqlMonth = monthDate(months.at(-1)!);

  await owner.query('BEGIN');
  try {
    await owner.query('SET LOCAL session_replication_role = replica');
    await owner.query('SELECT setseed(0.2025)');
    await owner.query(
      `INSERT INTO managers (tenant_id, name)
       SELECT t, 'Manager ' || lpad(m::text, 2, '0') FROM unnest($1::uuid[]) t, generate_series(1, $2::int) m`,
      [tenantIds, shape.managers],
    );
    await owner.query(
      `INSERT INTO markets (tenant_id, name, latitude, longitude)
       SELECT t, m.name, m.lat, m.lon FROM unnest($1::uuid[]) t, unnest($2::text[], $3::numeric[], $4::numeric[]) AS m(name, lat, lon)`,
      [tenantIds, DEMO_MARKETS.map((m) => m.name), DEMO_MARKETS.map((m) => m.lat), DEMO_MARKETS.map((m) => m.lon)],
    );
    await owner.query(
      `INSERT INTO agents (tenant_id, name, type, manager_id, market, last_month)
       SELECT t, 'Agent ' || lpad(a::text, 3, '0'), CASE WHEN a % 3 = 0 THEN 'dispo' ELSE 'acq' END,
              (SELECT id FROM managers WHERE tenant_id = t AND name = 'Manager ' || lpad((((a - 1) % $2::int) + 1)::text, 2, '0')),
              ($4::text[])[((a - 1) % cardinality($4::text[])) + 1], $5::date
         FROM unnest($1::uuid[]) t, generate_series(1, $3::int) a`,
      [tenantIds, shape.managers, shape.agents, DEMO_MARKETS.map((m) => m.name), lastSqlMonth],
    );
    await owner.query(
      `INSERT INTO commission_months (tenant_id, month, total_gp, total_commission, agent_count, manager_count, transactions, terminations, document)
       SELECT t, ($2::date + make_interval(months => m))::date, 0, 0, 0, 0, 0, 0, '{}'::jsonb
         FROM unnest($1::uuid[]) t, generate_series(0, $3::int - 1) m`,
      [tenantIds, first, months.length],
    );
    await timed(log, `deals (${(dealsPerTenant * tenantIds.length).toLocaleString('en-US')})`, () =>
      owner.query(
        `WITH ag AS (
           SELECT tenant_id, id, name, type, market, substr(name, 7)::int AS i FROM agents WHERE tenant_id = ANY($1::uuid[])
         ), mo AS (
           SELECT m, ($2::date + make_interval(months => m))::date AS month FROM generate_series(0, $3::int - 1) m
         )
         INSERT INTO deals (tenant_id, month, deal_id, deal_date, agent, agent_id, type, market, gp, status)
         SELECT ag.tenant_id, mo.month,
                'D-' || to_char(mo.month, 'YYYYMM') || '-' || lpad(ag.i::text, 3, '0') || '-' || d,
                mo.month + floor(random() * 28)::int,
                ag.name, ag.id, ag.type, ag.market,
                round((1500 + 25000 * random() * random())::numeric, 2),
                CASE WHEN random() < CASE WHEN ag.i % 17 = 5 THEN 0.3 ELSE 0.1 END THEN 'terminated' ELSE 'closed' END
           FROM ag CROSS JOIN mo
           CROSS JOIN LATERAL generate_series(1, $5::int + CASE WHEN mo.m * $4::int + (ag.i - 1) < $6::int THEN 1 ELSE 0 END) d`,
        [tenantIds, first, months.length, shape.agents, base, extra],
      ),
    );
    await timed(log, 'payees', async () => {
      await owner.query(
        `INSERT INTO payee_months (tenant_id, month, position, payee_type, name, agent_id, manager_id, agent_type, gp, deals,
                                   terminations, commission, market, manager)
         SELECT s.tenant_id, s.month, row_number() OVER (PARTITION BY s.tenant_id, s.month ORDER BY a.name) - 1, 'agent',
                a.name, a.id, NULL, a.type, s.gp, s.closed, s.terminated,
                round(least(s.gp, 50000) * 0.10 + greatest(s.gp - 50000, 0) * 0.08, 2), a.market, m.name
           FROM (SELECT tenant_id, month, agent_id,
                        coalesce(sum(gp) FILTER (WHERE status = 'closed'), 0) AS gp,
                        count(*) FILTER (WHERE status = 'closed')::int AS closed,
                        count(*) FILTER (WHERE status = 'terminated')::int AS terminated
                   FROM deals WHERE tenant_id = ANY($1::uuid[]) GROUP BY tenant_id, month, agent_id) s
           JOIN agents a ON a.tenant_id = s.tenant_id AND a.id = s.agent_id
           LEFT JOIN managers m ON m.tenant_id = a.tenant_id AND m.id = a.manager_id`,
        [tenantIds],
      );
      await owner.query(
        `INSERT INTO payee_months (tenant_id, month, position, payee_type, name, agent_id, manager_id, agent_type, gp, deals,
                                   terminations, commission, market, manager)
         SELECT p.tenant_id, p.month, row_number() OVER (PARTITION BY p.tenant_id, p.month ORDER BY m.name) - 1, 'manager',
                m.name, NULL, m.id, NULL, sum(p.gp), NULL, NULL, round(sum(p.gp) * 0.01, 2), NULL, NULL
           FROM payee_months p JOIN managers m ON m.tenant_id = p.tenant_id AND m.name = p.manager
          WHERE p.tenant_id = ANY($1::uuid[]) AND p.payee_type = 'agent'
          GROUP BY p.tenant_id, p.month, m.id, m.name`,
        [tenantIds],
      );
    });
    await timed(log, 'month totals and documents', async () => {
      await owner.query(
        `UPDATE commission_months c
            SET total_gp = x.gp, total_commission = x.commission, agent_count = x.agents, manager_count = x.managers,
                transactions = x.closed, terminations = x.terminated,
                metadata = jsonb_build_object('total_gp', x.gp, 'total_transactions', x.closed,
                                              'commission_pct', round(x.commission * 100 / nullif(x.gp, 0), 1))
           FROM (SELECT tenant_id, month,
                        coalesce(sum(gp) FILTER (WHERE payee_type = 'agent'), 0) AS gp, sum(commission) AS commission,
                        count(*) FILTER (WHERE payee_type = 'agent')::int AS agents,
                        count(*) FILTER (WHERE payee_type = 'manager')::int AS managers,
                        coalesce(sum(deals), 0)::int AS closed, coalesce(sum(terminations), 0)::int AS terminated
                   FROM payee_months WHERE tenant_id = ANY($1::uuid[]) GROUP BY tenant_id, month) x
          WHERE c.tenant_id = x.tenant_id AND c.month = x.month`,
        [tenantIds],
      );
      // The document as an import would have stored it (canonicalMonth is applied when it is read).
      await owner.query(
        `UPDATE commission_months c SET document = jsonb_build_object(
           'month', to_char(c.month, 'YYYY-MM'),
           'metadata', c.metadata,
           'agents', (SELECT jsonb_agg(jsonb_build_object('name', p.name, 'type', p.agent_type, 'gp', p.gp, 'deals', p.deals,
                                'commission', p.commission, 'terminations', p.terminations, 'market', p.market, 'manager', p.manager)
                                ORDER BY p.position)
                        FROM payee_months p WHERE p.tenant_id = c.tenant_id AND p.month = c.month AND p.payee_type = 'agent'),
           'managers', (SELECT jsonb_agg(jsonb_build_object('name', p.name, 'gp', p.gp, 'commission', p.commission,
                                  'team', (SELECT jsonb_agg(q.name ORDER BY q.position) FROM payee_months q
                                            WHERE q.tenant_id = p.tenant_id AND q.month = p.month AND q.payee_type = 'agent'
                                              AND q.manager = p.name))
                                  ORDER BY p.position)
                          FROM payee_months p WHERE p.tenant_id = c.tenant_id AND p.month = c.month AND p.payee_type = 'manager'),
           'deals', (SELECT jsonb_agg(jsonb_build_object('id', d.deal_id, 'date', d.deal_date, 'agent', d.agent, 'type', d.type,
                              'market', d.market, 'gp', d.gp, 'status', d.status) ORDER BY d.deal_id)
                       FROM deals d WHERE d.tenant_id = c.tenant_id AND d.month = c.month))
          WHERE c.tenant_id = ANY($1::uuid[])`,
        [tenantIds],
      );
    });
    await timed(log, 'document texts (canonicalMonth, as an import stores them)', () => storeDocumentTexts(owner, tenantIds));
    await timed(log, 'roll-ups (rollupFromHistory over agent-months)', () => storeRollups(owner, tenantIds));
    await owner.query('COMMIT');
  } catch (error) {
    await owner.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

interface PayeeRecord {
  tenant_id: string;
  month: string;
  payee_type: 'agent' | 'manager';
  name: string;
  agent_type: AgentType | null;
  gp: string | null;
  deals: number | null;
  terminations: number | null;
  commission: string;
  market: string | null;
  manager: string | null;
}

const cents = (text: string | null): Cents => (text === null ? 0 : (parseAmountText(text) ?? 0));

/** Agent-months as the domain's history (no deals: analytics never needs them) for every stored month. */
async function agentMonthHistories(owner: pg.Client, tenantIds: string[]): Promise<Map<string, HistoryMonth[]>> {
  const result = await owner.query<PayeeRecord>(
    `SELECT tenant_id, to_char(month, 'YYYY-MM') AS month, payee_type, name, agent_type, gp::text, deals, terminations,
            commission::text, market, manager
       FROM payee_months WHERE tenant_id = ANY($1::uuid[]) ORDER BY tenant_id, month, payee_type, position`,
    [tenantIds],
  );
  const byTenant = new Map<string, HistoryMonth[]>();
  let current: HistoryMonth | undefined;
  let currentTenant = '';
  for (const row of result.rows) {
    if (!current || current.month !== row.month || currentTenant !== row.tenant_id) {
      current = { month: row.month, agents: [], managers: [], deals: [] };
      currentTenant = row.tenant_id;
      const months = byTenant.get(row.tenant_id) ?? [];
      months.push(current);
      byTenant.set(row.tenant_id, months);
    }
    if (row.payee_type === 'agent') {
      current.agents.push({
        name: row.name,
        type: row.agent_type!,
        manager: row.manager,
        market: row.market,
        gp: cents(row.gp),
        deals: row.deals ?? 0,
        terminations: row.terminations,
        commission: cents(row.commission),
      });
    } else {
      const team = current.agents.filter((agent) => agent.manager === row.name).map((agent) => agent.name);
      current.managers.push({ name: row.name, gp: row.gp === null ? null : cents(row.gp), commission: cents(row.commission), team });
    }
  }
  return byTenant;
}

/**
 * Each SQL-built month's canonical JSON text, as an import writes it beside the jsonb document
 * (migration 0009): plan workers and JSON exports read that text as stored. Months imported before
 * that migration have none and are read through `document::text`, which costs PostgreSQL about
 * 75 ms per month of 16,000 deals; a tenant imported today has the text for every month.
 */
async function storeDocumentTexts(owner: pg.Client, tenantIds: string[]): Promise<void> {
  const keys = await owner.query<{ tenant_id: string; month: string }>(
    `SELECT tenant_id, to_char(month, 'YYYY-MM-DD') AS month FROM commission_months
      WHERE tenant_id = ANY($1::uuid[]) AND document_text IS NULL ORDER BY tenant_id, month`,
    [tenantIds],
  );
  // A few large months (2.3 MB each) or many small ones at a time.
  for (let start = 0; start < keys.rows.length; start += 8) {
    const batch = keys.rows.slice(start, start + 8);
    const documents = await owner.query<{ tenant_id: string; month: string; document: CommissionMonth }>(
      `SELECT c.tenant_id, to_char(c.month, 'YYYY-MM-DD') AS month, c.document FROM commission_months c
         JOIN unnest($1::uuid[], $2::date[]) AS k(tenant_id, month) ON c.tenant_id = k.tenant_id AND c.month = k.month`,
      [batch.map((key) => key.tenant_id), batch.map((key) => key.month)],
    );
    await owner.query(
      `UPDATE commission_months c SET document_text = v.text
         FROM unnest($1::uuid[], $2::date[], $3::text[]) AS v(tenant_id, month, text)
        WHERE c.tenant_id = v.tenant_id AND c.month = v.month`,
      [
        documents.rows.map((row) => row.tenant_id),
        documents.rows.map((row) => row.month),
        documents.rows.map((row) => JSON.stringify(canonicalMonth(row.document))),
      ],
    );
  }
}

async function storeRollups(owner: pg.Client, tenantIds: string[]): Promise<void> {
  const histories = await agentMonthHistories(owner, tenantIds);
  const rows: { tenant: string; month: string; rollup: MonthRollup }[] = [];
  for (const [tenant, history] of histories) {
    for (const rollup of rollupFromHistory(history)) rows.push({ tenant, month: monthDate(rollup.month), rollup });
  }
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    await owner.query(
      `UPDATE commission_months c SET rollup = v.rollup
         FROM unnest($1::uuid[], $2::date[], $3::jsonb[]) AS v(tenant_id, month, rollup)
        WHERE c.tenant_id = v.tenant_id AND c.month = v.month`,
      [batch.map((row) => row.tenant), batch.map((row) => row.month), batch.map((row) => JSON.stringify(row.rollup))],
    );
  }
}

/**
 * The roll-up stored for a SQL-built month must be what an import of its document would store:
 * guards the loader against drifting from the import path.
 */
async function checkRollup(owner: pg.Client, tenantId: string, month: string): Promise<void> {
  const result = await owner.query<{ document: CommissionMonth; rollup: MonthRollup }>(
    'SELECT document, rollup FROM commission_months WHERE tenant_id = $1 AND month = $2',
    [tenantId, monthDate(month)],
  );
  const row = result.rows[0];
  assert.ok(row, `no month ${month}`);
  const expected = rollupFromHistory([historyMonthFromImport(row.document)])[0];
  assert.deepStrictEqual(row.rollup, JSON.parse(JSON.stringify(expected)), `the stored roll-up of ${month} differs from its document's`);
}

export interface LoadedDataset {
  largeTenantId: string;
  smallTenantIds: string[];
  months: string[];
  /** Deals stored for the large tenant. */
  largeDeals: number;
  seconds: number;
}

/**
 * Creates the tenants (through provisioning, as a first login would) and loads their history.
 * `owner` must be a superuser (or BYPASSRLS): it writes many tenants' rows in one statement.
 */
export async function loadDataset(owner: pg.Client, appPool: pg.Pool, spec: DatasetSpec, log: LoadLog): Promise<LoadedDataset> {
  const started = performance.now();
  const role = await owner.query<{ ok: boolean }>('SELECT rolsuper OR rolbypassrls AS ok FROM pg_roles WHERE rolname = current_user');
  if (!role.rows[0]?.ok) throw new Error('the benchmark loads data as a superuser (or a BYPASSRLS role): BENCH_DATABASE_URL must name one');

  const today = new Date();
  const largeTenantId = tenantIdForOrg(LARGE_ORG);
  await ensureTenant(appPool, LARGE_ORG, { promoDays: 3650, today });
  const smallTenantIds: string[] = [];
  await timed(log, `${spec.small.count} small tenants provisioned`, async () => {
    for (let start = 0; start < spec.small.count; start += 20) {
      const batch = Array.from({ length: Math.min(20, spec.small.count - start) }, (_, k) => smallOrg(start + k));
      const created = await Promise.all(batch.map((org) => ensureTenant(appPool, org, { promoDays: 3650, today })));
      smallTenantIds.push(...created.map((tenant) => tenant.tenantId));
    }
  });

  const { large, small } = spec;
  const months = monthsEndingAt(large.lastMonth, large.months);
  const sqlMonths = months.slice(0, months.length - large.importedMonths);
  const importedMonths = months.slice(months.length - large.importedMonths);
  const perImportedMonth = Math.floor(large.deals / large.months);
  const sqlDeals = large.deals - perImportedMonth * importedMonths.length;

  log(`large tenant: ${large.months} months, ${large.agents} agents, ${large.deals.toLocaleString('en-US')} deals`);
  await loadWithSql(owner, [largeTenantId], large, sqlMonths, sqlDeals, log);
  await checkRollup(owner, largeTenantId, sqlMonths.at(-1)!);
  log('  roll-up check: the stored roll-up equals the roll-up of the stored document');

  await timed(log, `${importedMonths.length} month(s) of ${perImportedMonth.toLocaleString('en-US')} deals through the import service`, async () => {
    for (const [index, month] of importedMonths.entries()) {
      await importMonth(serviceContext({ pool: appPool, clock: () => today, tenantChanged: async () => {} }, systemPrincipal(largeTenantId)), {
        document: generateMonth(large, month, perImportedMonth, 7000 + index),
      });
    }
  });

  log(`small tenants: ${small.count} × (${small.months} months, ${small.agents} agents, ${small.deals} deals)`);
  await loadWithSql(owner, smallTenantIds, small, monthsEndingAt(small.lastMonth, small.months), small.deals, log);

  await timed(log, 'ANALYZE', () => owner.query('ANALYZE'));
  const count = await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM deals WHERE tenant_id = $1', [largeTenantId]);
  return {
    largeTenantId,
    smallTenantIds,
    months,
    largeDeals: count.rows[0]?.n ?? 0,
    seconds: (performance.now() - started) / 1000,
  };
}
