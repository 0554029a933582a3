import type { TenantTx } from './tenant.js';
import { monthDate } from './commissions.js';
import type { PayoutLine } from '../domain/payouts/calculate-payouts.js';

/*
 * Inquiries and their threads (migration 0016). In a payee's transaction the payee policies show
 * and let them write only their own; the queries name the payee too where one is given.
 */

export type InquirySide = 'payee' | 'admin';

export interface InquiryRow {
  id: string;
  month: string;
  payee: string;
  line_index: number;
  line: PayoutLine;
  status: 'open' | 'resolved';
  created_at: Date;
  resolved_at: Date | null;
  resolution_note: string | null;
}

export interface InquiryMessageRow {
  inquiry_id: string;
  seq: number;
  author_role: InquirySide;
  message: string;
  created_at: Date;
}

const COLUMNS = `id, to_char(month, 'YYYY-MM') AS month, payee, line_index, line, status, created_at, resolved_at, resolution_note`;

export async function insertInquiry(
  tx: TenantTx,
  inquiry: { month: string; payee: string; lineIndex: number; line: PayoutLine; at: Date; by: string | null },
): Promise<string> {
  const result = await tx.query<{ id: string }>(
    `INSERT INTO payout_inquiries (tenant_id, month, payee, line_index, line, status, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id`,
    [tx.tenantId, monthDate(inquiry.month), inquiry.payee, inquiry.lineIndex, JSON.stringify(inquiry.line), inquiry.at, inquiry.by],
  );
  return result.rows[0]!.id;
}

/** The inquiry, locked for a reply or its resolution (one writer at a time numbers the thread). */
export async function lockInquiry(tx: TenantTx, month: string, id: string): Promise<InquiryRow | undefined> {
  const result = await tx.query<InquiryRow>(`SELECT ${COLUMNS} FROM payout_inquiries WHERE tenant_id = $1 AND month = $2 AND id = $3 FOR UPDATE`, [
    tx.tenantId,
    monthDate(month),
    id,
  ]);
  return result.rows[0];
}

export async function appendInquiryMessage(tx: TenantTx, id: string, message: { side: InquirySide; by: string | null; text: string; at: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO payout_inquiry_messages (tenant_id, inquiry_id, seq, author_id, author_role, message, created_at)
     SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6 FROM payout_inquiry_messages WHERE tenant_id = $1 AND inquiry_id = $2`,
    [tx.tenantId, id, message.by, message.side, message.text, message.at],
  );
}

export async function resolveInquiry(tx: TenantTx, id: string, resolution: { note: string; at: Date; by: string | null }): Promise<void> {
  await tx.query(
    `UPDATE payout_inquiries SET status = 'resolved', resolved_at = $3, resolved_by = $4, resolution_note = $5 WHERE tenant_id = $1 AND id = $2`,
    [tx.tenantId, id, resolution.at, resolution.by, resolution.note],
  );
}

/**
 * Inquiries with their threads, oldest first: the month's (every month's when `month` is null),
 * one payee's when `payee` is given, one status's when `status` is.
 */
export async function listInquiries(
  tx: TenantTx,
  month: string | null,
  filter: { payee?: string | undefined; id?: string | undefined; status?: 'open' | 'resolved' | undefined } = {},
): Promise<{ inquiries: InquiryRow[]; messages: InquiryMessageRow[] }> {
  const where =
    'tenant_id = $1 AND ($2::date IS NULL OR month = $2) AND ($3::text IS NULL OR payee = $3) AND ($4::uuid IS NULL OR id = $4) AND ($5::text IS NULL OR status = $5)';
  const params = [tx.tenantId, month === null ? null : monthDate(month), filter.payee ?? null, filter.id ?? null, filter.status ?? null];
  const inquiries = await tx.query<InquiryRow>(`SELECT ${COLUMNS} FROM payout_inquiries WHERE ${where} ORDER BY created_at, id LIMIT 1000`, params);
  if (inquiries.rows.length === 0) return { inquiries: [], messages: [] };
  const messages = await tx.query<InquiryMessageRow>(
    `SELECT inquiry_id, seq, author_role, message, created_at FROM payout_inquiry_messages
      WHERE tenant_id = $1 AND inquiry_id = ANY($2::uuid[]) ORDER BY inquiry_id, seq`,
    [tx.tenantId, inquiries.rows.map((row) => row.id)],
  );
  return { inquiries: inquiries.rows, messages: messages.rows };
}
