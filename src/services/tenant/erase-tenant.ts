import { createHash } from 'node:crypto';
import type pg from 'pg';
import { countTenantRows, deleteTenantRow, recordTombstone, tenantTables } from '../../db/tenant-data.js';
import { withTenant } from '../../db/tenant.js';

export interface Erasure {
  /** Rows removed per table. */
  tables: Record<string, number>;
}

/**
 * GDPR erasure of a whole organisation, in one transaction: counts what it holds, writes the
 * tombstone (tenant id, hash of the org id, who, which request, row counts: no personal data),
 * deletes the tenant row, from which every tenant table cascades, and checks that no row of the
 * tenant is left in any table before committing. Anything left, or any failure, rolls it all back.
 */
export async function eraseTenant(pool: pg.Pool, tenantId: string, options: { orgId: string; erasedBy: string | null; requestId: string }): Promise<Erasure> {
  return withTenant(pool, tenantId, async (tx) => {
    const tables = await tenantTables(tx);
    const before = await countTenantRows(tx, tables);
    await recordTombstone(tx, {
      orgIdSha256: createHash('sha256').update(options.orgId).digest('hex'),
      erasedBy: options.erasedBy,
      requestId: options.requestId,
      tables: before,
    });
    await deleteTenantRow(tx);
    const after = await countTenantRows(tx, tables);
    const left = Object.entries(after).filter(([, count]) => count > 0);
    if (left.length > 0) throw new Error(`erasure left rows behind in ${left.map(([table, count]) => `${table} (${count})`).join(', ')}`);
    return { tables: before };
  });
}
