import type { ImportMapping } from '../domain/closings/mapping.js';
import type { TenantTx } from './tenant.js';

export interface ImportMappingRow {
  name: string;
  mapping: ImportMapping;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'name, mapping, created_at, updated_at';

/** Creates or replaces the named mapping; `created` tells which. */
export async function upsertImportMapping(
  tx: TenantTx,
  name: string,
  mapping: ImportMapping,
  userId: string | null,
): Promise<{ row: ImportMappingRow; created: boolean }> {
  const result = await tx.query<ImportMappingRow & { created: boolean }>(
    `INSERT INTO import_mappings (tenant_id, name, mapping, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, name) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = now(), updated_by = EXCLUDED.updated_by
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [tx.tenantId, name, JSON.stringify(mapping), userId],
  );
  const { created, ...row } = result.rows[0]!;
  return { row, created };
}

export async function readImportMapping(tx: TenantTx, name: string): Promise<ImportMappingRow | undefined> {
  const result = await tx.query<ImportMappingRow>(`SELECT ${COLUMNS} FROM import_mappings WHERE tenant_id = $1 AND name = $2`, [tx.tenantId, name]);
  return result.rows[0];
}

export async function listImportMappings(tx: TenantTx): Promise<ImportMappingRow[]> {
  const result = await tx.query<ImportMappingRow>(`SELECT ${COLUMNS} FROM import_mappings WHERE tenant_id = $1 ORDER BY name`, [tx.tenantId]);
  return result.rows;
}

export async function deleteImportMapping(tx: TenantTx, name: string): Promise<boolean> {
  const result = await tx.query('DELETE FROM import_mappings WHERE tenant_id = $1 AND name = $2', [tx.tenantId, name]);
  return result.rowCount === 1;
}
