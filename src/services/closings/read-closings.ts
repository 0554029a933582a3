import { readClosingMonthSummary, readClosingsDocument } from '../../db/closings.js';
import { notFoundError } from '../../domain/app-error.js';
import { inTenant, type ServiceContext } from '../context.js';
import { closingMonthSummary } from './closing-month-summary.js';

/** One closings month: its totals and its closings in canonical form (importing that document again changes nothing). */
export async function readClosings(ctx: ServiceContext, input: { month: string }) {
  const found = await inTenant(ctx, async (tx) => {
    const summary = await readClosingMonthSummary(tx, input.month);
    return summary ? { summary, document: await readClosingsDocument(tx, input.month) } : undefined;
  });
  if (!found) throw notFoundError(`No closings for ${input.month}.`);
  return { totals: closingMonthSummary(found.summary), document: found.document };
}
