import { appendInquiryMessage, insertInquiry } from '../../db/inquiries.js';
import { readPayeeStatement } from '../../db/payee-statements.js';
import { forbiddenError, invalidInput, notFoundError } from '../../domain/app-error.js';
import type { InquiryBody, InquiryView } from '../../schemas/inquiries.js';
import { writeInTenant, type ServiceContext } from '../context.js';
import { inquiryView, sideOf } from './inquiry-view.js';

/**
 * A question about one line of a statement, by the payee (about their own) or by an admin on
 * their behalf: the line must exist in the month's stored statement as the asker can see it (a
 * payee sees approved months, and drafts only when the tenant allows). The line is copied in.
 */
export async function createInquiry(ctx: ServiceContext, input: InquiryBody & { month: string }): Promise<InquiryView> {
  const side = sideOf(ctx);
  const { month, line, message } = input;
  if (side === 'payee' && line.payee !== ctx.principal.payee) throw forbiddenError('A payee asks only about their own statement.');
  return writeInTenant(ctx, { type: 'inquiries', month }, async (tx) => {
    const statement = await readPayeeStatement(tx, month, line.payee);
    if (!statement) throw notFoundError(`${line.payee} has no statement for ${month} that you can see.`);
    const asked = statement.statement.lines[line.index];
    if (!asked) {
      throw invalidInput('The line does not exist.', [
        { pointer: '/line/index', message: `the statement has ${statement.statement.lines.length} lines, numbered from 0` },
      ]);
    }
    const at = ctx.clock();
    const by = ctx.principal.userId;
    const id = await insertInquiry(tx, { month, payee: line.payee, lineIndex: line.index, line: asked, at, by });
    await appendInquiryMessage(tx, id, { side, by, text: message, at });
    return inquiryView(tx, ctx, month, id);
  });
}
