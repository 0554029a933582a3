import { forbiddenError } from '../../domain/app-error.js';
import type { ServiceContext } from '../context.js';

/** The caller's roster name: only payees have "their own" statements. */
export function payeeOf(ctx: ServiceContext): string {
  const { role, payee } = ctx.principal;
  if (role !== 'payee' || payee === undefined) {
    throw forbiddenError("Only payees have statements of their own: admins and members read every person's at /payouts/{month}.");
  }
  return payee;
}
