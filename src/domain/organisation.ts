import type { AppRole } from './principal.js';

/**
 * Rules of an organisation's start and of its members: a new organisation starts on a promotion,
 * its first user is its admin, and it is never left with members but no admin.
 */

/** The last day (YYYY-MM-DD, inclusive) of a promotion of `promoDays` days starting `today` (UTC). */
export function promotionLastDay(today: Date, promoDays: number): string {
  // promoDays days counting the first one: a 90-day promotion started on 1 January ends on 31 March.
  const last = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + promoDays - 1));
  return last.toISOString().slice(0, 10);
}

/** The stored role of a user seen for the first time: the organisation's first user is its admin. */
export function roleOfNewUser(organisationHasUsers: boolean): AppRole {
  return organisationHasUsers ? 'member' : 'admin';
}

/** Who else the organisation has, besides the user a change is about. */
export interface OtherMembers {
  users: number;
  admins: number;
}

/**
 * True when taking the admin role from `user` (a new role, or none when erased) would leave an
 * organisation that has other users without any admin. Alone, a user may do as they like.
 */
export function leavesNoAdmin(user: { role: AppRole }, newRole: AppRole | null, others: OtherMembers): boolean {
  return user.role === 'admin' && newRole !== 'admin' && others.admins === 0 && others.users > 0;
}
