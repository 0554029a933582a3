import { listInquiries, type InquiryMessageRow, type InquiryRow, type InquirySide } from '../../db/inquiries.js';
import type { TenantTx } from '../../db/tenant.js';
import { forbiddenError, notFoundError } from '../../domain/app-error.js';
import type { InquiryView } from '../../schemas/inquiries.js';
import type { ServiceContext } from '../context.js';

/** Who writes in a thread: the payee, or an admin for the company; members only read. */
export function sideOf(ctx: ServiceContext): InquirySide {
  if (ctx.principal.role === 'payee') return 'payee';
  if (ctx.principal.role === 'admin') return 'admin';
  throw forbiddenError('Inquiries are written by the payee and answered by admins.');
}

/** A payee reads only their own inquiries (the payee policies say so too); others read the month's. */
export const payeeFilter = (ctx: ServiceContext) => (ctx.principal.role === 'payee' ? ctx.principal.payee : undefined);

function view(row: InquiryRow, messages: InquiryMessageRow[]): InquiryView {
  return {
    id: row.id,
    month: row.month,
    payee: row.payee,
    line_index: row.line_index,
    line: row.line,
    status: row.status,
    created_at: row.created_at.toISOString(),
    resolved_at: row.resolved_at === null ? null : row.resolved_at.toISOString(),
    resolution_note: row.resolution_note,
    messages: messages.map((message) => ({ seq: message.seq, from: message.author_role, message: message.message, at: message.created_at.toISOString() })),
  };
}

/** Inquiries the caller may read: the month's (every month's when null), one by `id`, or one status's. */
export async function inquiryViews(tx: TenantTx, ctx: ServiceContext, month: string | null, filter: { id?: string; status?: 'open' | 'resolved' | undefined } = {}): Promise<InquiryView[]> {
  const { inquiries, messages } = await listInquiries(tx, month, { payee: payeeFilter(ctx), ...filter });
  return inquiries.map((row) => view(row, messages.filter((message) => message.inquiry_id === row.id)));
}

export async function inquiryView(tx: TenantTx, ctx: ServiceContext, month: string, id: string): Promise<InquiryView> {
  const [found] = await inquiryViews(tx, ctx, month, { id });
  if (!found) throw noSuchInquiry();
  return found;
}

export const noSuchInquiry = () => notFoundError('No such inquiry in this month.');
