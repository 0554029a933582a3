import { createHash } from 'node:crypto';
import { countTenantRows, deleteTenantRow, recordTombstone, tenantTables } from '../../db/tenant-data.js';
import { invalidInput } from '../../domain/app-error.js';
import type { AuditQueue } from '../audit/audit-queue.js';
import { inTenant, requireAdmin, type ServiceContext } from '../context.js';

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
async function eraseTenantRows(ctx: ServiceContext, options: { orgId: string; erasedBy: string | null; requestId: string }): Promise<Erasure> {
  return inTenant(ctx, async (tx) => {
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

/**
 * An admin erases their own organisation (irreversible), confirming it with the organisation id.
 * Every instance hears of it (`erased`), so nothing of the tenant lives on in their memory: cached
 * results are deleted from Redis and from each in-process cache.
 */
export async function eraseOrganisation(ctx: ServiceContext & { audit: AuditQueue }, input: { confirm: string; requestId: string }): Promise<Erasure> {
  requireAdmin(ctx);
  const { principal } = ctx;
  if (input.confirm !== principal.orgId) {
    throw invalidInput('Confirm the erasure with the organisation id.', [{ pointer: '/confirm', message: 'is not the id of your organisation' }]);
  }
  // Pending audit rows first: the erasure removes them along with the rest, as it should.
  await ctx.audit.flush();
  const erasure = await eraseTenantRows(ctx, { orgId: principal.orgId, erasedBy: principal.userId, requestId: input.requestId });
  await ctx.tenantChanged(principal.tenantId, { type: 'erased' });
  return erasure;
}
