import { readPayoutState } from '../../db/payouts.js';
import { readPayoutStatement } from '../../db/payout-statements.js';
import { notFoundError } from '../../domain/app-error.js';
import { statementHtml } from '../../domain/payouts/statement-html.js';
import type { PayoutStatementView } from '../../schemas/payouts.js';
import { readBranding } from '../branding/read-branding.js';
import { inTenant, type ServiceContext } from '../context.js';
import type { EntitledContext } from '../entitlements/tenant-entitlements.js';

export interface StatementInput {
  month: string;
  payee: string;
}

/**
 * One person's statement of the month with the month's state (draft, or approved when and by
 * whom), as the calculation stored it. 404 for a month without payouts or a person it does not
 * pay; the answer never repeats the name asked for.
 */
export async function readStatement(ctx: ServiceContext, input: StatementInput): Promise<PayoutStatementView> {
  const found = await inTenant(ctx, async (tx) => {
    const state = await readPayoutState(tx, input.month);
    return state ? { state, statement: await readPayoutStatement(tx, input.month, input.payee) } : undefined;
  });
  if (!found) throw notFoundError(`No payouts for ${input.month}: calculate them first (POST /api/v1/payouts/${input.month}/calculate).`);
  if (!found.statement) throw notFoundError(`The payouts of ${input.month} have no statement for that person (GET /api/v1/payouts/${input.month} lists them).`);
  const { state, statement } = found;
  return {
    month: state.month,
    status: state.status,
    approved_at: state.approved_at === null ? null : state.approved_at.toISOString(),
    approved_by: state.approved_by,
    approved_by_email: state.approved_by_email,
    statement,
  };
}

/** The statement as a printable page (domain/payouts/statement-html.ts), in the tenant's branding when it is white-labelled. */
export async function readStatementPage(ctx: ServiceContext & EntitledContext, input: StatementInput): Promise<string> {
  const view = await readStatement(ctx, input);
  return statementHtml(view, await readBranding(ctx));
}
