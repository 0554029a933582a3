import { eraseUserData, lockTenantUsers, otherMembers, readUser } from '../../db/users.js';
import { leavesNoAdmin } from '../../domain/organisation.js';
import type { AuditedContext } from '../audit/audit-queue.js';
import { writeInTenant, type ServiceContext } from '../context.js';
import { recordRevocation, type RevocationContext } from '../sessions/revoke-session.js';
import { lastAdminError, noSuchUser, subjectOf } from './user-view.js';

/**
 * Erases a user's personal data (GDPR): yourself, or anyone of the organisation for an admin.
 * Refused (409) for the only admin of an organisation that has other users. The audit entries stay,
 * without the user's IP addresses; erasing yourself also revokes the session you used, and your own
 * request's audit entry keeps no IP either.
 */
export async function eraseUser(ctx: ServiceContext & AuditedContext & RevocationContext, input: { id: string }) {
  const { userId, self } = subjectOf(ctx.principal, input.id);
  // Queued audit entries of this user are written first, so the redaction covers them too.
  await ctx.audit.flush();
  // Your own request's audit row (written with the erasure) keeps no IP.
  if (self) ctx.audit.omitCallerIp();
  // Every instance forgets the user once it is gone.
  const redacted = await writeInTenant(ctx, { type: 'users' }, async (tx) => {
    await lockTenantUsers(tx);
    const user = await readUser(tx, userId);
    if (!user) throw noSuchUser();
    if (leavesNoAdmin(user, null, await otherMembers(tx, userId))) throw lastAdminError();
    return eraseUserData(tx, userId);
  });
  if (self) {
    const { sessionId, tenantId } = ctx.principal;
    if (sessionId) await recordRevocation(ctx, tenantId, { session_id: sessionId }, ctx.clock());
  }
  return { status: 'erased' as const, user_id: userId, audit_entries_redacted: redacted };
}
