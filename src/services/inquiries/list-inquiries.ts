import { readPayoutState } from '../../db/payouts.js';
import { notFoundError } from '../../domain/app-error.js';
import type { InquiryListView, InquiryView } from '../../schemas/inquiries.js';
import { inTenant, type ServiceContext } from '../context.js';
import { inquiryView, inquiryViews } from './inquiry-view.js';

/**
 * The month's inquiries with their threads: a payee's own, or everyone's for admins and members.
 * 404 for a month without payouts (or, for a payee, one they may not see yet).
 */
export async function listInquiries(ctx: ServiceContext, input: { month: string }): Promise<InquiryListView> {
  const items = await inTenant(ctx, async (tx) => {
    if (!(await readPayoutState(tx, input.month))) throw notFoundError(`No payouts for ${input.month}.`);
    return inquiryViews(tx, ctx, input.month);
  });
  return { items };
}

/**
 * Inquiries across months, oldest first, open ones only with `status: "open"`: what waits for an
 * admin's answer wherever it was asked (a payee: their own). At most 1,000.
 */
export async function listAllInquiries(ctx: ServiceContext, input: { status?: 'open' | 'resolved' | undefined }): Promise<InquiryListView> {
  const items = await inTenant(ctx, (tx) => inquiryViews(tx, ctx, null, { status: input.status }));
  return { items };
}

export function readInquiry(ctx: ServiceContext, input: { month: string; id: string }): Promise<InquiryView> {
  return inTenant(ctx, (tx) => inquiryView(tx, ctx, input.month, input.id));
}
