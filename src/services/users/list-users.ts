import { listUsers as listUserRows } from '../../db/users.js';
import { inTenant, requireAdmin, type ServiceContext } from '../context.js';
import { userView } from './user-view.js';

/** Users of the organisation, oldest first (admins). */
export async function listUsers(ctx: ServiceContext) {
  requireAdmin(ctx);
  return { items: (await inTenant(ctx, listUserRows)).map(userView) };
}
