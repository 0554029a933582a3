import { readPayeeStatement } from '../../db/payee-statements.js';
import { notFoundError } from '../../domain/app-error.js';
import type { MyStatementView } from '../../schemas/me.js';
import { inTenant, type ServiceContext } from '../context.js';
import { payeeOf } from './payee-of.js';

/** A payee's statement of one month, as stored: 404 for a month they have none in, or may not see yet (a draft). */
export async function readMyStatement(ctx: ServiceContext, input: { month: string }): Promise<MyStatementView> {
  const payee = payeeOf(ctx);
  const row = await inTenant(ctx, (tx) => readPayeeStatement(tx, input.month, payee));
  if (!row) throw notFoundError(`You have no statement for ${input.month} (or it is not approved yet).`);
  return {
    month: row.month,
    status: row.status,
    approved_at: row.approved_at === null ? null : row.approved_at.toISOString(),
    statement: row.statement,
  };
}
