import { listAuditEntries as listAuditRows } from '../../db/audit.js';
import { badRequest } from '../../domain/app-error.js';
import { inTenant, requireAdmin, type ServiceContext } from '../context.js';
import type { AuditedContext } from './audit-queue.js';

export interface ListAuditInput {
  from?: string | undefined;
  to?: string | undefined;
  action?: string | undefined;
  user_id?: string | undefined;
  limit: number;
  offset: number;
}

/** The tenant's audit trail, newest first, a page at a time (admins). */
export async function listAuditEntries(ctx: ServiceContext & AuditedContext, input: ListAuditInput) {
  requireAdmin(ctx);
  const { from, to, action, user_id: userId, limit, offset } = input;
  if (from && to && Date.parse(to) <= Date.parse(from)) throw badRequest('`to` must be after `from`.');
  // What earlier requests of this instance queued is written first, so the trail is current.
  await ctx.audit.flush();
  const rows = await inTenant(ctx, (tx) => listAuditRows(tx, { from, to, action, userId, limit, offset }));
  const more = rows.length > limit;
  return {
    items: rows.slice(0, limit).map((row) => ({ ...row, occurred_at: row.occurred_at.toISOString() })),
    limit,
    offset,
    next_offset: more ? offset + limit : null,
  };
}
