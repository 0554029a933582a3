import pg from 'pg';
import type { TenantTx } from './tenant.js';

/**
 * Every table holding the current tenant's rows, from the catalog rather than a list in code, so
 * a table added by a later migration is exported and checked on erasure without anyone
 * remembering to add it here. (information_schema shows only tables the application role may
 * use; tenant_tombstones, which it may not, is rightly left out.) Revoked sessions are left out too:
 * they outlive an erasure until they run out (migration 0025), and name nobody.
 */
export async function tenantTables(tx: TenantTx): Promise<string[]> {
  const result = await tx.query<{ table_name: string }>(
    `SELECT c.table_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
        AND c.table_name <> 'session_revocations'
      ORDER BY c.table_name`,
  );
  return result.rows.map((row) => row.table_name);
}

/** Rows of the tenant per table, `tenants` (its own row) included. */
export async function countTenantRows(tx: TenantTx, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['tenants', ...tables]) {
    const column = table === 'tenants' ? 'id' : 'tenant_id';
    const result = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(table)} WHERE ${column} = $1`, [tx.tenantId]);
    counts[table] = result.rows[0]!.n;
  }
  return counts;
}

/** Columns that only repeat another column of their row in another form: left out of the export. */
const DERIVED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  // The canonical JSON text of `document` (migration 0009), kept for fast JSON exports, and its
  // payees (generated from it, migration 0026), kept for CSV exports and plan history; the
  // roll-up's agents' figures and month-level totals (generated from it, migrations 0022 and 0027),
  // kept for analytics reads.
  commission_months: ['document_text', 'payees', 'rollup_figures', 'rollup_totals'],
};

/** The table's primary key columns in key order, from the catalog (every tenant table has one). */
async function primaryKey(tx: TenantTx, table: string): Promise<string[]> {
  const result = await tx.query<{ column: string }>(
    `SELECT a.attname AS column
       FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [pg.escapeIdentifier(table)],
  );
  return result.rows.map((row) => row.column);
}

/**
 * Streams one table's rows of the tenant as JSON text, `batch` rows per round trip, through a
 * cursor of the caller's transaction (bounded memory whatever the table's size), in primary key
 * order (or, for a table without one, by the row's text): two exports of the same data are byte
 * for byte the same, however the rows lie on disk. Derived columns are left out.
 */
export async function* tableRows(tx: TenantTx, table: string, batch = 500): AsyncGenerator<string[]> {
  const column = table === 'tenants' ? 'id' : 'tenant_id';
  const cursor = pg.escapeIdentifier(`export_${table}`);
  const derived = DERIVED_COLUMNS[table];
  const row = derived ? `(to_jsonb(t) - $2::text[])::text` : 'row_to_json(t)::text';
  const key = await primaryKey(tx, table);
  const order = key.length > 0 ? key.map((name) => `t.${pg.escapeIdentifier(name)}`).join(', ') : '1';
  await tx.query(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${row} AS row FROM ${pg.escapeIdentifier(table)} t WHERE ${column} = $1 ORDER BY ${order}`,
    derived ? [tx.tenantId, derived] : [tx.tenantId],
  );
  try {
    for (;;) {
      const result = await tx.query<{ row: string }>(`FETCH ${batch} FROM ${cursor}`);
      if (result.rows.length === 0) return;
      yield result.rows.map((row) => row.row);
    }
  } finally {
    await tx.query(`CLOSE ${cursor}`).catch(() => {});
  }
}

/** Writes the tombstone (SECURITY DEFINER: cip_app cannot touch tenant_tombstones otherwise). */
export async function recordTombstone(tx: TenantTx, tombstone: { orgIdSha256: string; erasedBy: string | null; requestId: string; tables: Record<string, number> }): Promise<void> {
  await tx.query('SELECT record_tenant_tombstone($1, $2, $3, $4::jsonb)', [tombstone.orgIdSha256, tombstone.erasedBy, tombstone.requestId, JSON.stringify(tombstone.tables)]);
}

/** Deletes the tenant row; every tenant table cascades from it. True when there was one. */
export async function deleteTenantRow(tx: TenantTx): Promise<boolean> {
  const result = await tx.query('DELETE FROM tenants WHERE id = $1', [tx.tenantId]);
  return result.rowCount === 1;
}

/**
 * Every tenant id, read as the owner through the report_scheduler policy (migration 0006): for
 * system work that visits each tenant (the monthly reports), never for a request.
 */
export async function allTenantIds(owner: pg.ClientBase): Promise<string[]> {
  return (await owner.query<{ id: string }>('SELECT id FROM tenants ORDER BY id')).rows.map((row) => row.id);
}
