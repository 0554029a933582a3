import type { MeView } from '../../schemas/me.js';
import type { ServiceContext } from '../context.js';

/** Who the caller is: role, and for a payee the roster person they are (the web app lands a payee on their statement). */
export function readMe(ctx: ServiceContext): MeView {
  const { role, payee, email } = ctx.principal;
  return { role, payee: payee ?? null, email: email ?? null };
}
