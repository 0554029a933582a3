import { bumpCacheGeneration } from '../../db/cache-generations.js';
import { tenantIdForOrg } from '../../db/tenant-id.js';
import { withTenant } from '../../db/tenant.js';
import { eraseUserData, lockTenantUsers, userIdOfSubject } from '../../db/users.js';
import type { AuditQueue } from '../audit/audit-queue.js';
import type { ServiceDeps } from '../context.js';

/**
 * The marketplace asks to erase a user whose account is gone there, by its own ids (organisation,
 * and the token's `sub`). Not refused for a last admin: roles come from the marketplace. A user
 * unknown here is `absent` (the request is idempotent).
 */
export async function eraseMarketplaceUser(deps: ServiceDeps & { audit: AuditQueue }, input: { tenant_id: string; user_id: string }) {
  const tenantId = tenantIdForOrg(input.tenant_id);
  // Queued audit entries of this user are written first, so the redaction covers them too.
  await deps.audit.flush();
  const erased = await withTenant(deps.pool, tenantId, async (tx) => {
    await lockTenantUsers(tx);
    const userId = await userIdOfSubject(tx, input.user_id);
    if (!userId) return undefined;
    const auditEntriesRedacted = await eraseUserData(tx, userId);
    await bumpCacheGeneration(tx);
    return { userId, auditEntriesRedacted };
  });
  if (!erased) return { tenantId, status: 'absent' as const, audit_entries_redacted: 0 };
  await deps.tenantChanged(tenantId, { type: 'users' });
  return { tenantId, status: 'erased' as const, userId: erased.userId, audit_entries_redacted: erased.auditEntriesRedacted };
}
