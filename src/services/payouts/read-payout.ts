import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';
import { payoutView } from './payout-view.js';

/** The month's payout, draft or approved; 404 until it has been calculated. */
export async function readPayout(ctx: ServiceContext, input: { month: string }) {
  const view = await inTenant(ctx, (tx) => payoutView(tx, input.month));
  if (!view) throw notFoundError(`No payouts for ${input.month}: calculate them first (POST /api/v1/payouts/${input.month}/calculate).`);
  return view;
}
