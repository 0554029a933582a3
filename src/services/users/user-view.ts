import type { UserRow } from '../../db/users.js';
import { AppError, forbiddenError } from '../../domain/app-error.js';
import type { Principal } from '../../domain/principal.js';

export const userView = (row: UserRow) => ({ id: row.id, email: row.email, role: row.role, created_at: row.created_at.toISOString() });

export const lastAdminError = () =>
  new AppError('conflict', 'last-admin', 'This is the organisation’s only admin while it has other users: make another user admin first.');

export const noSuchUser = () => new AppError('not-found', 'not-found', 'no such user in this organisation');

/** `me` is the caller; any other id must be the caller's, or the caller an admin. */
export function subjectOf(principal: Principal, id: string): { userId: string; self: boolean } {
  const userId = id === 'me' ? principal.userId : id;
  const self = userId === principal.userId;
  if (!self && principal.role !== 'admin') throw forbiddenError('this action needs the admin role');
  return { userId, self };
}
