import { readUser as readUserRow } from '../../db/users.js';
import { inTenant, type ServiceContext } from '../context.js';
import { noSuchUser, subjectOf, userView } from './user-view.js';

/** One user: yourself (`me` or your id), or anyone of the organisation for an admin. */
export async function readUser(ctx: ServiceContext, input: { id: string }) {
  const { userId } = subjectOf(ctx.principal, input.id);
  const row = await inTenant(ctx, (tx) => readUserRow(tx, userId));
  if (!row) throw noSuchUser();
  return userView(row);
}
