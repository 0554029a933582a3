import { lockInquiry, resolveInquiry as markResolved } from '../../db/inquiries.js';
import { AppError } from '../../domain/app-error.js';
import type { InquiryView } from '../../schemas/inquiries.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { inquiryView, noSuchInquiry } from './inquiry-view.js';

/** open → resolved with a note (admins); resolving twice is a 409. */
export async function resolveInquiry(ctx: ServiceContext, input: { month: string; id: string; note: string }): Promise<InquiryView> {
  requireAdmin(ctx);
  return writeInTenant(ctx, { type: 'inquiries', month: input.month }, async (tx) => {
    const inquiry = await lockInquiry(tx, input.month, input.id);
    if (!inquiry) throw noSuchInquiry();
    if (inquiry.status === 'resolved') throw new AppError('conflict', 'inquiry-resolved', 'This inquiry is already resolved.');
    await markResolved(tx, inquiry.id, { note: input.note.trim(), at: ctx.clock(), by: ctx.principal.userId });
    return inquiryView(tx, ctx, input.month, inquiry.id);
  });
}
