import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { tableRows, tenantTables } from '../../db/tenant-data.js';
import type { AuditQueue } from '../audit/audit-queue.js';
import { inTenant, requireAdmin, type ServiceContext } from '../context.js';

export interface ExportLog {
  error(object: Record<string, unknown>, message: string): void;
}

/**
 * Everything the tenant owns as one JSON document, streamed:
 * `{"format":"cip-tenant-export/1","exported_at":…,"org_id":…,"tables":{"agents":[…],…}}`, every
 * row as the database holds it (`row_to_json`), table by table through cursors of one
 * transaction. Memory stays bounded: the transaction waits when the client reads slowly, and is
 * rolled back when the client goes away. A failure mid-stream cuts the response short (the
 * client sees an incomplete document, never a complete-looking wrong one) and is logged.
 */
function exportStream(ctx: ServiceContext, now: Date, log: ExportLog): Readable {
  const { tenantId, orgId } = ctx.principal;
  const out = new PassThrough();
  const write = async (chunk: string) => {
    if (out.destroyed) throw new Error('export abandoned by the client');
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  };
  inTenant(ctx, async (tx) => {
    const tables = ['tenants', ...(await tenantTables(tx))];
    await write(`{"format":"cip-tenant-export/1","exported_at":${JSON.stringify(now.toISOString())},"org_id":${JSON.stringify(orgId)},"tables":{`);
    for (const [index, table] of tables.entries()) {
      await write(`${index === 0 ? '' : ','}${JSON.stringify(table)}:[`);
      let first = true;
      for await (const rows of tableRows(tx, table)) {
        await write(`${first ? '' : ','}${rows.join(',')}`);
        first = false;
      }
      await write(']');
    }
    await write('}}');
    // Written to the response as it goes: a re-run would send the tables twice.
  }, { rerunnable: false }).then(
    () => out.end(),
    (error: unknown) => {
      if (!out.destroyed) log.error({ err: error, tenant_id: tenantId }, 'tenant export failed mid-stream');
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return out;
}

/** Everything the organisation owns (admins), as a file named for today; the audit trail so far included. */
export async function exportTenant(ctx: ServiceContext & { audit: AuditQueue; log: ExportLog }): Promise<{ fileName: string; stream: Readable }> {
  requireAdmin(ctx);
  // The trail of what happened so far belongs in the export too.
  await ctx.audit.flush();
  const now = ctx.clock();
  return { fileName: `tenant-export-${now.toISOString().slice(0, 10)}.json`, stream: exportStream(ctx, now, ctx.log) };
}
