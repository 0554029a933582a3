import { bumpCacheGeneration } from '../../db/cache-generations.js';
import { tenantIdForOrg } from '../../db/tenant-id.js';
import { withTenant } from '../../db/tenant.js';
import { eraseUserData, lockTenantUsers, userIdOfSubject } from '../../db/users.js';
import { marketplaceRequestSeen, recordMarketplaceRequest } from '../../db/marketplace-requests.js';
import type { AuditQueue } from '../audit/audit-queue.js';
import type { ServiceDeps } from '../context.js';

/**
 * The marketplace asks to erase a user whose account is gone there, by its own ids (organisation,
 * and the token's `sub`). Not refused for a last admin: roles come from the marketplace. A user
 * unknown here is `absent` (the request is idempotent); an `event_id` processed before is
 * `duplicate` and does nothing (recorded in the erasure's own transaction).
 */
export async function eraseMarketplaceUser(deps: ServiceDeps & { audit: AuditQueue }, input: { tenant_id: string; user_id: string; event_id: string }) {
  const tenantId = tenantIdForOrg(input.tenant_id);
  // Queued audit entries of this user are written first, so the redaction covers them too.
  await deps.audit.flush();
  const erased = await withTenant(deps.pool, tenantId, async (tx) => {
    await lockTenantUsers(tx);
    if (await marketplaceRequestSeen(tx, input.event_id)) return 'duplicate' as const;
    const userId = await userIdOfSubject(tx, input.user_id);
    const erasure = userId ? { userId, auditEntriesRedacted: await eraseUserData(tx, userId) } : undefined;
    await recordMarketplaceRequest(tx, input.event_id, 'user_erase');
    if (erasure) await bumpCacheGeneration(tx);
    return erasure;
  });
  if (erased === 'duplicate') return { tenantId, status: 'duplicate' as const, audit_entries_redacted: 0 };
  if (!erased) return { tenantId, status: 'absent' as const, audit_entries_redacted: 0 };
  await deps.tenantChanged(tenantId, { type: 'users' });
  return { tenantId, status: 'erased' as const, userId: erased.userId, audit_entries_redacted: erased.auditEntriesRedacted };
}
