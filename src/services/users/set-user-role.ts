import { lockTenantUsers, otherMembers, readUser, updateUserRole } from '../../db/users.js';
import { leavesNoAdmin } from '../../domain/organisation.js';
import type { AppRole } from '../../domain/principal.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { lastAdminError, noSuchUser, subjectOf, userView } from './user-view.js';

/**
 * Sets a user's stored role (admins): the one that applies when their token claims none. Refused
 * (409) when it would leave an organisation with other users and no admin. Every instance forgets
 * the provisioned users of the tenant, so the new role applies on the user's next request.
 */
export async function setUserRole(ctx: ServiceContext, input: { id: string; role: AppRole }) {
  requireAdmin(ctx);
  const { userId } = subjectOf(ctx.principal, input.id);
  const updated = await writeInTenant(ctx, { type: 'users' }, async (tx) => {
    // Changes to a tenant's users happen one at a time: "last admin" is decided on a list nobody else is changing.
    await lockTenantUsers(tx);
    const user = await readUser(tx, userId);
    if (!user) throw noSuchUser();
    if (leavesNoAdmin(user, input.role, await otherMembers(tx, userId))) throw lastAdminError();
    return updateUserRole(tx, userId, input.role);
  });
  return userView(updated);
}
