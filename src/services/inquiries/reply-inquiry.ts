import { appendInquiryMessage, lockInquiry } from '../../db/inquiries.js';
import { AppError } from '../../domain/app-error.js';
import type { InquiryView } from '../../schemas/inquiries.js';
import { writeInTenant, type ServiceContext } from '../context.js';
import { inquiryView, noSuchInquiry, payeeFilter, sideOf } from './inquiry-view.js';

/** A reply in an open thread, by its payee or an admin; a resolved inquiry takes none (409). */
export async function replyToInquiry(ctx: ServiceContext, input: { month: string; id: string; message: string }): Promise<InquiryView> {
  const side = sideOf(ctx);
  return writeInTenant(ctx, { type: 'inquiries', month: input.month }, async (tx) => {
    const inquiry = await lockInquiry(tx, input.month, input.id);
    const own = payeeFilter(ctx);
    if (!inquiry || (own !== undefined && inquiry.payee !== own)) throw noSuchInquiry();
    if (inquiry.status === 'resolved') throw new AppError('conflict', 'inquiry-resolved', 'This inquiry is resolved: ask a new one about the line.');
    await appendInquiryMessage(tx, inquiry.id, { side, by: ctx.principal.userId, text: input.message, at: ctx.clock() });
    return inquiryView(tx, ctx, input.month, inquiry.id);
  });
}
